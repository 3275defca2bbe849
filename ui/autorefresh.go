package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"aliauth/gateway"
)

// Auto-refresh trades the latest refresh token for new tokens before the
// access token expires: a tenth of its life before, and never less than a
// minute. It is opt-in, from the profile or a key, and each refresh is
// recorded in history like any other.
const minAutoRefreshLead = time.Minute

// autoRefreshAt is when the latest tokens will be refreshed; ok is false
// when there is nothing to refresh (no tokens, permanent ones, or a refresh
// token that has expired or already failed).
func (m *Model) autoRefreshAt() (time.Time, bool) {
	tk := m.tokens
	if !m.autoRefresh || tk == nil || tk.RefreshToken == "" || m.autoRefreshFailed == tk.RefreshToken {
		return time.Time{}, false
	}
	access, refresh := tk.AccessExpiry(), tk.RefreshExpiry()
	if !access.Known() || refresh.Known() && !refresh.At.After(m.now()) {
		return time.Time{}, false
	}
	lead := max(minAutoRefreshLead, time.Duration(tk.ExpiresIn)*time.Second/10)
	return access.At.Add(-lead), true
}

// toggleAutoRefresh turns auto-refresh on or off.
func (m *Model) toggleAutoRefresh() tea.Cmd {
	m.autoRefresh = !m.autoRefresh
	m.relayout()
	if !m.autoRefresh {
		m.say(statusLine{tr("auto-refresh off"), statusInfo})
		return nil
	}
	m.autoRefreshFailed = ""
	if at, ok := m.autoRefreshAt(); ok {
		m.say(statusLine{tr("auto-refresh on: the tokens are refreshed at %s", gateway.LocalTime(at)), statusOK})
	} else {
		m.say(statusLine{tr("auto-refresh on: it starts with the next tokens"), statusOK})
	}
	return m.ensureClock()
}

// autoRefreshDue starts the refresh once it is due, when nothing else is
// under way on the exchange screen; otherwise it waits for the next tick.
func (m *Model) autoRefreshDue() tea.Cmd {
	at, ok := m.autoRefreshAt()
	if !ok || m.now().Before(at) || m.call != nil || m.screen != screenMain || m.overlay != overlayNone {
		return nil
	}
	return m.startCall(callRequest{kind: callRefresh, arg: m.tokens.RefreshToken, from: "auto-refresh"})
}

// autoRefreshDone notes a failed auto-refresh, so it is not retried with
// the same token every second.
func (m *Model) autoRefreshDone(msg callDoneMsg) {
	if msg.req.from == "auto-refresh" && (msg.trace == nil || msg.trace.Outcome != gateway.OutcomeSuccess) {
		m.autoRefreshFailed = msg.req.arg
	}
}

// autoRefreshLines is the line under the input while auto-refresh is on:
// when the next refresh is, counting down.
func (m *Model) autoRefreshLines() []string {
	if !m.autoRefresh || m.screen != screenMain || m.width <= 0 {
		return nil
	}
	st := &m.styles
	text := "⟳ " + tr("auto-refresh on")
	switch at, ok := m.autoRefreshAt(); {
	case ok && m.now().Before(at):
		text += " · " + tr("next %s (%s)", gateway.LocalTime(at), countdown(gateway.Expiry{At: at}, m.now()))
	case ok:
		text += " · " + tr("due now")
	case m.tokens != nil && m.autoRefreshFailed == m.tokens.RefreshToken:
		text += " · " + tr("stopped: the last refresh failed (r retries)")
	default:
		text += " · " + tr("waiting for tokens")
	}
	return []string{fit(st.Dim.Render(text+" · "+tr("A turns it off")), m.width)}
}
