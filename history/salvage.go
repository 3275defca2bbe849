package history

import (
	"context"
	"errors"
	"fmt"
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

// rescue carries on an export that SQLite stopped part way with cause:
// when the database is damaged, it reads the exchanges not yet passed one
// by one, in the export's order (inner is its selection, with args), and
// skips those it cannot read.
func (ex *exporter) rescue(ctx context.Context, inner string, args []any, cause error) (int, error) {
	if !errors.Is(cause, ErrDamaged) {
		return ex.written, cause
	}
	if err := ex.drain(); err != nil {
		return ex.written, err
	}
	ids, err := ex.store.exportIDs(ctx, inner, args)
	if err != nil {
		return ex.written, err
	}
	if ex.first == nil {
		ex.first = cause // the exchange it stopped at is tried again below
	}
	one := newLiner(ex.store, ex.reveal)
	for _, id := range ids[min(ex.seen, len(ids)):] {
		t, err := ex.store.Get(ctx, id)
		switch {
		case errors.Is(err, ErrNotFound): // deleted meanwhile
		case err != nil && errors.Is(err, ErrDamaged):
			ex.skip(id, err)
		case err != nil:
			return ex.written, err
		default:
			if err := one.emit(t); err != nil {
				return ex.written, err
			}
			if err := ex.writeOut(one.out, 1); err != nil {
				return ex.written, err
			}
			one.out = one.out[:0]
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
	if err := ex.drain(); err != nil {
		return ex.written, err
	}
	if ex.skipped == 0 {
		return ex.written, nil
	}
	return ex.written, &SkippedError{Skipped: ex.skipped, err: damaged(ex.store.path,
		fmt.Sprintf("%d exchanges could not be read and were left out of the export, the first of them #%d", ex.skipped, ex.firstID), ex.first)}
}
