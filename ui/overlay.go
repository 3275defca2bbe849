package ui

import (
	"strings"

	"aliauth/gateway"
	"aliauth/internal/safetext"
)

// copyMenuView lists what can be copied, with what each would copy (masked
// unless revealed) or why it cannot.
func (m *Model) copyMenuView() string {
	st := &m.styles
	k := m.keys
	items := []struct {
		key  string
		kind copyKind
	}{
		{k.CopyAccess.Help().Key, copyAccess},
		{k.CopyRefresh.Help().Key, copyRefresh},
		{k.CopySubject.Help().Key, copySubject},
		{k.CopyStringToSign.Help().Key, copyStringToSign},
		{k.CopyResponse.Help().Key, copyResponse},
		{k.CopyCurl.Help().Key, copyCurl},
		{k.CopyJSON.Help().Key, copyJSON},
	}
	names := []string{"access token", "refresh token", "user id / open id", "string to sign", "raw response body", "request as curl", "whole trace as JSON"}
	w := labelWidth(names...)
	preview := max(10, min(48, m.width-w-16))
	lines := []string{st.Title.Render("Copy")}
	src := m.copyView()
	for i, it := range items {
		if it.kind == copyJSON {
			// Encoding a large trace for a preview would cost a frame.
			preview := "as --json prints it, secrets masked"
			if m.reveal {
				preview = "as --json --reveal prints it"
			}
			if src == nil {
				lines = append(lines, st.Dim.Render(it.key+"  "+names[i]+"  (none)"))
				continue
			}
			lines = append(lines, st.Prompt.Render(it.key)+"  "+st.Value.Render(names[i])+"  "+st.Dim.Render(preview))
			continue
		}
		item, err := m.buildCopy(it.kind)
		name := names[i] + strings.Repeat(" ", w-len([]rune(names[i])))
		if err != nil {
			lines = append(lines, st.Dim.Render(it.key+"  "+name+"  (none)"))
			continue
		}
		shown := item.text
		switch {
		case m.reveal:
		case it.kind == copyAccess || it.kind == copyRefresh:
			shown = gateway.Mask(shown)
		case src != nil:
			shown = src.mask(shown)
		}
		shown = strings.Join(strings.Fields(safetext.Text(shown)), " ")
		if len([]rune(shown)) > preview {
			shown = string([]rune(shown)[:preview-1]) + "…"
		}
		lines = append(lines, st.Prompt.Render(it.key)+"  "+st.Value.Render(name)+"  "+st.Dim.Render(shown))
	}
	lines = append(lines, "", st.Dim.Render("Copies the real value even when masked on screen · esc closes"))
	return strings.Join(lines, "\n")
}

// confirmView asks before deleting a history entry.
func (m *Model) confirmView() string {
	st := &m.styles
	what := "exchange #" + formatCount(int(m.confirmID))
	if s, ok := m.hist.summary(m.confirmID); ok {
		what += " (" + formatTime(s.Time) + ", " + gateway.CallName(s.Method, s.GrantType) + ", " + string(s.Outcome) + ")"
	}
	return st.Title.Render("Delete from history?") + "\n" + safetext.Text(what) + "\n\n" +
		st.Prompt.Render("y") + " deletes it for good · " + st.Prompt.Render("n") + " keeps it"
}
