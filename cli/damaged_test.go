package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
	"aliauth/history"
)

// damagedHistory is a history of 300 calls whose middle pages are
// overwritten: it opens, SQLite's check fails, some traces cannot be read.
func damagedHistory(t *testing.T, dir string) (db string, content []byte) {
	t.Helper()
	db = filepath.Join(dir, "damaged.db")
	tr := fixtureTrace(t, "exchange_v2.json")
	traces := make([]*gateway.Trace, 300)
	for i := range traces {
		c := *tr
		c.Time = tr.Time.Add(time.Duration(i) * time.Second)
		traces[i] = &c
	}
	s, err := history.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(context.Background(), traces, true); err != nil {
		t.Fatal(err)
	}
	s.Close()
	content, _ = os.ReadFile(db)
	for i := len(content) / 2; i < len(content)/2+8*4096; i++ {
		content[i] = 0x5a
	}
	if err := os.WriteFile(db, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return db, content
}

// TestDamagedHistoryRefusesChangesAndExportRescues: prune, delete and import
// would change a database SQLite reports as damaged, spreading the damage;
// they refuse, naming the file, and change nothing. export writes every
// call that can still be read and says how many could not.
func TestDamagedHistoryRefusesChangesAndExportRescues(t *testing.T) {
	dir := isolate(t)
	db, content := damagedHistory(t, dir)
	line, _ := json.Marshal(fixtureTrace(t, "code_invalid_v2.json"))
	jsonl := filepath.Join(dir, "one.jsonl")
	os.WriteFile(jsonl, append(line, '\n'), 0o600)
	for _, args := range [][]string{
		{"history", "prune", "--keep", "1"},
		{"history", "prune", "--older-than", "1d"},
		{"history", "delete", "3"},
		{"history", "import", jsonl},
	} {
		out, errOut, status := run(t, "", append(args, "--history", db)...)
		if status != ExitUsage {
			t.Errorf("%v on a damaged history: exit %d\n%s%s", args, status, out, errOut)
		}
		mustContain(t, strings.Join(args, " "), errOut, db, "damaged", "nothing was changed", "history export")
		if after, _ := os.ReadFile(db); !bytes.Equal(after, content) {
			t.Fatalf("%v changed the damaged file", args)
		}
	}

	rescued := filepath.Join(dir, "rescued.jsonl")
	_, errOut, status := run(t, "", "history", "export", "--reveal", "-o", rescued, "--history", db)
	if status != ExitOK {
		t.Fatalf("export from a damaged history: exit %d\n%s", status, errOut)
	}
	data, err := os.ReadFile(rescued)
	if err != nil {
		t.Fatal(err)
	}
	n := bytes.Count(data, []byte("\n"))
	mustContain(t, "export", errOut, "exported ", "skipped", db)
	if n == 0 || n == 300 {
		t.Fatalf("%d of 300 calls rescued", n)
	}
	out, errOut, status := run(t, "", "history", "export", "--history", db)
	if status != ExitOK || strings.Count(out, "\n") != n || !strings.Contains(errOut, "skipped") {
		t.Errorf("export to stdout: exit %d, %d lines, want %d\n%s", status, strings.Count(out, "\n"), n, errOut)
	}
}
