package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
)

// TestTokensAreNeverLostWhenHistoryCannotRecord: a code is spent once the
// gateway answers, so when history cannot keep the answer (damaged, locked
// past the busy timeout, read-only) its tokens must reach the user some
// other way: shown in full, and the trace saved to a file only the user
// can read, which history import takes later.
func TestTokensAreNeverLostWhenHistoryCannotRecord(t *testing.T) {
	const access, refresh = "authusrBaccess0123456789abcdef0123456789", "authusrBrefresh0123456789abcdef012345678"
	for _, c := range []struct {
		name   string
		setup  func(t *testing.T, db string)
		reason string
	}{
		{"damaged", func(t *testing.T, db string) {
			if err := os.WriteFile(db, []byte("not a database"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "is damaged"},
		{"locked", func(t *testing.T, db string) {
			holdWriteLock(t, db)
			old := historyBusyTimeout
			historyBusyTimeout = 200 * time.Millisecond
			t.Cleanup(func() { historyBusyTimeout = old })
		}, "is locked"},
		{"read-only", func(t *testing.T, db string) {
			if _, _, status := run(t, "", "history", "prune", "--keep", "1", "--history", db); status != 0 {
				t.Fatal("could not create the history")
			}
			readOnly(t, filepath.Dir(db), db)
		}, "cannot be written"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := isolate(t)
			db := filepath.Join(dir, "history", "h.db")
			if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
				t.Fatal(err)
			}
			alipay := loadTestKey(t, testAlipayKey)
			url := hostileGateway(t, func(*http.Request) answer {
				return answer{status: 200, headers: []string{"Content-Type: application/json"}, body: signedV2(t, gateway.NodeName(gateway.MethodOAuthToken),
					map[string]any{"access_token": access, "refresh_token": refresh, "user_id": "2088", "expires_in": 60, "re_expires_in": 120}, alipay)}
			})
			flags, _ := hostileKeys(t, url)
			c.setup(t, db)

			out, errOut, status := run(t, "", append([]string{"exchange", "code", "--history", db}, flags...)...)
			if status != ExitOK {
				t.Fatalf("exit %d\n%s%s", status, out, errOut)
			}
			mustContain(t, "output", out, "NOT recorded in history", c.reason, access, refresh, "no other copy")
			checkRescued(t, dir, out, access)

			out, errOut, status = run(t, "", append([]string{"exchange", "code", "--json", "--history", db}, flags...)...)
			var tr gateway.Trace
			if err := json.Unmarshal([]byte(out), &tr); err != nil || status != ExitOK {
				t.Fatalf("--json: exit %d, %v\n%s%s", status, err, out, errOut)
			}
			if strings.Contains(out, access) {
				t.Error("--json revealed the token on stdout without --reveal")
			}
			mustContain(t, "stderr", errOut, "NOT recorded in history", c.reason)
			checkRescued(t, dir, errOut, access)
		})
	}
}

var rescuePath = regexp.MustCompile(`\S+aliauth-unrecorded-\S+\.jsonl`)

// checkRescued finds the file the output names, checks only the user can
// read it and that it holds the token, and imports it into a new history.
func checkRescued(t *testing.T, dir, out, token string) {
	t.Helper()
	path := rescuePath.FindString(out)
	if path == "" {
		t.Fatalf("no file named for the unrecorded trace:\n%s", out)
	}
	t.Cleanup(func() { os.Remove(path) })
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %o, want 600", path, info.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), token) {
		t.Errorf("%s does not hold the token", path)
	}
	other := filepath.Join(dir, "rescued.db")
	if out, errOut, status := run(t, "", "history", "import", path, "--history", other); status != ExitOK {
		t.Errorf("history import %s: exit %d\n%s%s", path, status, out, errOut)
	}
}

// holdWriteLock holds the database's write lock until the test ends, as
// another aliauth in the middle of a long write would.
func holdWriteLock(t *testing.T, db string) {
	t.Helper()
	if _, _, status := run(t, "", "history", "prune", "--keep", "1", "--history", db); status != 0 {
		t.Fatal("could not create the history")
	}
	h, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := h.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.ExecContext(context.Background(), "ROLLBACK")
		conn.Close()
		h.Close()
	})
}
