package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"aliauth/gateway"
)

// historyWithCalls makes an exchange, a refresh and a user info call, and
// opens the history list.
func historyWithCalls(t *testing.T, storeSecrets bool) (*harness, []*gateway.Trace) {
	t.Helper()
	p := newPeer(t)
	store := newStore(t)
	s := p.session(t, "default")
	s.StoreSecrets = storeSecrets
	h := newHarness(t, Options{Session: s, History: store}, 120, 30)
	var traces []*gateway.Trace
	traces = append(traces, h.exchange())
	h.key("r")
	traces = append(traces, h.m.current.trace)
	h.key("u")
	traces = append(traces, h.m.current.trace)
	h.key("h")
	return h, traces
}

func TestHistoryListsEveryCallNewestFirst(t *testing.T) {
	h, traces := historyWithCalls(t, true)
	if h.m.hist.index == nil {
		t.Fatal("the index did not load")
	}
	h.mustSee("HISTORY", "3 exchanges", "user info", "refresh", "exchange", traces[0].Tokens.OpenID[:10])
	if got := h.m.hist.at(0).ID; got != traces[2].ID {
		t.Fatalf("first row is #%d, want the newest (#%d)", got, traces[2].ID)
	}
}

func TestHistoryFiltersAsYouType(t *testing.T) {
	h, traces := historyWithCalls(t, true)
	h.typeText("refresh_tok")
	if n := h.m.hist.rows(); n != 1 {
		t.Fatalf("%d rows match refresh_tok, want 1", n)
	}
	h.mustSee("1 match")
	if h.m.hist.at(0).ID != traces[1].ID {
		t.Fatal("the refresh is not the match")
	}
	h.key("esc")
	if h.m.hist.filter.Value() != "" || h.m.hist.rows() != 3 {
		t.Fatalf("esc left the filter %q with %d rows", h.m.hist.filter.Value(), h.m.hist.rows())
	}
	h.typeText("no-such-thing")
	h.mustSee("nothing matches")
	h.key("esc", "esc")
	if h.m.screen != screenMain {
		t.Fatal("esc on an empty filter did not go back")
	}
}

func TestHistoryFilterBeforeTheIndexLoadsQueriesTheDatabase(t *testing.T) {
	h, _ := historyWithCalls(t, true)
	h.m.hist.index = nil // as if still loading
	h.m.hist.page = nil
	h.typeText("user")
	if h.m.hist.rows() != 1 || h.m.hist.at(0).Method != gateway.MethodUserInfo {
		t.Fatalf("rows %d from the database", h.m.hist.rows())
	}
	h.mustSee("first 1 match")
}

func TestHistoryDetailReusesThePanes(t *testing.T) {
	h, traces := historyWithCalls(t, true)
	h.key("down", "enter")
	if h.m.screen != screenDetail || h.m.detail.trace.ID != traces[1].ID {
		t.Fatalf("screen %d", h.m.screen)
	}
	h.mustSee("HISTORY #2", "refresh", "REQUEST", "RESPONSE · SUCCESS", "✓ SIGNATURE VERIFIED", "TOKENS", "grant_type=refresh_token")
	if !strings.Contains(h.status(), "r refreshes with its refresh token") {
		t.Errorf("status %q does not say what the entry can do", h.status())
	}
	h.key("esc", "up", "enter") // the user info call has no refresh token
	if strings.Contains(h.status(), "r refreshes") || !strings.Contains(h.status(), "x replays it") {
		t.Errorf("status %q", h.status())
	}
	h.key("esc")
	if h.m.screen != screenHistory {
		t.Fatal("esc did not go back to the list")
	}
}

func TestRefreshAndUserInfoFromAHistoryEntry(t *testing.T) {
	h, traces := historyWithCalls(t, true)
	// From the list: tab leaves the filter, u calls with the entry's token.
	h.key("down", "tab", "u")
	tr := h.m.current.trace
	if h.m.screen != screenMain || tr.Method != gateway.MethodUserInfo || tr.Request.Params["auth_token"] != traces[1].Tokens.AccessToken {
		t.Fatalf("u from history #%d called %s with %q", traces[1].ID, tr.Method, tr.Request.Params["auth_token"])
	}
	if !strings.Contains(h.status(), "history #2") {
		t.Errorf("status %q does not say where the token came from", h.status())
	}
	// From the detail view: r refreshes with the entry's refresh token, once
	// told that the refresh of #2 rotated it.
	h.key("h", "down", "down", "down", "enter", "r")
	if !strings.Contains(h.status(), "rotated by #2") || h.m.call != nil {
		t.Fatalf("the rotated token was sent without a warning: %q", h.status())
	}
	h.key("r")
	tr = h.m.current.trace
	if tr.GrantType != gateway.GrantRefreshToken || tr.Request.Params["refresh_token"] == "" {
		t.Fatalf("r from the detail made %s %s", tr.Method, tr.GrantType)
	}
}

func TestRefreshFromAUserInfoEntryIsRefused(t *testing.T) {
	h, _ := historyWithCalls(t, true)
	h.key("tab", "r") // the newest entry is the user info call
	if !strings.Contains(h.status(), "carries no refresh token") || h.m.call != nil {
		t.Fatalf("status %q", h.status())
	}
}

func TestReplayAHistoryEntry(t *testing.T) {
	h, traces := historyWithCalls(t, true)
	h.key("down", "down", "tab", "x") // the exchange: its code is spent
	tr := h.m.current.trace
	if tr.Request.Params["code"] != traces[0].Request.Params["code"] {
		t.Fatalf("replay sent code %q", tr.Request.Params["code"])
	}
	if tr.Error == nil || tr.Error.SubCode != "isv.code-invalid" {
		t.Fatalf("replaying a spent code: %s", h.status())
	}
	if !strings.Contains(h.status(), "replay of history #1") {
		t.Errorf("status %q", h.status())
	}
}

func TestDeleteAHistoryEntry(t *testing.T) {
	h, traces := historyWithCalls(t, true)
	h.key("tab", "d")
	h.mustSee("Delete from history?", "user info")
	h.key("n")
	if h.m.hist.rows() != 3 {
		t.Fatal("n deleted")
	}
	h.key("d", "y")
	if h.m.hist.rows() != 2 || h.m.hist.at(0).ID != traces[1].ID {
		t.Fatalf("%d rows after delete", h.m.hist.rows())
	}
	if got := records(t, h.m.opts.History); len(got) != 2 {
		t.Fatalf("the database holds %d", len(got))
	}
	// From the detail view too, which then goes back to the list.
	h.key("enter", "d", "y")
	if h.m.screen != screenHistory || h.m.hist.rows() != 1 {
		t.Fatalf("screen %d, %d rows", h.m.screen, h.m.hist.rows())
	}
	h.mustSee("deleted history #2")
}

func TestHistoryWithoutSecretsCannotBeUsed(t *testing.T) {
	h, _ := historyWithCalls(t, false)
	h.key("down", "tab", "r")
	if !strings.Contains(h.status(), "fingerprints") || h.m.call != nil {
		t.Fatalf("status %q", h.status())
	}
	h.key("enter", "c")
	h.key("a")
	if !strings.Contains(h.status(), "fingerprint") {
		t.Fatalf("copying a fingerprinted token: %q", h.status())
	}
}

func TestPasteIntoTheHistoryFilter(t *testing.T) {
	h, traces := historyWithCalls(t, true)
	h.send(tea.PasteMsg{Content: traces[0].Response.TraceID + "\n"})
	if h.m.hist.filter.Value() != traces[0].Response.TraceID || h.m.hist.rows() != 1 {
		t.Fatalf("filter %q, %d rows", h.m.hist.filter.Value(), h.m.hist.rows())
	}
}
