package history

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"aliauth/gateway"
)

// lineageTraces are the calls of one authorization: its code exchanged, then
// tried again (isv.code-invalid), user info with the access token (which a
// lineage does not follow), a refresh (rotating R1 to R2), the dead R1 sent
// again, and a refresh of R2.
type lineageTraces struct {
	exchange, reuse, userInfo, refresh, deadRefresh, refresh2 *gateway.Trace
}

func newLineageTraces(start time.Time) lineageTraces {
	at := func(i int) time.Time { return start.Add(time.Duration(i) * time.Minute) }
	tokens := func(access, refresh string) *gateway.Tokens {
		return &gateway.Tokens{UserID: "2088000000000001", AccessToken: access, RefreshToken: refresh,
			AccessExpiresAt: start.Add(15 * 24 * time.Hour), RefreshExpiresAt: start.Add(30 * 24 * time.Hour)}
	}
	call := func(i int, grant string, params map[string]string, outcome gateway.Outcome, tk *gateway.Tokens) *gateway.Trace {
		method := gateway.MethodOAuthToken
		if grant == "" {
			method = gateway.MethodUserInfo
		}
		t := &gateway.Trace{Time: at(i), Profile: "demo", Protocol: gateway.V2, AppID: "2021000000000001",
			Method: method, GrantType: grant, Outcome: outcome, Request: gateway.Request{Params: params}, Tokens: tk}
		if outcome == gateway.OutcomeGatewayError {
			t.Error = &gateway.APIError{Code: "40002", SubCode: "isv.code-invalid"}
		}
		return t
	}
	return lineageTraces{
		exchange:    call(0, gateway.GrantAuthorizationCode, map[string]string{"code": "c0de"}, gateway.OutcomeSuccess, tokens("authusrBA1", "authusrBR1")),
		reuse:       call(1, gateway.GrantAuthorizationCode, map[string]string{"code": "c0de"}, gateway.OutcomeGatewayError, nil),
		userInfo:    call(2, "", map[string]string{"auth_token": "authusrBA1"}, gateway.OutcomeSuccess, nil),
		refresh:     call(3, gateway.GrantRefreshToken, map[string]string{"refresh_token": "authusrBR1"}, gateway.OutcomeSuccess, tokens("authusrBA2", "authusrBR2")),
		deadRefresh: call(4, gateway.GrantRefreshToken, map[string]string{"refresh_token": "authusrBR1"}, gateway.OutcomeGatewayError, nil),
		refresh2:    call(5, gateway.GrantRefreshToken, map[string]string{"refresh_token": "authusrBR2"}, gateway.OutcomeSuccess, tokens("authusrBA3", "authusrBR3")),
	}
}

func (l lineageTraces) all() []*gateway.Trace {
	return []*gateway.Trace{l.exchange, l.reuse, l.userInfo, l.refresh, l.deadRefresh, l.refresh2}
}

// checkLineage asserts what the store says of the traces' lineage.
func checkLineage(t *testing.T, s *Store, l lineageTraces) {
	t.Helper()
	ctx := context.Background()
	uses, err := s.CodeUses(ctx, "c0de")
	if err != nil || len(uses) != 2 || uses[0].ID != l.exchange.ID || uses[1].ID != l.reuse.ID {
		t.Errorf("CodeUses = %+v, %v", uses, err)
	}

	for _, from := range []*gateway.Trace{l.exchange, l.refresh2, l.deadRefresh} {
		c, err := s.Chain(ctx, from.ID)
		if err != nil {
			t.Fatal(err)
		}
		type entry struct {
			id, parent, supersededBy int64
			depth                    int
			stale, live              bool
		}
		want := []entry{
			{l.exchange.ID, 0, l.refresh.ID, 0, false, false},
			{l.refresh.ID, l.exchange.ID, l.refresh2.ID, 1, false, false},
			{l.refresh2.ID, l.refresh.ID, 0, 2, false, true},
			{l.deadRefresh.ID, l.exchange.ID, 0, 1, true, false},
			{l.reuse.ID, 0, 0, 0, true, false},
		}
		if c.Code != "c0de" || len(c.Entries) != len(want) {
			t.Fatalf("chain of #%d: code %q, %d entries: %+v", from.ID, c.Code, len(c.Entries), c.Entries)
		}
		for i, e := range c.Entries {
			got := entry{e.ID, e.Parent, e.SupersededBy, e.Depth, e.Stale, e.Live}
			if got != want[i] {
				t.Errorf("chain of #%d, entry %d = %+v, want %+v", from.ID, i, got, want[i])
			}
		}
	}

	if c, err := s.Chain(ctx, l.userInfo.ID); err != nil || len(c.Entries) != 1 || c.Code != "" {
		t.Errorf("the chain of a user info call: %+v, %v", c, err)
	}

	st, err := s.RefreshState(ctx, "authusrBR1")
	if err != nil || st.ReceivedIn == nil || st.ReceivedIn.ID != l.exchange.ID || st.RotatedBy == nil || st.RotatedBy.ID != l.refresh.ID ||
		st.Live == nil || st.Live.ID != l.refresh2.ID {
		t.Errorf("RefreshState(R1) = %+v, %v", st, err)
	}
	st, err = s.RefreshState(ctx, "authusrBR3")
	if err != nil || st.ReceivedIn == nil || st.ReceivedIn.ID != l.refresh2.ID || st.RotatedBy != nil || st.Live != nil {
		t.Errorf("RefreshState(R3) = %+v, %v", st, err)
	}
	if st, err := s.RefreshState(ctx, "never-seen"); err != nil || st.ReceivedIn != nil || st.RotatedBy != nil {
		t.Errorf("RefreshState(unknown) = %+v, %v", st, err)
	}
}

func TestLineage(t *testing.T) {
	for _, keep := range []bool{true, false} {
		s := newStore(t)
		l := newLineageTraces(time.Now().Add(-time.Hour))
		for _, tr := range l.all() {
			if _, err := s.Record(context.Background(), tr, keep); err != nil {
				t.Fatal(err)
			}
		}
		checkLineage(t, s, l)
	}
}

// History recorded before lineage is linked by the migration, from the
// traces, whether it kept tokens or fingerprints.
func TestMigrationLinksEarlierHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	l := newLineageTraces(time.Now().Add(-time.Hour))
	traces := l.all()
	traces[3] = l.refresh.Redact(gateway.Fingerprint) // recorded with --no-store-secrets
	schemaV1(t, path, traces)
	l.refresh.ID = traces[3].ID
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkLineage(t, s, l)
}

// A deleted exchange leaves no lineage behind.
func TestLineageFollowsDelete(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	l := newLineageTraces(time.Now())
	for _, tr := range l.all() {
		if _, err := s.Record(ctx, tr, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete(ctx, l.reuse.ID); err != nil {
		t.Fatal(err)
	}
	if uses, _ := s.CodeUses(ctx, "c0de"); len(uses) != 1 {
		t.Errorf("CodeUses after a delete: %+v", uses)
	}
	if _, err := s.Chain(ctx, l.reuse.ID); err == nil {
		t.Error("the chain of a deleted exchange")
	}
}
