package history

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"aliauth/gateway"
)

// spoiled is a database of n exchanges whose pages in the middle of the
// file, which hold traces rather than the schema, are overwritten: it opens,
// but SQLite's integrity check fails and some traces cannot be read.
func spoiled(t *testing.T, n int) (path string, content []byte) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "history.db")
	written(t, path, n)
	content, _ = os.ReadFile(path)
	for i := len(content) / 2; i < len(content)/2+16*4096; i++ {
		content[i] = 0x5a
	}
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, content
}

func TestCheckFindsWhatSQLiteCannotRead(t *testing.T) {
	ctx := context.Background()
	path, _ := spoiled(t, 300)
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("the schema is intact, so Open should succeed: %v", err)
	}
	defer s.Close()
	err = s.Check(ctx)
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "-wal and -shm") {
		t.Fatalf("Check of a spoiled database = %v, want ErrDamaged naming the file", err)
	}
	healthy := newStore(t)
	mustRecord(t, healthy, sampleTraces()["exchange"], true)
	if err := healthy.Check(ctx); err != nil {
		t.Fatalf("Check of a healthy database: %v", err)
	}
}

// TestExportSkipsUnreadableRows: export rescues every exchange SQLite can
// still read from a damaged database, oldest first, and says how many it
// could not.
func TestExportSkipsUnreadableRows(t *testing.T) {
	ctx := context.Background()
	path, content := spoiled(t, 300)
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	readable := 0
	for id := int64(1); id <= 300; id++ {
		if _, err := s.Get(ctx, id); err == nil {
			readable++
		}
	}
	if readable == 0 || readable == 300 {
		t.Fatalf("%d of 300 readable: the spoiling did not hit some traces and spare others", readable)
	}
	var buf bytes.Buffer
	n, err := s.Export(ctx, &buf, Filter{}, true)
	var skipped *SkippedError
	if !errors.As(err, &skipped) || !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Export = %v, want a SkippedError naming the file", err)
	}
	if n != readable || skipped.Skipped != 300-readable {
		t.Errorf("exported %d and skipped %d; %d of 300 are readable", n, skipped.Skipped, readable)
	}
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<24)
	lines := 0
	var last *gateway.Trace
	for sc.Scan() {
		var tr gateway.Trace
		if err := json.Unmarshal(sc.Bytes(), &tr); err != nil {
			t.Fatalf("line %d: %v", lines+1, err)
		}
		if last != nil && tr.Time.Before(last.Time) {
			t.Errorf("line %d is older than the one before it", lines+1)
		}
		last = &tr
		lines++
	}
	if lines != n {
		t.Errorf("%d lines for %d exported", lines, n)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, content) {
		t.Error("export changed the damaged file")
	}
}
