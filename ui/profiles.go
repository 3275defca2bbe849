package ui

import (
	"slices"

	"github.com/charmbracelet/x/ansi"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"aliauth/gateway"
	"aliauth/internal/safetext"
)

// ProfileCheck is what a profile is and whether it can be opened, found
// without opening it.
type ProfileCheck struct {
	// About describes the profile: protocol, environment, app id, URL.
	About string
	// Problem says why the profile cannot be opened; empty when it can.
	Problem string
	// Warnings are what must be said about a profile that opens.
	Warnings []string
}

// profileNames are the profiles the picker offers: Options.Profiles, and
// the active one first when it is not among them (the built-in emulator).
func (m *Model) profileNames() []string {
	active := m.session.Client.Profile().Name
	if slices.Contains(m.opts.Profiles, active) {
		return m.opts.Profiles
	}
	return append([]string{active}, m.opts.Profiles...)
}

// openProfiles shows the profile picker, on the active profile, and checks
// every profile in the background so the broken ones are marked.
func (m *Model) openProfiles() tea.Cmd {
	names := m.profileNames()
	m.profileCursor = max(0, slices.Index(names, m.session.Client.Profile().Name))
	m.overlay = overlayProfiles
	if m.opts.Check == nil {
		return nil
	}
	return checkProfilesCmd(m.opts.Check, names)
}

func (m *Model) profilesKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		m.profileCursor = max(0, m.profileCursor-1)
	case key.Matches(msg, k.Down):
		m.profileCursor = min(len(m.profileNames())-1, m.profileCursor+1)
	case key.Matches(msg, k.Back), key.Matches(msg, k.Profiles):
		m.overlay = overlayNone
	case key.Matches(msg, k.Open):
		return m.switchProfile(m.profileNames()[m.profileCursor])
	}
	return nil
}

// switchProfile opens the named profile in place of the active one.
func (m *Model) switchProfile(name string) tea.Cmd {
	m.overlay = overlayNone
	if name == m.session.Client.Profile().Name {
		return nil
	}
	if m.call != nil {
		return m.fail(tr("a call is under way; cancel it (esc) before switching profiles"))
	}
	m.say(statusLine{tr("opening profile %s…", name), statusInfo})
	return openProfileCmd(m.opts.Open, name)
}

// profileChecked keeps what the background checks found.
func (m *Model) profileChecked(msg profileChecksMsg) {
	m.profileChecks = msg.checks
}

// profileOpened switches to another profile. Tokens of the old one belong
// to another app, so they are dropped with the trace that showed them.
func (m *Model) profileOpened(msg profileOpenedMsg) {
	if msg.err != nil {
		m.say(statusLine{tr("profile %s: %s", msg.name, word(msg.err.Error())), statusError})
		return
	}
	m.session = msg.session
	m.tokens = nil
	m.tokensScope = ""
	m.current = nil
	m.autoRefresh, m.diag = msg.session.AutoRefresh, diagnosis{}
	m.input.SetValue("")
	m.grant = gateway.GrantAuthorizationCode
	m.setInputPlaceholder()
	m.screen = screenMain
	p := msg.session.Client.Profile()
	m.say(statusLine{tr("switched to profile %s (%s, app %s)", p.Name, envLabel(p.Environment()), p.AppID), statusOK})
}

// profilesView is the profile picker: each profile with what it is, or
// why it cannot be opened.
func (m *Model) profilesView(width int) popup {
	st := &m.styles
	lines := []string{st.Title.Render(tr("Profiles"))}
	items := []int{-1}
	active := m.session.Client.Profile().Name
	names := m.profileNames()
	keep := -1
	heads := make([]string, len(names))
	rowWidth := 0
	for i, name := range names {
		mark := "  "
		if name == active {
			mark = "● "
		}
		heads[i] = mark + safetext.Text(name)
		check, checked := m.profileChecks[name]
		switch {
		case checked && check.Problem != "":
			heads[i] += "  ✗ " + tr("cannot be opened")
		case checked && len(check.Warnings) > 0:
			heads[i] += "  ! " + plural(len(check.Warnings), "warning", "warnings")
		}
		rowWidth = max(rowWidth, min(width, ansi.StringWidth(heads[i])))
	}
	for i, name := range names {
		check, checked := m.profileChecks[name]
		line := heads[i]
		if i == m.profileCursor {
			line = st.RowSelected.Render(fit(line, rowWidth))
			keep = len(lines)
		} else if checked && check.Problem != "" {
			line = st.Error.Render(line)
		}
		lines = append(lines, line)
		items = append(items, i)
		var about []string
		if checked {
			about = append(about, word(check.About))
			if check.Problem != "" {
				about = append(about, "✗ "+word(check.Problem))
			}
			for _, w := range check.Warnings {
				about = append(about, "! "+word(w))
			}
		}
		for _, a := range about {
			for _, l := range wrapWords(a, width-4) {
				lines = append(lines, "    "+st.Dim.Render(l))
				items = append(items, i)
			}
		}
	}
	var notes []string
	if len(names) <= 1 {
		notes = append(notes, tr("Only one profile: add more to the config file (aliauth profiles init)."))
	}
	notes = append(notes, tr("enter switches without restarting · esc closes"))
	for _, n := range notes {
		lines = append(lines, "")
		for _, l := range wrapWords(n, width) {
			lines = append(lines, st.Dim.Render(l))
		}
	}
	return popup{lines: lines, keep: keep, items: items}
}
