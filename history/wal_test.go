package history

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// crashSnapshot copies the database file and its write-ahead log as they
// are while a Store holds them open, with committed exchanges still in the
// log: what a crash leaves on disk. The shared-memory index is not copied;
// SQLite rebuilds it from the log.
func crashSnapshot(t *testing.T, from, to string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(from + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// interruptCheckpoint does to a database file what a crash between a
// checkpoint's page writes does: the checkpoint writes the log's pages into
// the file in page order, page 1 first, whose header gives the new page
// count; the crash comes before the rest. The file is then shorter than its
// header says, and the log still holds every page.
func interruptCheckpoint(t *testing.T, path string) {
	t.Helper()
	wal, err := os.ReadFile(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	const walHeader, frameHeader = 32, 24
	pageSize := int(binary.BigEndian.Uint32(wal[8:12]))
	var page1 []byte
	for off := walHeader; off+frameHeader+pageSize <= len(wal); off += frameHeader + pageSize {
		if binary.BigEndian.Uint32(wal[off:off+4]) == 1 {
			page1 = wal[off+frameHeader : off+frameHeader+pageSize]
		}
	}
	if page1 == nil {
		t.Fatal("the log holds no copy of page 1")
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(page1, 0); err != nil {
		t.Fatal(err)
	}
	info, _ := f.Stat()
	if pages := int64(binary.BigEndian.Uint32(page1[28:32])); info.Size() >= pages*int64(pageSize) {
		t.Fatalf("the file (%d bytes) is not shorter than its header's %d pages of %d", info.Size(), pages, pageSize)
	}
}

// TestInterruptedCheckpointIsNotDamage: after a crash in the middle of a
// checkpoint the file alone looks cut short, but the file and its log are a
// healthy database. It must open, list every committed exchange and keep
// recording, and SQLite, not a size comparison, decides.
func TestInterruptedCheckpointIsNotDamage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	written(t, live, 20) // checkpointed: the file holds these
	s, err := Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(ctx, newGenerator(7).traces(300), true); err != nil { // these stay in the log
		t.Fatal(err)
	}
	crashed := filepath.Join(dir, "crashed.db")
	crashSnapshot(t, live, crashed)
	s.Close()
	interruptCheckpoint(t, crashed)

	s, err = Open(ctx, crashed)
	if err != nil {
		t.Fatalf("a database whose checkpoint was interrupted is refused: %v", err)
	}
	defer s.Close()
	n, err := s.Count(ctx, Filter{})
	if err != nil || n != 320 {
		t.Fatalf("%d exchanges listed (%v), want all 320 committed", n, err)
	}
	var buf bytes.Buffer
	if written, err := s.Export(ctx, &buf, Filter{}, true); err != nil || written != 320 {
		t.Fatalf("export after recovery: %d, %v", written, err)
	}
	mustRecord(t, s, sampleTraces()["exchange"], true)
	if n, _ := s.Count(ctx, Filter{}); n != 321 {
		t.Fatalf("%d exchanges after recording one more, want 321", n)
	}
}

// TestCutShortWithoutItsLogIsDamage: the same file without the log that
// holds its pages really has lost them; SQLite finds it unreadable, and the
// advice to move it aside names the -wal and -shm files.
func TestCutShortWithoutItsLogIsDamage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	written(t, live, 20)
	s, err := Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(ctx, newGenerator(7).traces(300), true); err != nil {
		t.Fatal(err)
	}
	crashed := filepath.Join(dir, "crashed.db")
	crashSnapshot(t, live, crashed)
	s.Close()
	interruptCheckpoint(t, crashed)
	if err := os.Remove(crashed + "-wal"); err != nil {
		t.Fatal(err)
	}
	content, _ := os.ReadFile(crashed)
	info, _ := os.Stat(crashed)
	_, err = Open(ctx, crashed)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("-wal and -shm")) {
		t.Fatalf("Open of a file that lost its pages = %v, want damage naming -wal and -shm", err)
	}
	untouched(t, crashed, content, info.ModTime())
}
