package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
)

func TestEveryCallIsRecordedAndHistoryCommandsWork(t *testing.T) {
	dir := isolate(t)
	db := filepath.Join(dir, "h.db")
	t.Setenv("ALIAUTH_HISTORY", db)
	srv, flags := standalone(t)
	code := mint(t, srv, "auth_user")
	run(t, "", append([]string{"exchange", code}, flags...)...)
	run(t, "", append([]string{"exchange", code}, flags...)...) // spent: a gateway error
	run(t, "", "exchange", "abc", "--gateway", "http://127.0.0.1:1/gateway.do", "--app-id", "1", "--private-key", testAppKey)

	out, _, status := run(t, "", "history", "list")
	if status != 0 {
		t.Fatalf("list exit %d", status)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[1], "3 ") || !strings.Contains(lines[1], "transport-error") {
		t.Fatalf("list, newest first:\n%s", out)
	}
	mustContain(t, "list", out, "isv.code-invalid", "success")

	out, _, _ = run(t, "", "history", "list", "--outcome", "gateway-error")
	if n := strings.Count(strings.TrimSpace(out), "\n"); n != 1 {
		t.Fatalf("--outcome gateway-error gave %d rows:\n%s", n, out)
	}
	out, _, _ = run(t, "", "history", "list", "--grep", "code-invalid")
	mustContain(t, "grep", out, "isv.code-invalid")
	if strings.Contains(out, "transport-error") {
		t.Fatalf("--grep kept a non-matching call:\n%s", out)
	}
	_, errOut, status := run(t, "", "history", "list", "--outcome", "fine")
	if status != ExitUsage || !strings.Contains(errOut, "gateway-error") {
		t.Fatalf("bad --outcome: %d %s", status, errOut)
	}

	out, _, status = run(t, "", "history", "show", "1")
	if status != 0 {
		t.Fatalf("show exit %d", status)
	}
	mustContain(t, "show", out, "#1", "string to sign", "raw body", "signed content", "authusrB…")
	out, _, _ = run(t, "", "history", "show", "1", "--json")
	var tr gateway.Trace
	if err := json.Unmarshal([]byte(out), &tr); err != nil || tr.ID != 1 || !strings.Contains(tr.Tokens.AccessToken, "…") {
		t.Fatalf("show --json: %v %+v", err, tr.Tokens)
	}
	_, errOut, status = run(t, "", "history", "show", "99")
	if status != ExitUsage || !strings.Contains(errOut, "history list") {
		t.Fatalf("show missing id: %d %s", status, errOut)
	}

	out, _, _ = run(t, "", "history", "export")
	if strings.Count(out, "\n") != 3 || regexp.MustCompile(`authusrB[0-9a-f]{32}`).MatchString(out) {
		t.Fatalf("export (masked) wrong:\n%s", out)
	}
	revealed := filepath.Join(dir, "all.jsonl")
	if _, errOut, status := run(t, "", "history", "export", "--reveal", "-o", revealed); status != 0 {
		t.Fatalf("export -o: %s", errOut)
	}
	other := filepath.Join(dir, "other.db")
	out, _, status = run(t, "", "history", "import", revealed, "--history", other)
	if status != 0 || !strings.Contains(out, "imported 3 calls") {
		t.Fatalf("import: %d %s", status, out)
	}

	if out, _, status = run(t, "", "history", "delete", "2"); status != 0 || !strings.Contains(out, "deleted #2") {
		t.Fatalf("delete: %d %s", status, out)
	}
	if out, _, status = run(t, "", "history", "prune", "--keep", "1"); status != 0 || !strings.Contains(out, "pruned 1") {
		t.Fatalf("prune: %d %s", status, out)
	}
	if _, errOut, status = run(t, "", "history", "prune"); status != ExitUsage || !strings.Contains(errOut, "--older-than") {
		t.Fatalf("prune without a bound: %d %s", status, errOut)
	}
	info, err := os.Stat(db)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("history file mode: %v %v", err, info.Mode())
	}
}

func TestNoStoreSecretsKeepsTokensOutOfTheDatabase(t *testing.T) {
	dir := isolate(t)
	db := filepath.Join(dir, "h.db")
	srv, flags := standalone(t)
	out, _, status := run(t, "", append([]string{"exchange", mint(t, srv, "auth_user"), "--json", "--reveal", "--no-store-secrets", "--history", db}, flags...)...)
	if status != 0 {
		t.Fatalf("exit %d", status)
	}
	var tr gateway.Trace
	if err := json.Unmarshal([]byte(out), &tr); err != nil {
		t.Fatal(err)
	}
	export, _, _ := run(t, "", "history", "export", "--reveal", "--history", db)
	if strings.Contains(export, tr.Tokens.AccessToken) || strings.Contains(export, tr.Tokens.RefreshToken) {
		t.Fatal("the database kept a token despite --no-store-secrets")
	}
	mustContain(t, "export", export, gateway.Fingerprint(tr.Tokens.AccessToken))
}

func TestBrokenHistoryDoesNotStopTheCall(t *testing.T) {
	dir := isolate(t)
	db := filepath.Join(dir, "broken.db")
	garbage := []byte("this is not a database, and it must stay exactly as it is")
	if err := os.WriteFile(db, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	srv, flags := standalone(t)
	out, _, status := run(t, "", append([]string{"exchange", mint(t, srv, "auth_user"), "--history", db}, flags...)...)
	if status != 0 {
		t.Fatalf("exit %d\n%s", status, out)
	}
	mustContain(t, "output", out, "✓ success", "NOT recorded in history", db, "--history FILE")
	if got, _ := os.ReadFile(db); string(got) != string(garbage) {
		t.Fatal("the damaged history file was modified")
	}
}

func TestImportStreamsAndStopsAtABadLineSayingWhere(t *testing.T) {
	dir := isolate(t)
	srv, flags := standalone(t)
	src := filepath.Join(dir, "src.db")
	run(t, "", append([]string{"exchange", mint(t, srv, "auth_user"), "--history", src}, flags...)...)
	line, _, _ := run(t, "", "history", "export", "--reveal", "--history", src)
	var tr gateway.Trace
	if err := json.Unmarshal([]byte(line), &tr); err != nil {
		t.Fatal(err)
	}
	// 1500 calls, each its own (an import skips a call already there).
	var calls strings.Builder
	for range 1500 {
		tr.Time = tr.Time.Add(time.Second)
		js, _ := json.Marshal(&tr)
		calls.Write(append(js, '\n'))
	}
	file := filepath.Join(dir, "mixed.jsonl")
	content := calls.String() + "{not json\n" + line
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "dst.db")
	_, errOut, status := run(t, "", "history", "import", file, "--history", dst)
	if status != ExitUsage {
		t.Fatalf("bad line exits %d", status)
	}
	mustContain(t, "stderr", errOut, "line 1501 is not a trace", "1500 calls before it were imported")
	out, _, _ := run(t, "", "history", "list", "--limit", "0", "--history", dst)
	if n := strings.Count(strings.TrimSpace(out), "\n"); n != 1500 {
		t.Fatalf("%d calls kept, want the 1500 before the bad line", n)
	}
}
