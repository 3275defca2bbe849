// Package atomicfile writes files whole or not at all: through a temporary
// file beside the target and a rename, so a crash, a full disk or an error
// half way never leaves a half-written file where the old one was.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile writes data to path with the given mode, atomically.
func WriteFile(path string, data []byte, mode fs.FileMode) error {
	return Write(path, mode, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write streams what write produces to path with the given mode,
// atomically: when write fails, path is left as it was.
func Write(path string, mode fs.FileMode, write func(w io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	// The mode is set before anything is written, so a secret is never
	// readable by others even for a moment.
	err = tmp.Chmod(mode)
	if err == nil {
		buf := bufio.NewWriterSize(tmp, 64<<10)
		if err = write(buf); err == nil {
			err = buf.Flush()
		}
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
