package ui

import (
	"context"
	"errors"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"aliauth/gateway"
	"aliauth/history"
)

// All the console's IO happens here, in commands; each returns one message
// and touches no model state.

// callKind is a gateway call the console makes.
type callKind int

const (
	callExchange callKind = iota
	callRefresh
	callUserInfo
	callAppAuthExchange
	callAppAuthRefresh
	callAppAuthQuery
)

func (k callKind) String() string {
	switch k {
	case callRefresh:
		return "refresh"
	case callUserInfo:
		return "user info"
	case callAppAuthExchange:
		return "app auth exchange"
	case callAppAuthRefresh:
		return "app auth refresh"
	case callAppAuthQuery:
		return "app auth query"
	}
	return "exchange"
}

// progressive is how the status line says a call is under way.
func (k callKind) progressive() string {
	switch k {
	case callRefresh:
		return tr("refreshing the token")
	case callUserInfo:
		return tr("fetching user info")
	case callAppAuthExchange:
		return tr("exchanging the app_auth_code")
	case callAppAuthRefresh:
		return tr("renewing the app_auth_token")
	case callAppAuthQuery:
		return tr("querying the app_auth_token")
	}
	return tr("exchanging the auth code")
}

// callRequest is one call to make: its kind, its argument (an auth code, a
// refresh token or an access token) and where that came from.
type callRequest struct {
	kind callKind
	arg  string
	from string
}

// callDoneMsg is a finished call, already recorded in history.
type callDoneMsg struct {
	seq   int
	req   callRequest
	trace *gateway.Trace
	err   error
	// view is the trace prepared for display, off the UI's loop, since
	// preparing a large answer takes longer than a frame.
	view *traceView
	// recordErr says why the trace could not be recorded.
	recordErr error
	// recorded is the summary history stored; nil when it was not.
	recorded *history.Summary
}

// callCmd makes one call and records its trace before reporting it, so no
// trace is lost even if the console quits before the message arrives.
// Recording uses its own context: a cancelled call is still recorded.
func callCmd(ctx context.Context, seq int, s Session, store *history.Store, req callRequest, reveal bool) tea.Cmd {
	return func() tea.Msg {
		return runCall(ctx, seq, s, store, req, reveal)
	}
}

func runCall(ctx context.Context, seq int, s Session, store *history.Store, req callRequest, reveal bool) callDoneMsg {
	var (
		trace *gateway.Trace
		err   error
	)
	switch req.kind {
	case callRefresh:
		trace, err = s.Client.Refresh(ctx, req.arg)
	case callUserInfo:
		trace, err = s.Client.UserInfo(ctx, req.arg)
	case callAppAuthExchange, callAppAuthRefresh, callAppAuthQuery:
		trace, err = appAuthCall(ctx, s.Client, req)
	default:
		trace, err = s.Client.Exchange(ctx, req.arg)
	}
	msg := callDoneMsg{seq: seq, req: req, trace: trace, err: err}
	if trace != nil && store != nil {
		sum, err := store.RecordDetached(ctx, trace, s.StoreSecrets)
		if msg.recordErr = err; err == nil {
			msg.recorded = &sum
		}
	}
	if trace != nil {
		msg.view = newTraceView(trace, reveal)
	}
	return msg
}

// historyCallCmd reads an exchange from history and makes a call from it:
// a refresh with its refresh token, user info with its access token, or the
// same call again (replay).
func historyCallCmd(ctx context.Context, seq int, s Session, store *history.Store, id int64, kind callKind, replay, reveal bool) tea.Cmd {
	return func() tea.Msg {
		trace, err := store.Get(ctx, id)
		if err != nil {
			return callDoneMsg{seq: seq, req: callRequest{kind: kind, from: tr("history #%s", formatCount(int(id)))}, err: err}
		}
		req, err := requestFrom(trace, kind, replay)
		if err != nil {
			return callDoneMsg{seq: seq, req: req, err: err}
		}
		return runCall(ctx, seq, s, store, req, reveal)
	}
}

// requestFrom derives a call from a recorded trace. For a replay the call is
// the trace's own; otherwise kind says which call, with the token the trace
// received (or sent).
func requestFrom(t *gateway.Trace, kind callKind, replay bool) (callRequest, error) {
	if isAppAuthMethod(t.Method) {
		return appAuthRequest(t, kind, replay)
	}
	from := tr("history #%s", formatCount(int(t.ID)))
	params := t.Request.Params
	if replay {
		req := callRequest{kind: callExchange, arg: params["code"], from: tr("replay of %s", from)}
		switch {
		case t.Method == gateway.MethodUserInfo:
			req.kind, req.arg = callUserInfo, params["auth_token"]
		case t.GrantType == gateway.GrantRefreshToken:
			req.kind, req.arg = callRefresh, params["refresh_token"]
		}
		return req, usable(req, tr("the %s call", word(req.kind.String())))
	}
	req := callRequest{kind: kind, from: from}
	switch kind {
	case callRefresh:
		if t.Tokens != nil {
			req.arg = t.Tokens.RefreshToken
		}
		if req.arg == "" && t.Method == gateway.MethodUserInfo {
			return req, errors.New(tr("%s is a user info call: it carries no refresh token; refresh from a token exchange", from))
		}
	case callUserInfo:
		if t.Tokens != nil {
			req.arg = t.Tokens.AccessToken
		}
		if req.arg == "" {
			req.arg = params["auth_token"]
		}
	}
	return req, usable(req, from)
}

// usable refuses a call whose argument is missing or was stored only as a
// fingerprint.
func usable(req callRequest, what string) error {
	name := word(map[callKind]string{callExchange: "auth code", callRefresh: "refresh token", callUserInfo: "access token",
		callAppAuthExchange: "app_auth_code", callAppAuthRefresh: "app_refresh_token", callAppAuthQuery: "app_auth_token"}[req.kind])
	switch {
	case req.arg == "":
		return errors.New(tr("%s has no %s to use", what, name))
	case strings.HasPrefix(req.arg, "sha256:"):
		return errors.New(tr("history kept only a fingerprint of the %s of %s (secrets are not stored), so it cannot be used", name, what))
	}
	return nil
}

// mintedMsg is a fresh auth code from the emulator, standing in for
// my.getAuthCode.
type mintedMsg struct {
	code  string
	scope string
	err   error
}

func mintCmd(ctx context.Context, mint func(context.Context, string) (string, error), scope string) tea.Cmd {
	return func() tea.Msg {
		code, err := mint(ctx, scope)
		return mintedMsg{code: code, scope: scope, err: err}
	}
}

// historyPageMsg is the first screenful of the history list from the
// database, shown while the index loads.
type historyPageMsg struct {
	seq   int
	text  string
	rows  []history.Summary
	total int
	err   error
}

func historyPageCmd(store *history.Store, seq int, text string, limit int, count bool) tea.Cmd {
	return func() tea.Msg {
		ctx := context.Background()
		msg := historyPageMsg{seq: seq, text: text, total: -1}
		msg.rows, msg.err = store.List(ctx, history.Filter{Text: text, Limit: limit})
		if msg.err == nil && count {
			msg.total, msg.err = store.Count(ctx, history.Filter{})
		}
		return msg
	}
}

// historyIndexMsg is the whole history in memory, for filtering as the user
// types.
type historyIndexMsg struct {
	seq   int
	index *history.Index
	err   error
}

func historyIndexCmd(ctx context.Context, store *history.Store, seq int) tea.Cmd {
	return func() tea.Msg {
		var msg historyIndexMsg
		lowGC(func() { msg.index, msg.err = store.LoadIndex(ctx) })
		msg.seq = seq
		return msg
	}
}

// historySinceMsg is what was recorded after the newest exchange of the
// index (by other processes too), and how many exchanges history holds.
type historySinceMsg struct {
	seq int
	// had is how many the index held when it was asked.
	had   int
	added []history.Summary
	total int
	err   error
}

// historySinceCmd finds what was recorded after the exchange maxID, so
// that the index is brought up to date rather than loaded again: a second
// index of a long history, beside the first while it loads, would double
// the console's memory.
func historySinceCmd(ctx context.Context, store *history.Store, seq int, maxID int64, had int) tea.Cmd {
	return func() tea.Msg {
		msg := historySinceMsg{seq: seq, had: had}
		msg.total, msg.err = store.Count(ctx, history.Filter{})
		if msg.err == nil {
			msg.added, msg.err = store.List(ctx, history.Filter{AfterID: maxID})
		}
		return msg
	}
}

// indexLoadGCPercent is the collector's target while the index loads.
// Loading allocates about three times what the index keeps, mostly text
// the database hands over and the load reads once; at the default target
// (100) the heap grew to twice the index before each collection, and the
// console's peak memory with it.
const indexLoadGCPercent = 25

// lowGC runs f with the collector's target at indexLoadGCPercent, unless
// the program was started with a lower one (GOGC); loads may overlap, and
// the target is put back when the last ends.
func lowGC(f func()) {
	gcTarget.Lock()
	if gcTarget.loads == 0 {
		gcTarget.saved = debug.SetGCPercent(indexLoadGCPercent)
		if gcTarget.saved < indexLoadGCPercent { // lower, or off (-1)
			debug.SetGCPercent(gcTarget.saved)
		}
	}
	gcTarget.loads++
	gcTarget.Unlock()
	defer func() {
		gcTarget.Lock()
		if gcTarget.loads--; gcTarget.loads == 0 {
			debug.SetGCPercent(gcTarget.saved)
		}
		gcTarget.Unlock()
	}()
	f()
}

var gcTarget struct {
	sync.Mutex
	loads int
	saved int
}

// historyTraceMsg is one exchange read from history for the detail view,
// prepared for display.
type historyTraceMsg struct {
	id   int64
	view *traceView
	err  error
}

func historyGetCmd(store *history.Store, id int64, reveal bool) tea.Cmd {
	return func() tea.Msg {
		v, err := loadTraceView(store, id, reveal)
		return historyTraceMsg{id: id, view: v, err: err}
	}
}

// loadTraceView reads an exchange from history and prepares it for the
// panes, with the later refresh that rotated its refresh token.
func loadTraceView(store *history.Store, id int64, reveal bool) (*traceView, error) {
	ctx := context.Background()
	trace, err := store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	v := newTraceView(trace, reveal)
	v.rotatedBy = findRotation(ctx, store, trace)
	return v, nil
}

// historyPreviewMsg is the selected entry, read for the preview beside
// the history list.
type historyPreviewMsg struct {
	id   int64
	view *traceView
	err  error
}

func historyPreviewCmd(store *history.Store, id int64, reveal bool) tea.Cmd {
	return func() tea.Msg {
		v, err := loadTraceView(store, id, reveal)
		return historyPreviewMsg{id: id, view: v, err: err}
	}
}

// rotation is the later refresh that rotated a trace's refresh token.
type rotation struct {
	id   int64
	time time.Time
}

// findRotation finds the refresh, in history, that spent t's refresh token:
// refreshing rotates it, so t's no longer works. nil when none did (or
// history cannot say).
func findRotation(ctx context.Context, store *history.Store, t *gateway.Trace) *rotation {
	if t.Tokens == nil || t.Tokens.RefreshToken == "" || t.ID == 0 {
		return nil
	}
	st, err := store.RefreshState(ctx, t.Tokens.RefreshToken)
	if err != nil || st.RotatedBy == nil {
		return nil
	}
	return &rotation{id: st.RotatedBy.ID, time: st.RotatedBy.Time}
}

// historyDeletedMsg reports a deleted exchange.
type historyDeletedMsg struct {
	id  int64
	err error
}

func historyDeleteCmd(store *history.Store, id int64) tea.Cmd {
	return func() tea.Msg {
		return historyDeletedMsg{id: id, err: store.Delete(context.Background(), id)}
	}
}

// copiedMsg reports a copy to the system clipboard; err means it did not
// get there and the terminal (OSC 52) has to take it.
type copiedMsg struct {
	item copyItem
	err  error
	// encodeErr means the text could not be made, so nothing was copied.
	encodeErr error
}

func copyCmd(clip Clipboard, item copyItem) tea.Cmd {
	return func() tea.Msg {
		if item.encode != nil {
			text, err := item.encode()
			if err != nil {
				return copiedMsg{item: item, encodeErr: err}
			}
			item.text = text
		}
		return copiedMsg{item: item, err: clip.WriteAll(item.text)}
	}
}

// profileOpenedMsg is the session for another profile.
type profileOpenedMsg struct {
	name    string
	session Session
	err     error
}

func openProfileCmd(open func(string) (Session, error), name string) tea.Cmd {
	return func() tea.Msg {
		if open == nil {
			return profileOpenedMsg{name: name, err: errors.New(tr("this console was started without a way to open other profiles"))}
		}
		s, err := open(name)
		if err == nil && s.Client == nil {
			err = errors.New(tr("profile %s opened without a gateway client", name))
		}
		return profileOpenedMsg{name: name, session: s, err: err}
	}
}

// profileChecksMsg is what checking each profile found.
type profileChecksMsg struct {
	checks map[string]ProfileCheck
}

func checkProfilesCmd(check func(string) ProfileCheck, names []string) tea.Cmd {
	return func() tea.Msg {
		checks := make(map[string]ProfileCheck, len(names))
		for _, name := range names {
			checks[name] = check(name)
		}
		return profileChecksMsg{checks: checks}
	}
}

// spinMsg advances the busy spinner; clockMsg ticks the expiry countdowns.
// Each carries the generation that scheduled it so a superseded timer dies.
type (
	spinMsg  struct{ gen int }
	clockMsg struct{ gen int }
)

// after is the default timer: msg after d.
func after(d time.Duration, msg tea.Msg) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}
