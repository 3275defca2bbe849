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

// TestImportSkipsWhatIsAlreadyThere: importing the same export twice, or an
// export that repeats a call, stores each call once.
func TestImportSkipsWhatIsAlreadyThere(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	traces := newGenerator(5).traces(50)
	if n, err := s.Import(ctx, traces, true); err != nil || n != 50 {
		t.Fatalf("first import = %d, %v", n, err)
	}
	first := traces[7].ID
	again := newGenerator(5).traces(60) // the same 50, then 10 more
	again = append(again, again[55])    // and one of the new ones twice
	n, err := s.Import(ctx, again, true)
	if err != nil || n != 10 {
		t.Fatalf("second import stored %d (%v), want the 10 new ones", n, err)
	}
	if again[7].ID != first {
		t.Errorf("a skipped trace has ID %d, want the %d it is stored under", again[7].ID, first)
	}
	if total, _ := s.Count(ctx, Filter{}); total != 60 {
		t.Errorf("%d exchanges stored, want 60", total)
	}
}

func TestExistingCreatesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "history.db")
	_, err := Open(context.Background(), path, Existing())
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open(Existing) of a missing file = %v", err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Fatal("Open(Existing) created the directory")
	}
}
