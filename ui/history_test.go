package ui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"aliauth/gateway"
	"aliauth/history"
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
	if tr.GrantType != gateway.GrantRefreshToken || tr.Request.Params["refresh_token"] != traces[0].Tokens.RefreshToken {
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

// The cursor stays on the entry last opened, not on its row: after new
// calls push the list down, d offers that same entry.
func TestHistorySelectionFollowsTheEntry(t *testing.T) {
	h, traces := historyWithCalls(t, true)
	h.key("down", "enter")
	opened := h.m.detail.trace.ID
	if opened != traces[1].ID {
		t.Fatalf("opened #%d, want #%d", opened, traces[1].ID)
	}
	h.key("esc", "esc", "esc")
	if h.m.screen != screenMain {
		t.Fatalf("screen %d", h.m.screen)
	}
	h.exchange()
	h.key("r")
	h.key("h")
	if s, _ := h.m.hist.selectedSummary(); s.ID != opened {
		t.Fatalf("after two new calls the cursor is on #%d, not #%d", s.ID, opened)
	}
	h.key("tab", "d")
	if h.m.overlay != overlayConfirmDelete || h.m.confirmID != opened {
		t.Fatalf("d offers #%d, want #%d", h.m.confirmID, opened)
	}
	h.key("y")
	// The deleted entry's neighbour takes the cursor.
	if s, ok := h.m.hist.selectedSummary(); !ok || s.ID == opened {
		t.Fatalf("after the delete the cursor is on #%d", s.ID)
	}
}

// An entry whose refresh token a later refresh rotated says so in place of
// its countdown, and does not offer r; the entry that rotated it does.
func TestHistoryMarksRotatedRefreshTokens(t *testing.T) {
	h, traces := historyWithCalls(t, true)
	// Rows, newest first: user info, refresh (#2), exchange (#1).
	h.key("down", "down", "enter")
	if h.m.detail.trace.ID != traces[0].ID {
		t.Fatalf("opened #%d", h.m.detail.trace.ID)
	}
	if r := h.m.detail.rotatedBy; r == nil || r.id != traces[1].ID {
		t.Fatalf("the exchange's refresh token is not marked rotated by #%d: %+v", traces[1].ID, r)
	}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 60})
	h.mustSee("SUPERSEDED: rotated by the refresh history #"+formatCount(int(traces[1].ID)), "a refresh replaced it")
	if strings.Contains(h.status(), "r refreshes") || !strings.Contains(h.status(), "rotated by #") {
		t.Errorf("status %q", h.status())
	}
	// The lineage warns before a dead token is sent.
	h.key("r")
	if h.m.call != nil || !strings.Contains(h.status(), "rotated by #"+formatCount(int(traces[1].ID))) {
		t.Fatalf("r on a rotated token: %q", h.status())
	}
	// The refresh's own tokens are the live ones.
	h.key("esc", "up", "enter")
	if h.m.detail.trace.ID != traces[1].ID || h.m.detail.rotatedBy != nil {
		t.Fatalf("#%d rotated by %+v", h.m.detail.trace.ID, h.m.detail.rotatedBy)
	}
	h.mustNotSee("SUPERSEDED")
}

// The copy menu offers each identifier on its own.
func TestCopyEachIdentifier(t *testing.T) {
	h, traces := historyWithCalls(t, true)
	h.key("esc", "esc")
	ex := traces[0]
	for key, want := range map[string]string{"i": ex.Tokens.UserID, "o": ex.Tokens.OpenID} {
		h.key("c", key)
		if got := h.clip.last(); got != want || want == "" {
			t.Errorf("c %s copied %q, want %q", key, got, want)
		}
	}
	h.key("c", "u")
	if !strings.Contains(h.status(), "no union_id") {
		t.Errorf("union_id without one: %q", h.status())
	}
}

// The history list has column headers, uses the width it has (the whole
// open id at 200 columns), shows the profile from 80 columns and labels
// times with their zone.
func TestHistoryListUsesTheWidth(t *testing.T) {
	p := newPeer(t)
	store := fixtureHistory(t)
	for _, size := range [][2]int{{60, 15}, {80, 24}, {200, 50}} {
		h := newHarness(t, Options{Session: p.session(t, "default"), History: store}, size[0], size[1])
		h.key("h")
		openID := loadTrace(t, "exchange_v2.json").Tokens.OpenID
		h.mustSee("#", "time (CST)", "outcome", "call", "detail")
		switch size[0] {
		case 60:
			h.mustNotSee("profile ")
		case 80:
			h.mustSee("profile", "sandbox", "default")
		case 200:
			h.mustSee("user", openID)
		}
	}
}

// At wide sizes the selected entry's preview sits beside the list and
// follows the cursor; the filter's words are highlighted in the rows.
func TestHistoryPreviewAndHighlights(t *testing.T) {
	p := newPeer(t)
	store := fixtureHistory(t)
	h := newHarness(t, Options{Session: p.session(t, "default"), History: store}, 200, 50)
	h.key("h")
	if h.m.hist.preview == nil {
		t.Fatal("no preview at 200 columns")
	}
	first := h.m.hist.preview.trace.ID
	h.mustSee("PREVIEW #"+formatCount(int(first)), "│")
	h.key("down")
	if h.m.hist.preview.trace.ID == first {
		t.Fatal("the preview did not follow the cursor")
	}
	h.mustSee("PREVIEW #" + formatCount(int(h.m.hist.preview.trace.ID)))
	// The whole open id still fits beside the preview.
	h.mustSee(loadTrace(t, "exchange_v2.json").Tokens.OpenID)

	h.typeText("CODE-inv")
	view := h.m.View().Content
	if !strings.Contains(view, h.m.styles.Match.Render("code-inv")) {
		t.Error("the filter's words are not highlighted in the rows")
	}
	// Narrow terminals have no preview.
	h.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	h.mustNotSee("PREVIEW")
}

// otherProcess opens the console's history as another aliauth process
// would: its own connections to the same file.
func otherProcess(t *testing.T, h *harness) *history.Store {
	t.Helper()
	s, err := history.Open(context.Background(), h.m.opts.History.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// A call another process records while the console runs is listed the
// next time history opens. The index is brought up to date, not loaded
// again: a second index of a long history would double the console's
// memory while it loads.
func TestHistoryShowsWhatAnotherProcessRecorded(t *testing.T) {
	h, traces := historyWithCalls(t, true)
	loaded := h.m.hist.index
	h.key("esc")
	if h.m.screen != screenMain {
		t.Fatal("esc did not leave history")
	}
	elsewhere := *traces[0]
	elsewhere.ID, elsewhere.Profile = 0, "other-terminal"
	if _, err := otherProcess(t, h).Record(context.Background(), &elsewhere, true); err != nil {
		t.Fatal(err)
	}
	h.key("h")
	h.mustSee("4 exchanges", "other-terminal")
	if h.m.hist.index != loaded {
		t.Error("the whole index was loaded again to show one new exchange")
	}
	h.typeText("other-term")
	if h.m.hist.rows() != 1 || h.m.hist.at(0).ID != elsewhere.ID {
		t.Fatalf("the filter finds %d rows, want the exchange recorded elsewhere", h.m.hist.rows())
	}
}

// Exchanges another process deleted leave the list the next time history
// opens: the index is loaded again.
func TestHistoryForgetsWhatAnotherProcessDeleted(t *testing.T) {
	h, traces := historyWithCalls(t, true)
	h.key("esc")
	if err := otherProcess(t, h).Delete(context.Background(), traces[0].ID); err != nil {
		t.Fatal(err)
	}
	h.key("h")
	h.mustSee("2 exchanges")
	if _, ok := h.m.hist.index.Position(traces[0].ID); ok {
		t.Fatal("the exchange deleted elsewhere is still listed")
	}
}

// A call the console itself records while the index is being brought up to
// date is listed once.
func TestHistoryListsOwnCallsOnceWhileCatchingUp(t *testing.T) {
	h, traces := historyWithCalls(t, true)
	h.key("esc")
	catchUp := h.m.openHistory() // asked, not answered yet
	own := *traces[0]
	own.ID, own.Profile = 0, "own-call"
	sum, err := h.m.opts.History.Record(context.Background(), &own, true)
	if err != nil {
		t.Fatal(err)
	}
	h.m.hist.added(sum)
	h.run(catchUp)
	h.mustSee("4 exchanges")
	if n := h.m.hist.index.Len(); n != 4 {
		t.Fatalf("the index holds %d exchanges, want 4", n)
	}
}
