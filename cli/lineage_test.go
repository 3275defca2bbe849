package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// tokenIn reads a token from a --json --reveal trace.
func tokenIn(t *testing.T, out, name string) string {
	t.Helper()
	var tr struct {
		Tokens map[string]any `json:"tokens"`
	}
	if err := json.Unmarshal([]byte(out), &tr); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	s, _ := tr.Tokens[name].(string)
	return s
}

// A code exchanged twice: the second answer is explained by the first, by
// history id, time and profile; a redirect URL of another app is named.
func TestCodeInvalidIsTriaged(t *testing.T) {
	dir := isolate(t)
	t.Setenv("ALIAUTH_HISTORY", filepath.Join(dir, "h.db"))
	srv, flags := standalone(t)
	code := mint(t, srv, "auth_user")
	if _, _, status := run(t, "", append([]string{"exchange", code}, flags...)...); status != ExitOK {
		t.Fatalf("first exchange exits %d", status)
	}
	out, _, status := run(t, "", append([]string{"exchange", code}, flags...)...)
	if status != ExitGateway {
		t.Fatalf("reuse exits %d", status)
	}
	mustContain(t, "reuse", out, "why the code failed", "✗ used before", "already exchanged, in history #1 at", "profile custom", "first seen in history #1")

	other := "https://example.com/cb?app_id=2021000000000009&auth_code=" + mint(t, srv, "auth_user")
	out, _, _ = run(t, "", append([]string{"exchange", other}, flags...)...)
	if strings.Contains(out, "why the code failed") {
		t.Errorf("a good code was triaged:\n%s", out)
	}
	spent := "https://example.com/cb?app_id=2021000000000009&auth_code=" + code
	out, _, _ = run(t, "", append([]string{"exchange", spent}, flags...)...)
	mustContain(t, "another app", out, "✗ app", "app_id is 2021000000000009")

	out, _, _ = run(t, "", "history", "show", "2")
	mustContain(t, "history show", out, "why the code failed", "already exchanged, in history #1")
}

// A refresh token already rotated is warned about before it is sent, with
// the exchange that holds the live one; the lineage shows the chain.
func TestRotatedRefreshTokenAndLineage(t *testing.T) {
	dir := isolate(t)
	t.Setenv("ALIAUTH_HISTORY", filepath.Join(dir, "h.db"))
	srv, flags := standalone(t)
	out, _, _ := run(t, "", append([]string{"exchange", mint(t, srv, "auth_user"), "--json", "--reveal"}, flags...)...)
	first := tokenIn(t, out, "refresh_token")
	out, _, _ = run(t, "", append([]string{"refresh", first, "--json", "--reveal"}, flags...)...)
	second := tokenIn(t, out, "refresh_token")
	if second == "" || second == first {
		t.Fatalf("refresh did not rotate: %q", second)
	}
	run(t, "", append([]string{"refresh", second}, flags...)...)

	_, errOut, status := run(t, "", append([]string{"refresh", first}, flags...)...)
	if status != ExitGateway {
		t.Errorf("the dead token exits %d", status)
	}
	mustContain(t, "warning", errOut, "aliauth: warning: this refresh token was already rotated by history #2", "the live one is in history #3")
	_, errOut, _ = run(t, "", append([]string{"refresh", "authusrBnever"}, flags...)...)
	if strings.Contains(errOut, "warning") {
		t.Errorf("an unknown token was warned about: %s", errOut)
	}

	out, _, status = run(t, "", "history", "show", "--chain", "3")
	if status != ExitOK {
		t.Fatalf("--chain exits %d", status)
	}
	mustContain(t, "chain", out, "lineage of auth code", "#1", "exchange", "refresh token superseded by #2",
		"└ ", "▶ #3", "holds the live refresh token", "sent a refresh token already rotated")
	lines := regexp.MustCompile(`#\d`).FindAllString(out, -1)
	if strings.Join(lines, " ") != "#1 #2 #2 #3 #3 #4" {
		t.Errorf("chain order %q:\n%s", lines, out)
	}
	out, _, _ = run(t, "", "history", "show", "--chain", "1", "--json")
	var c struct {
		Entries []struct {
			ID   int64 `json:"id"`
			Live bool  `json:"live"`
		} `json:"entries"`
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil || len(c.Entries) != 4 || !c.Entries[2].Live {
		t.Errorf("--chain --json %v: %s", err, out)
	}
}

// A bundle holds no secret and verifies offline, as verify shows any
// response; a tampered bundle does not.
func TestBundleRoundTrip(t *testing.T) {
	dir := isolate(t)
	t.Setenv("ALIAUTH_HISTORY", filepath.Join(dir, "h.db"))
	srv, flags := standalone(t)
	code := mint(t, srv, "auth_user")
	out, _, _ := run(t, "", append([]string{"exchange", code, "--json", "--reveal"}, flags...)...)
	access, refresh := tokenIn(t, out, "access_token"), tokenIn(t, out, "refresh_token")
	path := filepath.Join(dir, "bundle.json")
	_, errOut, status := run(t, "", "history", "bundle", "1", "-o", path)
	if status != ExitOK {
		t.Fatalf("bundle exits %d: %s", status, errOut)
	}
	mustContain(t, "stderr", errOut, "aliauth verify "+path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{code, access, refresh} {
		if strings.Contains(string(data), secret) {
			t.Errorf("the bundle holds %q", secret)
		}
	}
	key := flags[len(flags)-1]
	out, _, status = run(t, "", "verify", path, "--alipay-public-key", key)
	if status != ExitOK {
		t.Errorf("verify exits %d:\n%s", status, out)
	}
	mustContain(t, "verify", out, "✓ verified", "digest the bundle kept", "sha256:")

	at := strings.Index(string(data), `"signed_digest": "`) + len(`"signed_digest": "`)
	tampered := []byte(string(data))
	if tampered[at] == '0' {
		tampered[at] = '1'
	} else {
		tampered[at] = '0'
	}
	if err := os.WriteFile(path, tampered, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, status = run(t, "", "verify", path, "--alipay-public-key", key)
	if status != ExitUntrusted {
		t.Errorf("a tampered bundle exits %d:\n%s", status, out)
	}
}

// An app created after the OpenID migration: no user_id, said to be
// expected.
func TestOpenIDOnlyIsExplained(t *testing.T) {
	dir := isolate(t)
	t.Setenv("ALIAUTH_HISTORY", filepath.Join(dir, "h.db"))
	srv, flags := standalone(t)
	if err := srv.SetOpenIDOnly("2021000000000001", true); err != nil {
		t.Fatal(err)
	}
	out, _, status := run(t, "", append([]string{"exchange", mint(t, srv, "auth_base")}, flags...)...)
	if status != ExitOK {
		t.Fatalf("exit %d", status)
	}
	mustContain(t, "exchange", out, "open_id", "user_id        none, as expected", "not a bug")
}
