package history

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"aliauth/gateway"
)

// Check has SQLite check the whole database (PRAGMA quick_check) and
// returns ErrDamaged, with the file and what SQLite found, when it is
// damaged. Damage is otherwise found only when a damaged page is read, so a
// command that deletes or writes many exchanges checks first, rather than
// change a file whose damage it would spread.
func (s *Store) Check(ctx context.Context) error {
	err := quickCheck(ctx, s.db)
	var check *checkFailed
	if errors.As(err, &check) {
		return damaged(s.path, "SQLite's check finds it damaged ("+check.Error()+")", err)
	}
	return s.fail("check the database", err)
}

// SkippedError is what Export returns from a damaged database: it wrote
// every exchange SQLite could read and skipped Skipped others. It matches
// ErrDamaged.
type SkippedError struct {
	Skipped int
	err     error
}

func (e *SkippedError) Error() string { return e.err.Error() }
func (e *SkippedError) Unwrap() error { return e.err }

// exporter writes an export's lines, a buffer at a time, and counts what
// it could not read.
type exporter struct {
	store  *Store
	w      io.Writer
	buf    []byte
	enc    *json.Encoder // encodes into buf
	reveal bool
	// written counts the lines written to buf (and, once flushed, to w).
	written int
	// seen counts the exchanges the export has passed, written or skipped,
	// in export order.
	seen    int
	skipped int
	// first is the first error that stopped the export, firstID the first
	// exchange skipped.
	first   error
	firstID int64
}

func newExporter(s *Store, w io.Writer, reveal bool) *exporter {
	ex := &exporter{store: s, w: w, buf: make([]byte, 0, 256<<10), reveal: reveal}
	ex.enc = json.NewEncoder(bytesAppender{&ex.buf})
	ex.enc.SetEscapeHTML(false)
	return ex
}

// write exports the trace stored as js under id. A trace that must be
// masked is decoded, redacted and encoded again; the rest are the stored
// JSON with little changed (exportLine), or, where that cannot be sure,
// decoded and encoded again.
func (ex *exporter) write(id int64, js []byte) error {
	ex.seen++
	if ex.reveal {
		if ok := ex.stored(id, js); ok {
			return ex.flushed()
		}
	}
	t, err := ex.store.decode(id, js)
	if err != nil {
		ex.skip(id, err)
		return nil
	}
	if !ex.reveal && len(t.Secrets()) == 0 && ex.stored(id, js) {
		return ex.flushed()
	}
	return ex.emit(t)
}

// stored writes the stored JSON as the line, when exportLine can.
func (ex *exporter) stored(id int64, js []byte) bool {
	var ok bool
	if ex.buf, ok = exportLine(ex.buf, id, js); ok {
		ex.written++
	}
	return ok
}

func (ex *exporter) emit(t *gateway.Trace) error {
	if !ex.reveal {
		t = t.Redact(gateway.Mask)
	}
	if err := ex.enc.Encode(t); err != nil {
		return fmt.Errorf("export history: write exchange %d: %w", t.ID, err)
	}
	ex.written++
	return ex.flushed()
}

// flushed hands the buffer to the writer once it is full.
func (ex *exporter) flushed() error {
	if len(ex.buf) < 192<<10 {
		return nil
	}
	return ex.flush()
}

func (ex *exporter) flush() error {
	if len(ex.buf) == 0 {
		return nil
	}
	if _, err := ex.w.Write(ex.buf); err != nil {
		return fmt.Errorf("export history: write: %w", err)
	}
	ex.buf = ex.buf[:0]
	return nil
}

func (ex *exporter) skip(id int64, err error) {
	ex.skipped++
	if ex.firstID == 0 {
		ex.firstID = id
	}
	if ex.first == nil {
		ex.first = err
	}
}

// rescue carries on an export that SQLite stopped part way with cause:
// when the database is damaged, it reads the exchanges not yet passed one
// by one, in the export's order (inner is its selection, with args), and
// skips those it cannot read.
func (ex *exporter) rescue(ctx context.Context, inner string, args []any, cause error) (int, error) {
	if !errors.Is(cause, ErrDamaged) {
		return ex.written, cause
	}
	ids, err := ex.store.exportIDs(ctx, inner, args)
	if err != nil {
		return ex.written, err
	}
	if ex.first == nil {
		ex.first = cause // the exchange it stopped at is tried again below
	}
	for _, id := range ids[min(ex.seen, len(ids)):] {
		t, err := ex.store.Get(ctx, id)
		switch {
		case errors.Is(err, ErrNotFound): // deleted meanwhile
		case err != nil && errors.Is(err, ErrDamaged):
			ex.skip(id, err)
		case err != nil:
			return ex.written, err
		default:
			if err := ex.emit(t); err != nil {
				return ex.written, err
			}
		}
	}
	return ex.done()
}

// exportIDs lists the ids an export selects, in export order.
func (s *Store) exportIDs(ctx context.Context, inner string, args []any) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT x.id FROM ("+inner+") x ORDER BY x.time, x.id", args...)
	if err != nil {
		return nil, s.fail("list the exchanges to export", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, s.fail("list the exchanges to export", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("list the exchanges to export", err)
	}
	return ids, nil
}

func (ex *exporter) done() (int, error) {
	if err := ex.flush(); err != nil {
		return ex.written, err
	}
	if ex.skipped == 0 {
		return ex.written, nil
	}
	return ex.written, &SkippedError{Skipped: ex.skipped, err: damaged(ex.store.path,
		fmt.Sprintf("%d exchanges could not be read and were left out of the export, the first of them #%d", ex.skipped, ex.firstID), ex.first)}
}
