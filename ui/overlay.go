package ui

import (
	"strings"

	"aliauth/gateway"
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
	src, fallback := m.copySource(), m.copyFallback()
	for i, it := range items {
		item, err := buildCopy(it.kind, src, fallback, m.reveal)
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
			shown = maskSecrets(src, shown)
		}
		shown = strings.Join(strings.Fields(clean(shown)), " ")
		if len([]rune(shown)) > preview {
			shown = string([]rune(shown)[:preview-1]) + "…"
		}
		lines = append(lines, st.Prompt.Render(it.key)+"  "+st.Value.Render(name)+"  "+st.Dim.Render(shown))
	}
	lines = append(lines, "", st.Dim.Render("Copies the real value even when masked on screen · esc closes"))
	return strings.Join(lines, "\n")
}

// profilesView is the profile picker.
func (m *Model) profilesView() string {
	st := &m.styles
	lines := []string{st.Title.Render("Profiles")}
	active := m.session.Client.Profile().Name
	for i, name := range m.opts.Profiles {
		mark := "  "
		if name == active {
			mark = "● "
		}
		line := mark + clean(name)
		if i == m.profileCursor {
			line = st.RowSelected.Render(line)
		}
		lines = append(lines, line)
	}
	if len(m.opts.Profiles) <= 1 {
		lines = append(lines, "", st.Dim.Render("Only one profile: add more to the config file (aliauth profiles init)."))
	}
	lines = append(lines, "", st.Dim.Render("enter switches without restarting · esc closes"))
	return strings.Join(lines, "\n")
}

// confirmView asks before deleting a history entry.
func (m *Model) confirmView() string {
	st := &m.styles
	what := "exchange #" + formatCount(int(m.confirmID))
	if s, ok := m.hist.summary(m.confirmID); ok {
		what += " (" + formatTime(s.Time) + ", " + callName(s.Method, s.GrantType) + ", " + string(s.Outcome) + ")"
	}
	return st.Title.Render("Delete from history?") + "\n" + clean(what) + "\n\n" +
		st.Prompt.Render("y") + " deletes it for good · " + st.Prompt.Render("n") + " keeps it"
}
