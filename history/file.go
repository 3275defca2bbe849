package history

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// EnvHistory names the environment variable that overrides the default
// database path (the --history flag overrides both).
const EnvHistory = "ALIAUTH_HISTORY"

// DefaultDir is aliauth's data directory: $XDG_DATA_HOME/aliauth when
// XDG_DATA_HOME is set, else the platform's equivalent (~/.local/share/aliauth,
// ~/Library/Application Support/aliauth, %LocalAppData%\aliauth).
func DefaultDir() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "aliauth"), nil
	}
	if runtime.GOOS == "windows" {
		if d := os.Getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "aliauth"), nil
		}
		return "", &storeError{msg: "find the data directory: the LocalAppData environment variable is not set", errs: []error{ErrUnusable}}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", &storeError{msg: "find the data directory: " + err.Error(), errs: []error{ErrUnusable, err}}
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return filepath.Join(home, "Library", "Application Support", "aliauth"), nil
	}
	return filepath.Join(home, ".local", "share", "aliauth"), nil
}

// DefaultPath is where the history database lives unless told otherwise:
// history.db in DefaultDir.
func DefaultPath() (string, error) {
	dir, err := DefaultDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "history.db"), nil
}

// ResolvePath picks the database file: the --history flag's value when given,
// else $ALIAUTH_HISTORY, else DefaultPath.
func ResolvePath(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if v := os.Getenv(EnvHistory); v != "" {
		return v, nil
	}
	return DefaultPath()
}

// prepareFile makes sure path can be handed to SQLite: its directory exists
// (0700), the file exists (0600, created empty when missing), and a file that
// is not empty looks like a healthy SQLite database of a schema this aliauth
// knows. A file that fails the checks is not modified in any way.
func prepareFile(path string) error {
	if err := ensureDir(filepath.Dir(path)); err != nil {
		return err
	}
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		f, cerr := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if cerr == nil {
			cerr = f.Close()
		}
		if cerr != nil && !errors.Is(cerr, os.ErrExist) { // ErrExist: another process was first
			if ro := readOnly(path, "create it", cerr); ro != nil {
				return ro
			}
			return fmt.Errorf("create history database %q: %w", path, cerr)
		}
		info, err = os.Stat(path)
	}
	if err != nil {
		return fmt.Errorf("open history database %q: %w", path, err)
	}
	if info.IsDir() {
		return &storeError{msg: fmt.Sprintf("open history database %q: it is a directory, not a file", path), errs: []error{ErrUnusable}}
	}
	if !info.Mode().IsRegular() {
		return &storeError{msg: fmt.Sprintf("open history database %q: it is not a regular file", path), errs: []error{ErrUnusable}}
	}
	if info.Size() > 0 {
		if err := checkFile(path); err != nil {
			return err
		}
	}
	if err := tighten(path, 0o600); err != nil {
		if ro := readOnly(path, "restrict it to its owner", err); ro != nil {
			return ro
		}
		return fmt.Errorf("open history database %q: %w", path, err)
	}
	return nil
}

// ensureDir creates dir (mode 0700) when it is missing. An existing directory
// is left as it is, except aliauth's own data directory, which is tightened
// to 0700 since it holds tokens.
func ensureDir(dir string) error {
	info, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			if deniesWriting(err) {
				return &storeError{msg: fmt.Sprintf("create the history directory %q: %v; the location is read-only: pick a file in a writable directory", dir, err), errs: []error{ErrUnusable, err}}
			}
			return fmt.Errorf("create the history directory %q: %w", dir, err)
		}
		return tighten(dir, 0o700)
	}
	if err != nil {
		return fmt.Errorf("open the history directory %q: %w", dir, err)
	}
	if !info.IsDir() {
		return &storeError{msg: fmt.Sprintf("open the history directory %q: it is not a directory", dir), errs: []error{ErrUnusable}}
	}
	if own, err := DefaultDir(); err == nil && filepath.Clean(own) == filepath.Clean(dir) {
		if err := tighten(dir, 0o700); err != nil {
			return fmt.Errorf("restrict the history directory %q to its owner: %w", dir, err)
		}
	}
	return nil
}

// tighten removes the permission bits of path that perm does not allow. It
// never adds any.
func tighten(path string, perm os.FileMode) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if info.Mode().Perm()&^perm == 0 {
		return nil
	}
	return os.Chmod(path, info.Mode().Perm()&perm)
}

// checkFile decides, without changing a byte of it, whether a non-empty
// file is a database this aliauth can open: its header, then its schema as
// SQLite reads it, and, when the file is shorter than its header says, the
// whole database as SQLite reads it. Another process may be writing the file
// at the same moment, so what looks damaged is looked at again before it is
// called damaged.
func checkFile(path string) error {
	var err error
	for attempt := range 3 {
		if attempt > 0 {
			time.Sleep(50 * time.Millisecond)
		}
		var short string
		if short, err = checkHeader(path); err == nil {
			err = probe(path, short)
		}
		if err == nil || !errors.Is(err, ErrDamaged) {
			return err
		}
	}
	return err
}

// sqliteMagic opens every SQLite 3 database file.
const sqliteMagic = "SQLite format 3\x00"

// headerSize is the size of the SQLite database header.
const headerSize = 100

// checkHeader reads the 100-byte database header and checks what must hold
// for any SQLite database: the magic string, a page size that is a power of
// two, the payload fractions every SQLite writes. It also refuses a schema
// version newer than this aliauth knows. A file shorter than its header
// says is not damaged by that alone: a crash in the middle of a checkpoint
// leaves the file so, with every page still in the write-ahead log beside
// it. short then says how much shorter, for probe to have SQLite decide.
func checkHeader(path string) (short string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("open history database %q: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("open history database %q: %w", path, err)
	}
	var h [headerSize]byte
	n, err := io.ReadFull(f, h[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", fmt.Errorf("read history database %q: %w", path, err)
	}
	if n < len(sqliteMagic) || !bytes.Equal(h[:len(sqliteMagic)], []byte(sqliteMagic)) {
		return "", damaged(path, fmt.Sprintf("it is not an SQLite database (it starts with %q)", printable(h[:min(n, len(sqliteMagic))])), nil)
	}
	if n < headerSize {
		return "", damaged(path, fmt.Sprintf("it ends after %d bytes, inside the database header", n), nil)
	}
	pageSize := int64(binary.BigEndian.Uint16(h[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize&(pageSize-1) != 0 {
		return "", damaged(path, fmt.Sprintf("its header gives an impossible page size (%d)", pageSize), nil)
	}
	if h[18] < 1 || h[18] > 2 || h[19] < 1 || h[19] > 2 || h[21] != 64 || h[22] != 32 || h[23] != 32 {
		return "", damaged(path, "its header is garbled", nil)
	}
	// The page count at 28 is valid when the version-valid-for number at 92
	// matches the change counter at 24.
	if pages := int64(binary.BigEndian.Uint32(h[28:32])); pages > 0 && bytes.Equal(h[92:96], h[24:28]) {
		if want := pages * pageSize; info.Size() < want {
			short = fmt.Sprintf("it is %d bytes long but its header says %d", info.Size(), want)
		}
	}
	if v := int(int32(binary.BigEndian.Uint32(h[60:64]))); v > len(migrations) {
		return "", newerVersion(path, v, len(migrations))
	}
	return short, nil
}

// probe has SQLite read the database without writing to it, and refuses a
// database that another program made. SQLite reads it as it would for use,
// write-ahead log included, recovering it when a crash left it behind;
// only when there is no log is the file read as immutable, which is the
// same reading and creates nothing beside a file that may be damaged.
// short is set when the file is shorter than its header says: then SQLite
// checks every page (quick_check), and only what it cannot read is damage.
func probe(path, short string) error {
	q := url.Values{}
	q.Set("mode", "ro")
	if info, err := os.Stat(path + "-wal"); err != nil || info.Size() == 0 {
		q.Set("immutable", "1")
	}
	db, err := sql.Open("sqlite", fileURI(path, q))
	if err != nil {
		return fmt.Errorf("open history database %q: %w", path, err)
	}
	defer db.Close()
	var objects, version int
	err = db.QueryRow("SELECT count(*), (SELECT user_version FROM pragma_user_version) FROM sqlite_schema").Scan(&objects, &version)
	if err == nil && short != "" {
		err = quickCheck(context.Background(), db)
	}
	var se *sqlite.Error
	var check *checkFailed
	switch {
	case errors.As(err, &check) || errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_CORRUPT || se.Code()&0xff == sqlite3.SQLITE_NOTADB):
		reason := "SQLite cannot read its schema (" + err.Error() + ")"
		if short != "" {
			reason = short + ", and SQLite cannot read it whole (" + err.Error() + "): it was cut short"
		}
		return damaged(path, reason, err)
	case err != nil:
		return fmt.Errorf("open history database %q: %w", path, err)
	}
	if version == 0 && objects > 0 { // aliauth sets the version with its first tables
		return &storeError{
			msg:  fmt.Sprintf("history database %q is not aliauth's: it is an SQLite database of another program; it was left untouched: pick another file", path),
			errs: []error{ErrDamaged},
		}
	}
	return nil
}

// printable shows the first bytes of a file that is not a database, so the
// user may recognise what it is.
func printable(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '.'
		}
		out[i] = c
	}
	return string(out)
}

// checkFailed is what PRAGMA quick_check found wrong.
type checkFailed struct{ problems string }

func (e *checkFailed) Error() string { return "quick_check: " + e.problems }

// quickCheck has SQLite read every page of the database and check what it
// can without the indexes' contents: the test of damage that SQLite itself
// gives.
func quickCheck(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 3 {
		problems = append(problems[:3], fmt.Sprintf("and %d more", len(problems)-3))
	}
	if len(problems) > 0 {
		return &checkFailed{problems: strings.Join(problems, "; ")}
	}
	return nil
}
