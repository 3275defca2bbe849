package history

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// written creates a database at path holding n generated exchanges and
// closes it, leaving one file with no log beside it.
func written(t *testing.T, path string, n int) {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(context.Background(), newGenerator(41).traces(n), true); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Fatalf("%s left behind after close", suffix)
		}
	}
}

// rawDB opens the database without the Store, as another program would.
func rawDB(t *testing.T, path string, q url.Values) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", fileURI(path, q))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// untouched checks that Open left a file exactly as it was: same bytes,
// same modification time, nothing created beside it.
func untouched(t *testing.T, path string, before []byte, mtime time.Time) {
	t.Helper()
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the file's bytes changed")
	}
	if info, _ := os.Stat(path); !info.ModTime().Equal(mtime) {
		t.Error("the file's modification time changed")
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Errorf("%s created beside the file", suffix)
		}
	}
}

func TestOpenDamaged(t *testing.T) {
	healthy := filepath.Join(t.TempDir(), "healthy.db")
	written(t, healthy, 300)
	good, err := os.ReadFile(healthy)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, reason string
		content      func() []byte
	}{
		{"text file", "not an SQLite database", func() []byte { return []byte("exchange log\nid,time\n1,2025-11-20\n") }},
		{"one byte", "not an SQLite database", func() []byte { return []byte{0} }},
		{"header cut", "inside the database header", func() []byte { return good[:60] }},
		{"garbled header", "impossible page size", func() []byte {
			b := bytes.Clone(good)
			b[16], b[17] = 0x03, 0xe8 // 1000
			return b
		}},
		{"cut short", "cut short", func() []byte { return good[:len(good)/2] }},
		{"schema page", "cannot read its schema", func() []byte {
			b := bytes.Clone(good)
			for i := 100; i < 4096; i++ {
				b[i] = 0xa5
			}
			return b
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "history.db")
			content := c.content()
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			info, _ := os.Stat(path)
			s, err := Open(context.Background(), path)
			if err == nil {
				s.Close()
				t.Fatal("Open accepted a damaged file")
			}
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("Open = %v, want ErrDamaged", err)
			}
			for _, part := range []string{path, c.reason, "left untouched", "move it aside", "-wal and -shm", "pick another file"} {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("message lacks %q: %v", part, err)
				}
			}
			untouched(t, path, content, info.ModTime())
		})
	}
}

func TestOpenAnotherProgramsDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.db")
	db := rawDB(t, path, nil)
	if _, err := db.Exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	content, _ := os.ReadFile(path)
	info, _ := os.Stat(path)
	_, err := Open(context.Background(), path)
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "another program") || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open of another program's database: %v", err)
	}
	untouched(t, path, content, info.ModTime())
}

func TestDamagedPagesFoundLater(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	written(t, path, 300)
	content, _ := os.ReadFile(path)
	// Spoil the pages in the middle of the file, which hold traces, not
	// the schema.
	for i := len(content) / 2; i < len(content)/2+16*4096; i++ {
		content[i] = 0x5a
	}
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("the schema is intact, so Open should succeed: %v", err)
	}
	_, err = s.Export(context.Background(), &bytes.Buffer{}, Filter{}, true)
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "left untouched") {
		t.Errorf("reading spoiled pages: %v", err)
	}
	s.Close()
	after, _ := os.ReadFile(path)
	if !bytes.Equal(content, after) {
		t.Error("the damaged file was changed")
	}
}

func TestOpenNewerVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	written(t, path, 3)
	db := rawDB(t, path, nil)
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	content, _ := os.ReadFile(path)
	info, _ := os.Stat(path)
	_, err := Open(context.Background(), path)
	if !errors.Is(err, ErrNewerVersion) {
		t.Fatalf("Open = %v, want ErrNewerVersion", err)
	}
	for _, part := range []string{path, "99", "newer aliauth", "up to " + strconv.Itoa(SchemaVersion()), "upgrade aliauth", "pick another file"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("message lacks %q: %v", part, err)
		}
	}
	untouched(t, path, content, info.ModTime())
}

func TestOpenNewerVersionNotYetCheckpointed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	written(t, path, 3)
	// Another process has moved the schema on; its change is still in the
	// log, not in the file's header.
	db := rawDB(t, path, url.Values{"_pragma": {"journal_mode(WAL)", "wal_autocheckpoint(0)"}})
	if _, err := db.Exec("PRAGMA user_version = 7"); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), path)
	if !errors.Is(err, ErrNewerVersion) || !strings.Contains(err.Error(), "version 7") {
		t.Fatalf("Open = %v, want ErrNewerVersion for version 7", err)
	}
}

func TestOpenEmptyAndNew(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{empty, filepath.Join(dir, "new", "deeper", "history.db")} {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		var version int
		s.db.QueryRow("PRAGMA user_version").Scan(&version)
		if version != SchemaVersion() {
			t.Errorf("%s: schema version %d, want %d", path, version, SchemaVersion())
		}
		var mode string
		s.db.QueryRow("PRAGMA journal_mode").Scan(&mode)
		if mode != "wal" {
			t.Errorf("%s: journal mode %q, want wal", path, mode)
		}
		if s.Path() != path {
			t.Errorf("Path() = %q, want %q", s.Path(), path)
		}
		s.Close()
	}
}

func TestOpenOddPaths(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "what? #1 100%")
	path := filepath.Join(dir, "my history?.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	mustRecord(t, s, sampleTraces()["exchange"], true)
	s.Close()
	if info, err := os.Stat(path); err != nil || info.Size() == 0 {
		t.Fatalf("the database is not at %q: %v", path, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files beside the database: %q", names)
	}
	// A relative path is made absolute.
	t.Chdir(dir)
	s, err = Open(ctx, "my history?.db")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
	if n, _ := s.Count(ctx, Filter{}); n != 1 {
		t.Errorf("reopened database holds %d exchanges, want 1", n)
	}
}

func TestOpenNotAFile(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("Open(a directory) = %v", err)
	}
	file := filepath.Join(dir, "plain")
	os.WriteFile(file, []byte("x"), 0o600)
	_, err = Open(context.Background(), filepath.Join(file, "history.db"))
	if err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Open(under a file) = %v", err)
	}
}

func TestResolvePath(t *testing.T) {
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	t.Setenv(EnvHistory, "")
	dir, err := DefaultDir()
	if err != nil || dir != filepath.Join(data, "aliauth") {
		t.Errorf("DefaultDir() = %q, %v", dir, err)
	}
	if p, _ := ResolvePath(""); p != filepath.Join(data, "aliauth", "history.db") {
		t.Errorf("ResolvePath with nothing set = %q", p)
	}
	t.Setenv(EnvHistory, "/tmp/from-env.db")
	if p, _ := ResolvePath(""); p != "/tmp/from-env.db" {
		t.Errorf("ResolvePath with %s set = %q", EnvHistory, p)
	}
	if p, _ := ResolvePath("flag.db"); p != "flag.db" {
		t.Errorf("ResolvePath with the flag = %q", p)
	}
	t.Setenv("XDG_DATA_HOME", "relative/dir") // ignored, as the spec says
	if dir, _ := DefaultDir(); strings.HasPrefix(dir, "relative") {
		t.Errorf("a relative XDG_DATA_HOME was used: %q", dir)
	}
}
