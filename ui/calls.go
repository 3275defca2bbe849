package ui

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"

	"aliauth/gateway"
)

// submit runs the call the input asks for: exchange the code, or refresh
// with the token, as the grant switch says.
func (m *Model) submit() tea.Cmd {
	value := m.input.Value()
	if m.grant == gateway.GrantRefreshToken {
		token := strings.TrimSpace(value)
		from := "input"
		if token == "" && m.tokens != nil {
			token, from = m.tokens.RefreshToken, tr("latest tokens")
		}
		if token == "" {
			return m.fail(tr("no refresh token: exchange a code first, or paste a refresh token"))
		}
		return m.startRefresh(callRequest{kind: callRefresh, arg: token, from: from})
	}
	if code, ok := appAuthCodeIn(value); ok {
		return m.startCall(callRequest{kind: callAppAuthExchange, arg: code, from: "input"})
	}
	code, err := gateway.ParseAuthCode(value)
	if err != nil {
		if strings.TrimSpace(value) == "" {
			return m.fail(tr("the input is empty: paste an auth code (or i to type one)") + m.mintHint())
		}
		return m.fail(word(err.Error()) + " " + tr("(i edits the input)"))
	}
	m.noteSubmit(value, code)
	return m.startCall(callRequest{kind: callExchange, arg: code, from: "input"})
}

func (m *Model) refreshLatest() tea.Cmd {
	if m.tokens == nil || m.tokens.RefreshToken == "" {
		return m.fail(tr("no refresh token yet: exchange a code first%s, or refresh from a history entry (h)", m.mintHint()))
	}
	return m.startRefresh(callRequest{kind: callRefresh, arg: m.tokens.RefreshToken, from: tr("latest tokens")})
}

func (m *Model) userInfoLatest() tea.Cmd {
	if m.tokens == nil || m.tokens.AccessToken == "" {
		return m.fail(tr("no access token yet: exchange a code first%s, or use one from history (h)", m.mintHint()))
	}
	return m.startCall(callRequest{kind: callUserInfo, arg: m.tokens.AccessToken, from: tr("latest tokens")})
}

// offersUserInfo reports whether u can work with the latest tokens: there
// is an access token, and it was not granted with auth_base, which gives
// the user id only.
func (m *Model) offersUserInfo() bool {
	return m.tokens != nil && m.tokens.AccessToken != "" && !authBaseOnly(m.tokens, m.tokensScope)
}

// authBaseOnly reports tokens known to carry the auth_base scope: their
// code was minted with it, or the access token has the authbseB prefix
// Alipay gives auth_base tokens (auth_user ones start authusrB).
func authBaseOnly(tk *gateway.Tokens, scope string) bool {
	return scope == "auth_base" || strings.HasPrefix(tk.AccessToken, "authbseB")
}

// mintHint reminds that the emulator mints codes, where it does.
func (m *Model) mintHint() string {
	if m.session.MintCode == nil {
		return ""
	}
	return " " + tr("(m mints one)")
}

// callFromTrace refreshes, fetches user info or replays from a trace.
func (m *Model) callFromTrace(t *gateway.Trace, kind callKind, replay bool) tea.Cmd {
	req, err := requestFrom(t, kind, replay)
	if err != nil {
		return m.fail(word(err.Error()))
	}
	return m.startRefresh(req)
}

// startCall begins a call, unless one is under way.
func (m *Model) startCall(req callRequest) tea.Cmd {
	if m.call != nil {
		return m.fail(tr("a call is already under way; esc cancels it"))
	}
	ctx, cancel := context.WithCancel(m.base)
	m.callSeq++
	m.call = &inFlight{seq: m.callSeq, req: req, started: m.now(), cancel: cancel}
	m.spinGen++
	return tea.Batch(callCmd(ctx, m.callSeq, m.session, m.opts.History, req, m.reveal), m.after(spinInterval, spinMsg{m.spinGen}))
}

// startHistoryCall begins a call from a history entry not yet read.
func (m *Model) startHistoryCall(id int64, kind callKind, replay bool) tea.Cmd {
	if m.call != nil {
		return m.fail(tr("a call is already under way; esc cancels it"))
	}
	ctx, cancel := context.WithCancel(m.base)
	m.callSeq++
	req := callRequest{kind: kind, from: tr("history")}
	m.call = &inFlight{seq: m.callSeq, req: req, started: m.now(), cancel: cancel}
	m.spinGen++
	return tea.Batch(historyCallCmd(ctx, m.callSeq, m.session, m.opts.History, id, kind, replay, m.reveal), m.after(spinInterval, spinMsg{m.spinGen}))
}

func (m *Model) cancelCall() {
	m.call.cancel()
	m.call.cancelling = true
}

// callDone shows a finished call. Its trace is already in history.
func (m *Model) callDone(msg callDoneMsg) tea.Cmd {
	if m.call != nil && m.call.seq == msg.seq {
		m.call.cancel()
		m.call = nil
	}
	if m.quitting {
		return m.quit()
	}
	m.autoRefreshDone(msg)
	if msg.trace == nil {
		return m.fail(msg.req.kind.String() + ": " + errorText(msg.err))
	}
	t := msg.trace
	if msg.recorded != nil {
		m.hist.added(*msg.recorded)
		m.keepSelection()
	}
	m.current = msg.view
	if m.current.reveal != m.reveal {
		m.current.setReveal(m.reveal) // v was pressed while the call ran
	}
	m.current.setPretty(!m.rawBody)
	if t.Outcome == gateway.OutcomeSuccess && t.Tokens != nil {
		m.tokens = t.Tokens
		if msg.req.kind == callExchange {
			// A refresh keeps the scope of the tokens it replaces.
			m.tokensScope = m.mintedScopes[msg.req.arg]
		}
	}
	if t.Outcome == gateway.OutcomeSuccess && msg.req.from == "input" {
		m.input.SetValue("") // codes are single-use; refresh tokens rotate
	}
	m.screen = screenMain
	m.overlay = overlayNone
	m.setFocus(focusResponse)
	m.relayout()
	status := outcomeStatus(t, msg.req)
	if t.Outcome == gateway.OutcomeSuccess && t.Tokens != nil {
		status.text += " · " + tr("r refreshes")
		if m.offersUserInfo() {
			status.text += " · " + tr("u fetches user info")
		}
	}
	if msg.recordErr != nil {
		status = statusLine{status.text + " · " + tr("NOT recorded in history"), statusError}
		m.sayDetail(status, word(msg.recordErr.Error()))
	} else {
		m.say(status)
	}
	return tea.Batch(m.ensureClock(), m.diagnoseCall(msg))
}

func errorText(err error) string {
	if err == nil {
		return tr("no trace and no error")
	}
	return word(err.Error())
}

// outcomeStatus sums up a call in one line.
func outcomeStatus(t *gateway.Trace, req callRequest) statusLine {
	what := word(req.kind.String())
	if req.from != "" && req.from != "input" {
		what += " (" + req.from + ")"
	}
	switch t.Outcome {
	case gateway.OutcomeSuccess:
		text := tr("✓ %s succeeded", what)
		if t.Verification != nil {
			text += tr(", response %s", word(string(t.Verification.Status)))
		}
		kind := statusOK
		if len(t.Warnings) > 0 {
			kind = statusWarn
			text += " · ⚠ " + word(t.Warnings[0])
		}
		return statusLine{text, kind}
	case gateway.OutcomeGatewayError:
		e := t.Error
		code := e.Code
		if e.SubCode != "" {
			code = e.SubCode
		}
		text := tr("✗ %s: the gateway answered %s", what, code)
		if meaning, _ := explanation(e); meaning != "" {
			text += ": " + meaning
		}
		return statusLine{text, statusError}
	case gateway.OutcomeTransportError:
		return statusLine{tr("✗ %s, no answer: %s", what, word(t.TransportHint())), statusError}
	case gateway.OutcomeUntrusted:
		return statusLine{tr("✗ %s: %s, do not use this answer", what, word(t.Verdict())), statusError}
	case gateway.OutcomeDryRun:
		return statusLine{tr("%s: built and signed, not sent (dry run)", what), statusWarn}
	}
	return statusLine{what + ": " + string(t.Outcome), statusInfo}
}
