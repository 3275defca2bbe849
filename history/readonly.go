package history

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// readOnly explains a failure to create or write the database at path
// when the reason is that the file, or the directory SQLite keeps its -wal
// and -shm files in, cannot be written: a read-only mount, a file or a
// directory without write permission, or marked immutable. It returns nil
// when both can be written, so the failure has another cause.
func readOnly(path, op string, cause error) error {
	what := ""
	if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
		f.Close()
	} else if deniesWriting(err) {
		what = "the file is read-only; make it writable, or pick another file"
	}
	if what == "" {
		dir := filepath.Dir(path)
		if err := probeDir(dir); deniesWriting(err) {
			what = fmt.Sprintf("its directory %s is read-only, and SQLite keeps the -wal and -shm files beside the database; pick a file in a writable directory", dir)
		}
	}
	if what == "" {
		return nil
	}
	return &storeError{
		msg:  fmt.Sprintf("history database %q cannot be written (%s): %s", path, op, what),
		errs: []error{ErrUnusable, cause},
	}
}

// probeDir creates and removes a file in dir, the one sure test that it
// can be written (permission bits do not tell root or a read-only mount).
func probeDir(dir string) error {
	f, err := os.CreateTemp(dir, ".aliauth-probe-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

func deniesWriting(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}
