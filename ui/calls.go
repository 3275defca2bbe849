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
			token, from = m.tokens.RefreshToken, "latest tokens"
		}
		if token == "" {
			m.setFocus(focusInput)
			return m.fail("no refresh token: exchange a code first, or paste a refresh token")
		}
		return m.startRefresh(callRequest{kind: callRefresh, arg: token, from: from})
	}
	if code, ok := appAuthCodeIn(value); ok {
		return m.startCall(callRequest{kind: callAppAuthExchange, arg: code, from: "input"})
	}
	code, err := gateway.ParseAuthCode(value)
	if err != nil {
		m.setFocus(focusInput)
		if strings.TrimSpace(value) == "" && m.session.MintCode != nil {
			return m.fail("the input is empty: paste an auth code, or press ctrl+n to mint one from the emulator")
		}
		return m.fail(err.Error())
	}
	m.noteSubmit(value, code)
	return m.startCall(callRequest{kind: callExchange, arg: code, from: "input"})
}

func (m *Model) refreshLatest() tea.Cmd {
	if m.tokens == nil || m.tokens.RefreshToken == "" {
		return m.fail("no refresh token yet: exchange a code first" + m.mintHint() + ", or refresh from a history entry (h)")
	}
	return m.startRefresh(callRequest{kind: callRefresh, arg: m.tokens.RefreshToken, from: "latest tokens"})
}

func (m *Model) userInfoLatest() tea.Cmd {
	if m.tokens == nil || m.tokens.AccessToken == "" {
		return m.fail("no access token yet: exchange a code first" + m.mintHint() + ", or use one from history (h)")
	}
	return m.startCall(callRequest{kind: callUserInfo, arg: m.tokens.AccessToken, from: "latest tokens"})
}

// mintHint reminds that the emulator mints codes, where it does.
func (m *Model) mintHint() string {
	if m.session.MintCode == nil {
		return ""
	}
	return " (m mints one)"
}

// callFromTrace refreshes, fetches user info or replays from a trace.
func (m *Model) callFromTrace(t *gateway.Trace, kind callKind, replay bool) tea.Cmd {
	req, err := requestFrom(t, kind, replay)
	if err != nil {
		return m.fail(err.Error())
	}
	return m.startRefresh(req)
}

// startCall begins a call, unless one is under way.
func (m *Model) startCall(req callRequest) tea.Cmd {
	if m.call != nil {
		return m.fail("a call is already under way; esc cancels it")
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
		return m.fail("a call is already under way; esc cancels it")
	}
	ctx, cancel := context.WithCancel(m.base)
	m.callSeq++
	req := callRequest{kind: kind, from: "history"}
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
	}
	m.current = msg.view
	if m.current.reveal != m.reveal {
		m.current.setReveal(m.reveal) // v was pressed while the call ran
	}
	if t.Outcome == gateway.OutcomeSuccess && t.Tokens != nil {
		m.tokens = t.Tokens
	}
	if t.Outcome == gateway.OutcomeSuccess && msg.req.from == "input" {
		m.input.SetValue("") // codes are single-use; refresh tokens rotate
	}
	m.screen = screenMain
	m.overlay = overlayNone
	m.setFocus(focusResponse)
	m.relayout()
	m.status = outcomeStatus(t, msg.req)
	if msg.recordErr != nil {
		m.status = statusLine{m.status.text + " · NOT recorded in history: " + msg.recordErr.Error(), statusError}
	}
	return tea.Batch(m.ensureClock(), m.diagnoseCall(msg))
}

func errorText(err error) string {
	if err == nil {
		return "no trace and no error"
	}
	return err.Error()
}

// outcomeStatus sums up a call in one line.
func outcomeStatus(t *gateway.Trace, req callRequest) statusLine {
	what := req.kind.String()
	if req.from != "" && req.from != "input" {
		what += " (" + req.from + ")"
	}
	switch t.Outcome {
	case gateway.OutcomeSuccess:
		text := "✓ " + what + " succeeded"
		if t.Verification != nil {
			text += ", response " + string(t.Verification.Status)
		}
		if t.Tokens != nil {
			text += " · r refreshes · u fetches user info"
		}
		kind := statusOK
		if len(t.Warnings) > 0 {
			kind = statusWarn
			text += " · ⚠ " + t.Warnings[0]
		}
		return statusLine{text, kind}
	case gateway.OutcomeGatewayError:
		e := t.Error
		code := e.Code
		if e.SubCode != "" {
			code = e.SubCode
		}
		text := "✗ " + what + ": the gateway answered " + code
		if e.Meaning != "" {
			text += ": " + e.Meaning
		}
		return statusLine{text, statusError}
	case gateway.OutcomeTransportError:
		return statusLine{"✗ " + what + ": " + t.TransportError, statusError}
	case gateway.OutcomeUntrusted:
		detail := ""
		if t.Verification != nil {
			detail = ": " + string(t.Verification.Status)
		}
		return statusLine{"✗ " + what + ": the response cannot be trusted" + detail, statusError}
	case gateway.OutcomeDryRun:
		return statusLine{what + ": built and signed, not sent (dry run)", statusWarn}
	}
	return statusLine{what + ": " + string(t.Outcome), statusInfo}
}
