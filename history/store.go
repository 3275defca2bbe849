// Package history is the local store of exchanges: every call to the gateway,
// recorded with its whole gateway.Trace, in an SQLite database that several
// aliauth processes can use at once.
//
// A Store records traces (Record, Import), answers the history list (List,
// Count) and reads, deletes, prunes and exports them. The console keeps an
// Index, built from the summaries in memory, to filter as the user types.
package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DefaultBusyTimeout is how long a Store waits for another process to
// release the database before it gives up with ErrLocked.
const DefaultBusyTimeout = 5 * time.Second

// Errors a Store reports, to be matched with errors.Is. The errors returned
// carry the database path and what to do.
var (
	// ErrNotFound: no exchange has the given id.
	ErrNotFound = errors.New("no such exchange")
	// ErrLocked: another process held the database longer than the busy timeout.
	ErrLocked = errors.New("history database is locked")
	// ErrDamaged: the file is not an SQLite database, or not aliauth's, or
	// its pages are corrupt. The file is left as it is.
	ErrDamaged = errors.New("history database is damaged")
	// ErrNewerVersion: the database was written by a newer aliauth, whose
	// schema this one does not know. It is not migrated down.
	ErrNewerVersion = errors.New("history database is from a newer aliauth")
	// ErrUnusable: the path cannot hold the database (a directory, not a
	// regular file, a file system without WAL mode, no data directory).
	ErrUnusable = errors.New("history database cannot be used there")
)

// Store is an open history database. It is safe for concurrent use, and
// other processes may use the same file at the same time.
type Store struct {
	db          *sql.DB
	path        string
	busyTimeout time.Duration
}

// Option adjusts how Open opens the database.
type Option func(*options)

type options struct {
	busyTimeout time.Duration
	existing    bool
}

// WithBusyTimeout sets how long to wait for a database another process holds
// before failing with ErrLocked (DefaultBusyTimeout when not given).
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.busyTimeout = d
		}
	}
}

// Existing makes Open refuse to create a database: a command that only
// reads must not leave an empty history (and its directories) behind a
// mistyped path. The error then matches fs.ErrNotExist.
func Existing() Option {
	return func(o *options) { o.existing = true }
}

// Open opens the history database at path, creating it (mode 0600, in a
// directory of mode 0700) when it does not exist, and brings its schema up to
// date. A file that is not a healthy SQLite database is reported with
// ErrDamaged and left untouched; one written by a newer aliauth is refused
// with ErrNewerVersion.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	o := options{busyTimeout: DefaultBusyTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	if path == "" {
		return nil, errors.New("open history: no database path given")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open history %q: %w", path, err)
	}
	path = abs
	if o.existing {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, &storeError{msg: fmt.Sprintf("history database %q does not exist: nothing has been recorded there", path), errs: []error{err}}
		}
	}
	if err := prepareFile(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn(path, o.busyTimeout))
	if err != nil {
		return nil, fmt.Errorf("open history %q: %w", path, err)
	}
	s := &Store{db: db, path: path, busyTimeout: o.busyTimeout}
	if err := s.init(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// init checks the connection, tightens the modes of the files SQLite created
// beside the database, and migrates.
func (s *Store) init(ctx context.Context) error {
	if err := s.useWAL(ctx); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := tighten(s.path+suffix, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("open history %q: %w", s.path, err)
		}
	}
	return s.migrate(ctx)
}

// useWAL puts the database in WAL mode, in which readers never wait for a
// writer. The mode stays with the file, so this only changes a new database
// (or one another program put back in rollback mode). Processes that open a
// new database at the same moment may find it busy without SQLite waiting
// for it; they try again until the busy timeout.
func (s *Store) useWAL(ctx context.Context) error {
	deadline := time.Now().Add(s.busyTimeout)
	for {
		var mode string
		err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode)
		if err == nil {
			if !strings.EqualFold(mode, "wal") {
				return &storeError{
					msg:  fmt.Sprintf("history %q: the file system does not allow WAL mode (the journal mode is %s); put the database on a local disk", s.path, mode),
					errs: []error{ErrUnusable},
				}
			}
			return nil
		}
		if !isBusy(err) || time.Now().After(deadline) {
			return s.fail("open", err)
		}
		select {
		case <-ctx.Done():
			return s.fail("open", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// isBusy reports whether SQLite found the database locked.
func isBusy(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code() & 0xff
	return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
}

// dsn is the connection string of every connection: synchronous=NORMAL (a
// commit survives the process being killed, and costs no fsync; only a power
// cut may lose the last few), a busy timeout so two writers take turns, and
// write transactions that take the write lock when they begin, so they wait
// for it rather than fail halfway.
func dsn(path string, busy time.Duration) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(busy.Milliseconds(), 10)+")")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	// Deleted exchanges are overwritten with zeros, so a deleted token does
	// not linger in the file.
	q.Add("_pragma", "secure_delete(ON)")
	q.Set("_txlock", "immediate")
	return fileURI(path, q)
}

// fileURI turns a path into an SQLite URI, escaping what SQLite would
// otherwise read as the start of the query (?) or fragment (#).
func fileURI(path string, q url.Values) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	if u.Path != "" && u.Path[0] != '/' {
		u.Path = "/" + u.Path // C:/... on Windows
	}
	return u.String()
}

// Close closes the database. The last process to close it folds the
// write-ahead log back into the file.
func (s *Store) Close() error {
	return s.db.Close()
}

// Path is the absolute path of the database file.
func (s *Store) Path() string {
	return s.path
}

// storeError is an error that reads as one sentence and matches both its
// kind (ErrLocked, ErrDamaged, ...) and its cause with errors.Is and As.
type storeError struct {
	msg  string
	errs []error
}

func (e *storeError) Error() string   { return e.msg }
func (e *storeError) Unwrap() []error { return e.errs }

func damaged(path, reason string, cause error) error {
	errs := []error{ErrDamaged}
	if cause != nil {
		errs = append(errs, cause)
	}
	return &storeError{
		msg:  fmt.Sprintf("history database %q is damaged: %s; it was left untouched: move it aside together with the -wal and -shm files beside it, or pick another file", path, reason),
		errs: errs,
	}
}

func notFound(path string, id int64, purpose string) error {
	if purpose != "" {
		purpose = " " + purpose
	}
	return &storeError{
		msg:  fmt.Sprintf("history %q has no exchange %d%s; aliauth history list shows the ids", path, id, purpose),
		errs: []error{ErrNotFound},
	}
}

func newerVersion(path string, found, known int) error {
	return &storeError{
		msg:  fmt.Sprintf("history database %q has schema version %d, written by a newer aliauth (this one knows versions up to %d); upgrade aliauth or pick another file", path, found, known),
		errs: []error{ErrNewerVersion},
	}
}

// fail turns an error from SQLite into one that says what happened to which
// file and what to do: a locked database, a damaged one, or anything else.
func (s *Store) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("history %q: %s: %w", s.path, op, err)
	}
	switch {
	case isBusy(err):
		return &storeError{
			msg: fmt.Sprintf("history database %q is locked: another aliauth process has held it for more than %s (%s); try again once it is done, or pick another file",
				s.path, s.busyTimeout, op),
			errs: []error{ErrLocked, err},
		}
	case se.Code()&0xff == sqlite3.SQLITE_CORRUPT || se.Code()&0xff == sqlite3.SQLITE_NOTADB:
		return damaged(s.path, op+": "+se.Error(), err)
	case se.Code()&0xff == sqlite3.SQLITE_READONLY || se.Code()&0xff == sqlite3.SQLITE_CANTOPEN:
		if ro := readOnly(s.path, op, err); ro != nil {
			return ro
		}
	}
	return fmt.Errorf("history %q: %s: %w", s.path, op, err)
}
