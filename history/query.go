package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"aliauth/gateway"
)

// Filter selects exchanges. The zero Filter selects all of them.
type Filter struct {
	// Text keeps the exchanges whose summary contains every word of it,
	// ignoring case: user or open id, app id, profile, environment, protocol,
	// method, grant type, outcome, verify status, HTTP status, code, sub_code,
	// sub_msg or transport error, trace id.
	Text string
	// Profile, Method, Outcome and User must match exactly when given. User
	// is matched against Summary.User: the open id when the exchange has
	// one, else the user id (Text finds either).
	Profile string
	Method  string
	Outcome string
	User    string
	// Since keeps exchanges at or after it.
	Since time.Time
	// Limit caps how many List returns (and Export writes): the newest ones.
	// Zero means no limit.
	Limit int
	// BeforeID pages through a long list: only exchanges that come after the
	// exchange with this id in the newest-first order, typically the last one
	// of the previous page.
	BeforeID int64
	// AfterID keeps only exchanges with a greater id: those recorded since
	// the exchange with this id, by this process or another (Index.MaxID).
	AfterID int64
}

// where is the filter as an SQL condition on exchanges (aliased e).
func (f Filter) where() (string, []any) {
	conds, args := f.conditions()
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func (f Filter) conditions() ([]string, []any) {
	var conds []string
	var args []any
	eq := func(column, value string) {
		if value != "" {
			conds = append(conds, "e."+column+" = ?")
			args = append(args, value)
		}
	}
	eq("profile", f.Profile)
	eq("method", f.Method)
	eq("outcome", f.Outcome)
	if f.User != "" {
		conds = append(conds, "e.user = ?")
		args = append(args, f.User)
	}
	if !f.Since.IsZero() {
		conds = append(conds, "e.time >= ?")
		args = append(args, f.Since.UnixNano())
	}
	if f.BeforeID > 0 {
		conds = append(conds, "(e.time, e.id) < (SELECT time, id FROM exchanges WHERE id = ?)")
		args = append(args, f.BeforeID)
	}
	if f.AfterID > 0 {
		conds = append(conds, "e.id > ?")
		args = append(args, f.AfterID)
	}
	for _, term := range searchTerms(f.Text) {
		conds = append(conds, "instr(e.search, ?) > 0")
		args = append(args, term)
	}
	return conds, args
}

// searched is the filter as a query of the search index joined to
// exchanges: the exchanges it selects, in no particular order, read from
// the index's candidates only. ok is false when no term of the filter can
// be looked up in the index (schema 3): terms shorter than three
// characters, or holding a GLOB wildcard; then only a scan finds them.
func (f Filter) searched(columns string) (query string, args []any, ok bool) {
	var globs []string
	for _, term := range searchTerms(f.Text) {
		if utf8.RuneCountInString(term) >= 3 && !strings.ContainsAny(term, "*?[") {
			globs = append(globs, "s.search GLOB ?")
			args = append(args, "*"+term+"*")
		}
	}
	if len(globs) == 0 {
		return "", nil, false
	}
	conds, more := f.conditions() // the exact test, on the candidates
	query = "SELECT " + columns + " FROM exchanges_search s JOIN exchanges e ON e.id = s.rowid WHERE " +
		strings.Join(append(globs, conds...), " AND ")
	return query, append(args, more...), true
}

// searchTerms splits filter text into lower-cased words.
func searchTerms(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return unicode.IsSpace(r) || r == fieldSeparator || r == recordSeparator
	})
}

const summaryColumns = `e.id, e.time, e.profile, e.environment, e.protocol, e.app_id, e.method,
	e.grant_type, e.outcome, e.verify_status, e.http_status, e.code, e.sub_code, e.message,
	e.user_id, e.open_id, e.trace_id, e.duration_ms, e.access_expires_at, e.refresh_expires_at,
	e.secrets_stored, e.user`

// List returns the summaries of the exchanges the filter selects, newest
// first.
func (s *Store) List(ctx context.Context, f Filter) ([]Summary, error) {
	if err := s.checkBefore(ctx, f.BeforeID); err != nil {
		return nil, err
	}
	where, args := f.where()
	query := "SELECT " + summaryColumns + " FROM exchanges e" + where
	if f.Limit > 0 {
		ids, ok, err := s.fewMatches(ctx, f)
		if err != nil {
			return nil, err
		}
		if ok {
			query, args = "SELECT "+summaryColumns+" FROM exchanges e WHERE e.id IN (SELECT value FROM json_each(?))", []any{ids}
		}
	}
	query += " ORDER BY e.time DESC, e.id DESC"
	if f.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.fail("list exchanges", err)
	}
	defer rows.Close()
	var out []Summary
	if f.Limit > 0 {
		out = make([]Summary, 0, min(f.Limit, 1024))
	}
	sc := newSummaryScanner(true)
	for rows.Next() {
		var sum Summary
		if err := sc.scan(rows, &sum); err != nil {
			return nil, s.fail("list exchanges", err)
		}
		out = append(out, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("list exchanges", err)
	}
	return out, nil
}

// fewMatchesAt is how many matches of a text filter the search index hands
// over for sorting by time. More than that means a common term, whose newest
// page is found sooner by reading exchanges newest first.
const fewMatchesAt = 2000

// fewMatches returns, as a JSON array, the ids of every exchange a text
// filter selects, when the search index finds at most fewMatchesAt of them.
func (s *Store) fewMatches(ctx context.Context, f Filter) (string, bool, error) {
	query, args, ok := f.searched("e.id")
	if !ok {
		return "", false, nil
	}
	rows, err := s.db.QueryContext(ctx, query+" LIMIT ?", append(args, fewMatchesAt+1)...)
	if err != nil {
		return "", false, s.fail("search exchanges", err)
	}
	defer rows.Close()
	ids := make([]byte, 0, 256)
	ids = append(ids, '[')
	n := 0
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return "", false, s.fail("search exchanges", err)
		}
		if n++; n > fewMatchesAt {
			return "", false, nil
		}
		if n > 1 {
			ids = append(ids, ',')
		}
		ids = strconv.AppendInt(ids, id, 10)
	}
	if err := rows.Err(); err != nil {
		return "", false, s.fail("search exchanges", err)
	}
	return string(append(ids, ']')), true, nil
}

// checkBefore reports a paging cursor that names no exchange, rather than
// returning an empty page.
func (s *Store) checkBefore(ctx context.Context, id int64) error {
	if id <= 0 {
		return nil
	}
	var one int
	err := s.db.QueryRowContext(ctx, "SELECT 1 FROM exchanges WHERE id = ?", id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(s.path, id, "to page from")
	}
	if err != nil {
		return s.fail("list exchanges", err)
	}
	return nil
}

// Count returns how many exchanges the filter selects, ignoring its Limit.
func (s *Store) Count(ctx context.Context, f Filter) (int, error) {
	n, _, err := s.CountAtMost(ctx, f, 0)
	return n, err
}

// CountAtMost counts the exchanges the filter selects, ignoring its Limit,
// but stops once it has found more than most of them: then it returns most
// and more set, as in "20 of 1,000+". A list says how long it is at once
// even when a common term matches most of a long history. most <= 0 counts
// them all.
func (s *Store) CountAtMost(ctx context.Context, f Filter, most int) (n int, more bool, err error) {
	if err := s.checkBefore(ctx, f.BeforeID); err != nil {
		return 0, false, err
	}
	query, args, ok := f.searched("1")
	if !ok {
		where, wargs := f.where()
		query, args = "SELECT 1 FROM exchanges e"+where, wargs
	}
	if most > 0 {
		query += " LIMIT ?"
		args = append(args, most+1)
	}
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM ("+query+")", args...).Scan(&n); err != nil {
		return 0, false, s.fail("count exchanges", err)
	}
	if most > 0 && n > most {
		return most, true, nil
	}
	return n, false, nil
}

// summaryScanner reads summary rows, sharing the strings that repeat from row
// to row (profiles, methods, outcomes, codes, user ids) so that a long list
// holds each only once.
type summaryScanner struct {
	strings map[string]string // nil: keep every string as read
	dest    []any
	row     struct {
		time, access, refresh int64
		protocol, outcome     string
		verify                string
		secrets               bool
	}
	sum Summary
}

func newSummaryScanner(shareStrings bool) *summaryScanner {
	sc := &summaryScanner{}
	if shareStrings {
		sc.strings = make(map[string]string)
	}
	r, s := &sc.row, &sc.sum
	sc.dest = []any{
		&s.ID, &r.time, &s.Profile, &s.Environment, &r.protocol, &s.AppID, &s.Method,
		&s.GrantType, &r.outcome, &r.verify, &s.HTTPStatus, &s.Code, &s.SubCode, &s.Message,
		&s.UserID, &s.OpenID, &s.TraceID, &s.DurationMS, &r.access, &r.refresh, &r.secrets,
		&s.User,
	}
	return sc
}

// scan reads one row of summaryColumns into out, and the columns after them
// into extra.
func (sc *summaryScanner) scan(rows *sql.Rows, out *Summary, extra ...any) error {
	if err := rows.Scan(append(sc.dest[:len(sc.dest):len(sc.dest)], extra...)...); err != nil {
		return err
	}
	s, r := sc.sum, &sc.row
	in := sc.intern
	s.Profile, s.Environment, s.AppID, s.Method = in(s.Profile), in(s.Environment), in(s.AppID), in(s.Method)
	s.GrantType, s.Code, s.SubCode, s.Message = in(s.GrantType), in(s.Code), in(s.SubCode), in(s.Message)
	s.UserID, s.OpenID, s.User = in(s.UserID), in(s.OpenID), in(s.User)
	s.Protocol = gateway.Protocol(in(r.protocol))
	s.Outcome = gateway.Outcome(in(r.outcome))
	s.VerifyStatus = gateway.VerifyStatus(in(r.verify))
	s.Time = time.Unix(0, r.time)
	s.AccessExpiresAt, s.RefreshExpiresAt = fromUnixNanos(r.access), fromUnixNanos(r.refresh)
	s.HasSecrets = r.secrets
	*out = s
	return nil
}

func (sc *summaryScanner) intern(v string) string {
	if v == "" || sc.strings == nil {
		return v
	}
	if c, ok := sc.strings[v]; ok {
		return c
	}
	sc.strings[v] = v
	return v
}

// Get returns the whole trace of one exchange, with its ID set.
func (s *Store) Get(ctx context.Context, id int64) (*gateway.Trace, error) {
	var js []byte
	err := s.db.QueryRowContext(ctx, "SELECT json FROM traces WHERE exchange_id = ?", id).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(s.path, id, "")
	}
	if err != nil {
		return nil, s.fail(fmt.Sprintf("read exchange %d", id), err)
	}
	return s.decode(id, js)
}

func (s *Store) decode(id int64, js []byte) (*gateway.Trace, error) {
	t := new(gateway.Trace)
	if err := json.Unmarshal(js, t); err != nil {
		return nil, damaged(s.path, fmt.Sprintf("the trace of exchange %d is not readable JSON (%v)", id, err), err)
	}
	t.ID = id
	return t, nil
}

// Export writes the exchanges the filter selects as JSON Lines, one trace
// per line in the shape --json prints, oldest first (with a Limit, the newest
// ones), and returns how many it wrote. Unless reveal is set, each trace is
// t.Redact(gateway.Mask): tokens show their kind and last characters only.
//
// From a damaged database Export rescues what SQLite can still read: an
// exchange it cannot read is skipped, the rest are written, and the error is
// a *SkippedError (errors.Is ErrDamaged) that says how many were skipped.
func (s *Store) Export(ctx context.Context, w io.Writer, f Filter, reveal bool) (int, error) {
	where, args := f.where()
	inner := "SELECT e.id, e.time FROM exchanges e" + where + " ORDER BY e.time DESC, e.id DESC"
	if f.Limit > 0 {
		inner += " LIMIT ?"
		args = append(args, f.Limit)
	}
	query := "SELECT x.id, t.json FROM (" + inner + ") x JOIN traces t ON t.exchange_id = x.id ORDER BY x.time, x.id"
	if err := s.checkBefore(ctx, f.BeforeID); err != nil {
		return 0, err
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, s.fail("export exchanges", err)
	}
	defer rows.Close()
	ex := newExporter(s, w, reveal)
	defer ex.stop()
	var (
		id int64
		js sql.RawBytes
	)
	for rows.Next() {
		if err := rows.Scan(&id, &js); err != nil {
			return ex.rescue(ctx, inner, args, s.fail("export exchanges", err))
		}
		if err := ex.write(id, js); err != nil {
			return ex.written, err
		}
	}
	if err := rows.Err(); err != nil {
		return ex.rescue(ctx, inner, args, s.fail("export exchanges", err))
	}
	return ex.done()
}

// bytesAppender is an io.Writer that appends to a slice.
type bytesAppender struct{ b *[]byte }

func (a bytesAppender) Write(p []byte) (int, error) {
	*a.b = append(*a.b, p...)
	return len(p), nil
}
