package history

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"aliauth/gateway"
)

// Record stores the whole trace, sets t.ID to the id it was stored under, and
// returns the summary it stored, as List would return it. When storeSecrets is false the stored copy is t.Redact(gateway.Fingerprint):
// tokens are replaced by fingerprints, which identify them but cannot be
// used; t itself is not changed apart from its ID. Private keys never reach
// the database: anything in the trace that looks like one is removed.
func (s *Store) Record(ctx context.Context, t *gateway.Trace, storeSecrets bool) (Summary, error) {
	if t == nil {
		return Summary{}, errors.New("record in history: no trace given")
	}
	r, err := newRow(t, storeSecrets)
	if err != nil {
		return Summary{}, fmt.Errorf("record in history: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Summary{}, s.fail("record an exchange", err)
	}
	defer tx.Rollback()
	stmts, err := prepareInsert(ctx, tx)
	if err != nil {
		return Summary{}, s.fail("record an exchange", err)
	}
	defer stmts.close()
	id, err := r.insert(ctx, stmts)
	if err != nil {
		return Summary{}, s.fail("record an exchange", err)
	}
	if err := tx.Commit(); err != nil {
		return Summary{}, s.fail("record an exchange", err)
	}
	t.ID = id
	r.sum.ID = id
	return r.sum, nil
}

// Import stores many traces in one transaction: all of them or, on error,
// none. It backs importing an export and sets each trace's ID to its new id;
// the ids the traces had before are not kept. storeSecrets is as in Record.
//
// A trace the history already holds (the same call at the same instant: the
// same time, method, grant type, app id and outcome) is not stored again,
// so importing a file twice adds nothing the second time; its ID is set to
// the id it is already stored under. Import returns how many it stored.
func (s *Store) Import(ctx context.Context, traces []*gateway.Trace, storeSecrets bool) (int, error) {
	rows, err := newRows(traces, storeSecrets)
	if err != nil {
		return 0, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, s.fail("import exchanges", err)
	}
	defer tx.Rollback()
	stmts, err := prepareInsert(ctx, tx)
	if err != nil {
		return 0, s.fail("import exchanges", err)
	}
	defer stmts.close()
	present, err := tx.PrepareContext(ctx, presentSQL)
	if err != nil {
		return 0, s.fail("import exchanges", err)
	}
	defer present.Close()
	ids := make([]int64, len(rows))
	stored := 0
	for i, r := range rows {
		sum := &r.sum
		err := present.QueryRowContext(ctx, sum.Time.UnixNano(), sum.Method, sum.GrantType, sum.AppID, string(sum.Outcome)).Scan(&ids[i])
		switch {
		case err == nil:
			continue
		case !errors.Is(err, sql.ErrNoRows):
			return 0, s.fail(fmt.Sprintf("import exchange %d of %d", i+1, len(rows)), err)
		}
		if ids[i], err = r.insert(ctx, stmts); err != nil {
			return 0, s.fail(fmt.Sprintf("import exchange %d of %d", i+1, len(rows)), err)
		}
		stored++
	}
	if err := tx.Commit(); err != nil {
		return 0, s.fail("import exchanges", err)
	}
	for i, t := range traces {
		t.ID = ids[i]
	}
	return stored, nil
}

// presentSQL finds an exchange already stored for the same call: the time
// index narrows it to the few at that instant.
const presentSQL = `SELECT id FROM exchanges WHERE time = ? AND method = ? AND grant_type = ? AND app_id = ? AND outcome = ? LIMIT 1`

// Delete removes one exchange.
func (s *Store) Delete(ctx context.Context, id int64) error {
	n, err := s.exec(ctx, "delete exchange", "DELETE FROM exchanges WHERE id = ?", id)
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound(s.path, id, "")
	}
	return nil
}

// Prune deletes the exchanges older than olderThan (when it is positive) and
// all but the newest keep (when it is positive), and returns how many it
// deleted. Either or both may be given.
func (s *Store) Prune(ctx context.Context, olderThan time.Duration, keep int) (int, error) {
	var conds []string
	var args []any
	if olderThan > 0 {
		conds = append(conds, "time < ?")
		args = append(args, time.Now().Add(-olderThan).UnixNano())
	}
	if keep > 0 {
		conds = append(conds, "id IN (SELECT id FROM exchanges ORDER BY time DESC, id DESC LIMIT -1 OFFSET ?)")
		args = append(args, keep)
	}
	if len(conds) == 0 {
		return 0, errors.New("prune history: say what to prune: an age or how many to keep")
	}
	n, err := s.exec(ctx, "prune exchanges", "DELETE FROM exchanges WHERE "+strings.Join(conds, " OR "), args...)
	return int(n), err
}

// exec runs one write statement in a transaction that holds the write lock
// from its start, and returns how many rows it changed.
func (s *Store) exec(ctx context.Context, op, query string, args ...any) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, s.fail(op, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, s.fail(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.fail(op, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, s.fail(op, err)
	}
	return n, nil
}

// insertExchangeSQL stores an exchange's summary with the line the index
// reads, made from the same values.
var insertExchangeSQL = `INSERT INTO exchanges (time, profile, environment, protocol, app_id, method,
	grant_type, outcome, verify_status, http_status, code, sub_code, message, user_id, open_id,
	trace_id, duration_ms, access_expires_at, refresh_expires_at, secrets_stored, user, search, index_line)
SELECT v.*, ` + indexLineSQL("v.") + ` FROM (SELECT ? AS time, ? AS profile, ? AS environment, ? AS protocol,
	? AS app_id, ? AS method, ? AS grant_type, ? AS outcome, ? AS verify_status, ? AS http_status, ? AS code,
	? AS sub_code, ? AS message, ? AS user_id, ? AS open_id, ? AS trace_id, ? AS duration_ms,
	? AS access_expires_at, ? AS refresh_expires_at, ? AS secrets_stored, ? AS user, ? AS search) v`

const insertTraceSQL = `INSERT INTO traces (exchange_id, json) VALUES (?, ?)`

// insertStatements are the inserts of one exchange, prepared once per
// transaction.
type insertStatements struct {
	exchange, trace, lineage *sql.Stmt
}

func prepareInsert(ctx context.Context, tx *sql.Tx) (insertStatements, error) {
	var st insertStatements
	var err error
	if st.exchange, err = tx.PrepareContext(ctx, insertExchangeSQL); err != nil {
		return st, err
	}
	if st.trace, err = tx.PrepareContext(ctx, insertTraceSQL); err != nil {
		st.exchange.Close()
		return st, err
	}
	if st.lineage, err = tx.PrepareContext(ctx, insertLineageSQL); err != nil {
		st.exchange.Close()
		st.trace.Close()
		return st, err
	}
	return st, nil
}

func (st insertStatements) close() {
	st.exchange.Close()
	st.trace.Close()
	st.lineage.Close()
}

// row is one exchange ready to insert: its summary columns, its search text
// and its trace as JSON.
type row struct {
	sum    Summary
	search string
	json   []byte
	links  links
}

// newRows prepares the rows of many traces, on every CPU: encoding the
// traces is most of what an import costs besides the writing.
func newRows(traces []*gateway.Trace, storeSecrets bool) ([]*row, error) {
	rows := make([]*row, len(traces))
	errs := make([]error, len(traces))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(traces)/256+1) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(traces); i = int(next.Add(1) - 1) {
				if traces[i] == nil {
					errs[i] = errors.New("the trace is missing")
					continue
				}
				rows[i], errs[i] = newRow(traces[i], storeSecrets)
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("import into history: trace %d of %d: %w", i+1, len(traces), err)
		}
	}
	return rows, nil
}

func newRow(t *gateway.Trace, storeSecrets bool) (*row, error) {
	if t.Time.IsZero() {
		return nil, errors.New("the trace has no time")
	}
	stored := t
	if !storeSecrets {
		stored = t.Redact(gateway.Fingerprint)
	}
	// The row's id is the trace's id; the JSON does not repeat it.
	c := *stored
	c.ID = 0
	js, err := json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("encode the trace: %w", err)
	}
	sum := SummaryOf(stored)
	return &row{sum: sum, search: searchText(&sum), json: removePrivateKeys(js), links: linksOf(stored)}, nil
}

func (r *row) insert(ctx context.Context, st insertStatements) (int64, error) {
	s := &r.sum
	res, err := st.exchange.ExecContext(ctx,
		s.Time.UnixNano(), s.Profile, s.Environment, string(s.Protocol), s.AppID, s.Method,
		s.GrantType, string(s.Outcome), string(s.VerifyStatus), s.HTTPStatus, s.Code, s.SubCode,
		s.Message, s.UserID, s.OpenID, s.TraceID, s.DurationMS, unixNanos(s.AccessExpiresAt),
		unixNanos(s.RefreshExpiresAt), s.HasSecrets, s.User, r.search)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	// As text, not a blob, so that SQLite's JSON functions read it.
	if _, err = st.trace.ExecContext(ctx, id, string(r.json)); err != nil {
		return id, err
	}
	return id, r.links.insert(ctx, st.lineage, id)
}

// privateKeyPattern matches an RSA private key as PEM (its line breaks
// escaped, as in JSON) or as the bare base64 of PKCS#8 or PKCS#1 DER, the
// forms Alipay's key tool writes. The trace never carries one by design; this
// is the last line of defence. It is compiled the first time a trace holds
// a marker, not when the program starts.
var privateKeyPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(
		`(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?-----END [A-Z0-9 ]*PRIVATE KEY-----` +
			`|MII[A-Za-z0-9+/]{3}IBADANBgkqhkiG9w0BAQEFAASC[A-Za-z0-9+/=\\]*` +
			`|MII[A-Za-z0-9+/]{3}IBAAK[A-Za-z0-9+/=\\]*`)
})

// privateKeyMarkers are substrings every match of privateKeyPattern holds,
// to skip the expression for the traces that hold none.
var privateKeyMarkers = [][]byte{[]byte("PRIVATE KEY-----"), []byte("IBADANBgkqhkiG9w0BAQEFAASC"), []byte("IBAAK")}

// removePrivateKeys replaces anything in the encoded trace that looks like a
// private key.
func removePrivateKeys(js []byte) []byte {
	for _, m := range privateKeyMarkers {
		if bytes.Contains(js, m) {
			return privateKeyPattern().ReplaceAll(js, []byte("[private key removed]"))
		}
	}
	return js
}
