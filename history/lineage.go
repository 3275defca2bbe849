package history

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	"modernc.org/sqlite"

	"aliauth/gateway"
)

// Lineage: which exchange spent the refresh token another received. An auth
// code is exchanged for tokens, and each refresh spends the refresh token it
// sends and receives a new one (the gateway rotates it). The lineage table
// (migrations/0004_lineage.sql) keeps, per exchange, the code it sent and the
// fingerprints of the refresh tokens it sent and received.

func init() {
	// The schema 3 migration links the exchanges already recorded with this.
	sqlite.MustRegisterDeterministicScalarFunction("aliauth_fingerprint", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			s, _ := args[0].(string)
			return tokenKey(s), nil
		})
}

// links are what ties an exchange to others.
type links struct {
	code                         string
	refreshSent, refreshReceived string
}

// tokenKey is what lineage matches a token by: its fingerprint. A token that
// history kept only as its fingerprint is its own key; a masked one (from an
// imported export) matches nothing.
func tokenKey(token string) string {
	switch {
	case token == "" || strings.Contains(token, "…"):
		return ""
	case gateway.IsFingerprint(token):
		return token
	}
	return gateway.Fingerprint(token)
}

func linksOf(t *gateway.Trace) links {
	p := t.Request.Params
	l := links{code: p["code"], refreshSent: tokenKey(p["refresh_token"])}
	if tk := t.Tokens; tk != nil {
		l.refreshReceived = tokenKey(tk.RefreshToken)
	}
	return l
}

const insertLineageSQL = `INSERT INTO lineage (exchange_id, code, refresh_sent, refresh_received) VALUES (?, ?, ?, ?)`

func (l links) insert(ctx context.Context, st *sql.Stmt, id int64) error {
	_, err := st.ExecContext(ctx, id, l.code, l.refreshSent, l.refreshReceived)
	return err
}

// linked is an exchange with its links and summary.
type linked struct {
	Summary
	links
}

// lineageColumns name the columns linkedWhere selects, by a condition on the
// lineage table (aliased l).
var lineageColumns = map[string]bool{"code": true, "refresh_sent": true, "refresh_received": true}

// linkedWhere returns the exchanges whose lineage column equals value,
// oldest first.
func (s *Store) linkedWhere(ctx context.Context, column, value string) ([]linked, error) {
	if !lineageColumns[column] {
		return nil, fmt.Errorf("history: no lineage column %q", column)
	}
	if value == "" {
		return nil, nil
	}
	return s.queryLinked(ctx, "l."+column+" = ?", value)
}

func (s *Store) queryLinked(ctx context.Context, cond string, arg any) ([]linked, error) {
	query := "SELECT " + summaryColumns + `, l.code, l.refresh_sent, l.refresh_received
FROM lineage l JOIN exchanges e ON e.id = l.exchange_id WHERE ` + cond + " ORDER BY e.time, e.id"
	rows, err := s.db.QueryContext(ctx, query, arg)
	if err != nil {
		return nil, s.fail("read the lineage", err)
	}
	defer rows.Close()
	var out []linked
	sc := newSummaryScanner(false)
	for rows.Next() {
		var x linked
		l := &x.links
		if err := sc.scan(rows, &x.Summary, &l.code, &l.refreshSent, &l.refreshReceived); err != nil {
			return nil, s.fail("read the lineage", err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("read the lineage", err)
	}
	return out, nil
}

// linkedByID returns one exchange with its links.
func (s *Store) linkedByID(ctx context.Context, id int64) (linked, error) {
	found, err := s.queryLinked(ctx, "l.exchange_id = ?", id)
	if err != nil {
		return linked{}, err
	}
	if len(found) == 0 {
		return linked{}, notFound(s.path, id, "")
	}
	return found[0], nil
}

// CodeUses returns the exchanges that sent an auth code, oldest first: an
// auth code is single-use, so every exchange after the first that succeeded
// was bound to fail.
func (s *Store) CodeUses(ctx context.Context, code string) ([]Summary, error) {
	found, err := s.linkedWhere(ctx, "code", code)
	return summaries(found), err
}

func summaries(found []linked) []Summary {
	out := make([]Summary, len(found))
	for i, f := range found {
		out[i] = f.Summary
	}
	return out
}

// RefreshState says where a refresh token stands in history.
type RefreshState struct {
	// ReceivedIn is the exchange that received the token; nil when history
	// does not have it.
	ReceivedIn *Summary
	// RotatedBy is the first refresh that spent the token successfully: from
	// then on it is dead, since refreshing rotates it. Nil while it is live.
	RotatedBy *Summary
	// Live is the exchange holding the refresh token that is live now in the
	// token's lineage: the end of the rotations that followed RotatedBy. Nil
	// while the token itself is live.
	Live *Summary
}

// RefreshState looks a refresh token up in history: who received it, which
// refresh rotated it, and who holds the live one now.
func (s *Store) RefreshState(ctx context.Context, token string) (RefreshState, error) {
	var st RefreshState
	key := tokenKey(token)
	if key == "" {
		return st, nil
	}
	holders, err := s.linkedWhere(ctx, "refresh_received", key)
	if err != nil {
		return st, err
	}
	if len(holders) > 0 {
		st.ReceivedIn = &holders[0].Summary
	}
	rotation, err := s.rotation(ctx, key)
	if err != nil || rotation == nil {
		return st, err
	}
	st.RotatedBy = &rotation.Summary
	live := *rotation
	seen := map[int64]bool{live.ID: true}
	for {
		next, err := s.rotation(ctx, live.refreshReceived)
		if err != nil {
			return st, err
		}
		if next == nil || seen[next.ID] {
			break
		}
		seen[next.ID] = true
		live = *next
	}
	st.Live = &live.Summary
	return st, nil
}

// rotation is the first refresh that spent the refresh token key and got new
// tokens for it; nil when none did.
func (s *Store) rotation(ctx context.Context, key string) (*linked, error) {
	spenders, err := s.linkedWhere(ctx, "refresh_sent", key)
	if err != nil {
		return nil, err
	}
	for i := range spenders {
		if spenders[i].Outcome == gateway.OutcomeSuccess && spenders[i].refreshReceived != "" {
			return &spenders[i], nil
		}
	}
	return nil, nil
}

// Chain is the lineage of an exchange: the auth code at its root, every
// exchange of that code, and every refresh that followed from the refresh
// tokens they received.
type Chain struct {
	// Code is the auth code at the root; "" when the lineage starts from a
	// token history did not see received.
	Code string
	// Entries are the exchanges, depth first, each one's children in time
	// order.
	Entries []ChainEntry
}

// ChainEntry is one exchange of a lineage.
type ChainEntry struct {
	Summary
	// Parent is the exchange whose token this one sent; 0 at the root.
	Parent int64
	Depth  int
	// SupersededBy is the refresh that rotated this exchange's refresh token:
	// from then on its refresh token is dead. 0 while it is not.
	SupersededBy int64
	// Stale is set on a call that sent what was already spent: a refresh
	// token rotated before it was sent, or a code already exchanged.
	Stale bool
	// Live is set on the exchange holding a refresh token nothing rotated.
	Live bool
}

// maxChain bounds a lineage, against a history that links in a loop.
const maxChain = 10000

// Chain returns the lineage the exchange id belongs to.
func (s *Store) Chain(ctx context.Context, id int64) (*Chain, error) {
	cur, err := s.linkedByID(ctx, id)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{cur.ID: true}
	for range maxChain {
		parent, err := s.parentOf(ctx, cur)
		if err != nil {
			return nil, err
		}
		if parent == nil || seen[parent.ID] {
			break
		}
		seen[parent.ID] = true
		cur = *parent
	}
	c := &Chain{Code: cur.code}
	roots := []linked{cur}
	if cur.code != "" {
		if roots, err = s.linkedWhere(ctx, "code", cur.code); err != nil {
			return nil, err
		}
	}
	exchanged := false
	visited := map[int64]bool{}
	for _, r := range roots {
		stale := exchanged
		exchanged = exchanged || r.Outcome == gateway.OutcomeSuccess
		if err := s.walk(ctx, c, r, 0, 0, stale, visited); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// parentOf is the exchange that received the refresh token x spent.
func (s *Store) parentOf(ctx context.Context, x linked) (*linked, error) {
	found, err := s.linkedWhere(ctx, "refresh_received", x.refreshSent)
	if err != nil || len(found) == 0 {
		return nil, err
	}
	return &found[0], nil
}

// walk adds x and what followed from its tokens to the chain.
func (s *Store) walk(ctx context.Context, c *Chain, x linked, parent int64, depth int, stale bool, visited map[int64]bool) error {
	if visited[x.ID] || len(c.Entries) >= maxChain {
		return nil
	}
	visited[x.ID] = true
	at := len(c.Entries)
	c.Entries = append(c.Entries, ChainEntry{Summary: x.Summary, Parent: parent, Depth: depth, Stale: stale})
	children, err := s.linkedWhere(ctx, "refresh_sent", x.refreshReceived)
	if err != nil {
		return err
	}
	rotated := false
	for _, child := range children {
		spentDead := rotated
		if !rotated && child.Outcome == gateway.OutcomeSuccess && child.refreshReceived != "" {
			rotated = true
			c.Entries[at].SupersededBy = child.ID
		}
		if err := s.walk(ctx, c, child, x.ID, depth+1, spentDead, visited); err != nil {
			return err
		}
	}
	c.Entries[at].Live = x.refreshReceived != "" && !rotated && x.Outcome == gateway.OutcomeSuccess
	return nil
}
