//go:build unix

package history

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode().Perm()
}

func TestModesUnderPermissiveUmask(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	root := t.TempDir()
	path := filepath.Join(root, "data", "aliauth", "history.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustRecord(t, s, sampleTraces()["exchange"], true)
	for _, dir := range []string{filepath.Join(root, "data"), filepath.Join(root, "data", "aliauth")} {
		if m := mode(t, dir); m != 0o700 {
			t.Errorf("directory %s has mode %o, want 700", dir, m)
		}
	}
	for _, file := range []string{path, path + "-wal", path + "-shm"} {
		if m := mode(t, file); m != 0o600 {
			t.Errorf("%s has mode %o, want 600", filepath.Base(file), m)
		}
	}
}

func TestModesTightened(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	own := filepath.Join(data, "aliauth")
	other := filepath.Join(t.TempDir(), "shared")
	for _, dir := range []string{own, other} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "history.db")
		written(t, path, 2)
		os.Chmod(path, 0o644)
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		mustRecord(t, s, sampleTraces()["refresh"], true)
		for _, file := range []string{path, path + "-wal", path + "-shm"} {
			if m := mode(t, file); m != 0o600 {
				t.Errorf("%s has mode %o, want 600", file, m)
			}
		}
		s.Close()
	}
	if m := mode(t, own); m != 0o700 {
		t.Errorf("aliauth's own data directory has mode %o, want 700", m)
	}
	if m := mode(t, other); m != 0o755 {
		t.Errorf("a directory the user chose was changed to %o", m)
	}
}

// readIDs collects the ids a helper prints, one a line.
func readIDs(r io.Reader, each func(int64)) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		id, err := strconv.ParseInt(strings.TrimSpace(sc.Text()), 10, 64)
		if err != nil {
			return fmt.Errorf("helper printed %q", sc.Text())
		}
		each(id)
	}
	return sc.Err()
}

func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "aliauth", "history.db") // not there yet: all race to create it
	const writers, each = 4, 150
	var (
		mu      sync.Mutex
		printed = map[string][]int64{}
		wg      sync.WaitGroup
	)
	for w := range writers {
		name := fmt.Sprintf("writer-%d", w)
		cmd := helperCommand(t, "writer", path, "HISTORY_TEST_NAME="+name, "HISTORY_TEST_COUNT="+strconv.Itoa(each))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			var got []int64
			if err := readIDs(out, func(id int64) { got = append(got, id) }); err != nil {
				t.Error(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			mu.Lock()
			printed[name] = got
			mu.Unlock()
		})
	}
	// This process writes too, through its own Store.
	s, err := Open(ctx, path, WithBusyTimeout(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mine []int64
	for i, tr := range newGenerator(61).traces(each) {
		tr.Profile, tr.AppID = "parent", fmt.Sprintf("parent-%d", i)
		mine = append(mine, mustRecord(t, s, tr, true))
	}
	wg.Wait()
	printed["parent"] = mine
	if t.Failed() {
		t.FailNow()
	}
	total, err := s.Count(ctx, Filter{})
	if err != nil || total != (writers+1)*each {
		t.Fatalf("Count = %d, %v; want %d", total, err, (writers+1)*each)
	}
	seen := map[int64]bool{}
	for name, got := range printed {
		if len(got) != each {
			t.Errorf("%s printed %d ids, want %d", name, len(got), each)
		}
		sums, err := s.List(ctx, Filter{Profile: name})
		if err != nil {
			t.Fatal(err)
		}
		var apps []string
		for _, sum := range sums {
			apps = append(apps, sum.AppID)
		}
		for i := range each {
			if !slices.Contains(apps, fmt.Sprintf("%s-%d", name, i)) {
				t.Errorf("%s's exchange %d is missing", name, i)
			}
		}
		for _, id := range got {
			if seen[id] {
				t.Errorf("id %d given twice", id)
			}
			seen[id] = true
			if _, err := s.Get(ctx, id); err != nil {
				t.Error(err)
			}
		}
	}
}

func TestKilledMidWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	var committed []int64
	for round := range 3 {
		cmd := helperCommand(t, "forever", path, fmt.Sprintf("HISTORY_TEST_NAME=round-%d", round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		stop := 100 + 37*round
		n := 0
		err = readIDs(out, func(id int64) {
			committed = append(committed, id)
			if n++; n == stop {
				cmd.Process.Kill() // SIGKILL, in the middle of whatever it was writing
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		var exit *exec.ExitError
		if err := cmd.Wait(); !errors.As(err, &exit) {
			t.Fatalf("round %d: the helper should have been killed: %v", round, err)
		}
		if _, err := os.Stat(path + "-wal"); err != nil {
			t.Fatalf("round %d: a killed writer leaves its log: %v", round, err)
		}
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
		}
		var check string
		if err := s.db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
			t.Errorf("round %d: integrity_check = %q, %v", round, check, err)
		}
		for _, id := range committed {
			if _, err := s.Get(ctx, id); err != nil {
				t.Errorf("round %d: committed exchange lost: %v", round, err)
			}
		}
		if n, _ := s.Count(ctx, Filter{}); n < len(committed) {
			t.Errorf("round %d: %d exchanges, %d were committed", round, n, len(committed))
		}
		s.Close()
	}
}

func TestLockedByAnotherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	ctx := context.Background()
	s := newStore(t, WithBusyTimeout(300*time.Millisecond))
	cmd := helperCommand(t, "lock", s.Path())
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("helper did not take the lock: %q, %v", line, err)
	}
	start := time.Now()
	_, err = s.Record(ctx, sampleTraces()["exchange"], true)
	waited := time.Since(start)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Record on a held database = %v, want ErrLocked", err)
	}
	for _, part := range []string{s.Path(), "is locked", "another aliauth process", "300ms", "pick another file"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("message lacks %q: %v", part, err)
		}
	}
	if waited < 250*time.Millisecond {
		t.Errorf("gave up after %v, before the busy timeout", waited)
	}
	// Reading is not held up by a writer.
	if _, err := s.List(ctx, Filter{Limit: 10}); err != nil {
		t.Errorf("List while another process writes: %v", err)
	}
	// Once the other process lets go within the timeout, the write waits
	// for it and succeeds.
	go func() {
		time.Sleep(100 * time.Millisecond)
		stdin.Close()
	}()
	s2, err := Open(ctx, s.Path(), WithBusyTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := s2.Record(ctx, sampleTraces()["refresh"], true); err != nil {
		t.Errorf("Record once the lock is released: %v", err)
	}
	cmd.Wait()
}
