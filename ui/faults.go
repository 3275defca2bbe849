package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// FaultInjector arms the emulator's faults, so every failure can be
// demonstrated from the console.
type FaultInjector interface {
	// ArmByName makes the next count gateway answers misbehave as kind
	// says, with value (a duration for delay, an HTTP status for status and
	// html; empty for the others).
	ArmByName(kind, value string, count int) error
	// Disarm drops every armed fault.
	Disarm()
}

// faultChoice is one line of the fault menu: a kind the emulator knows,
// what it does, and the values to pick from.
type faultChoice struct {
	kind   string
	key    string
	does   string
	values []string
}

// faultChoices are the emulator's faults (POST /emulator/fault takes the
// same kinds and values).
var faultChoices = []faultChoice{
	{"delay", "d", "answers late: the spinner, cancelling, timeouts", []string{"2s", "5s", "10s", "30s", "1s"}},
	{"status", "s", "answers an HTTP error with a short text body", []string{"502", "503", "504", "500"}},
	{"html", "h", "answers an HTML error page, as a proxy does", []string{"502", "503", "504"}},
	{"truncate", "t", "cuts the answer in half", nil},
	{"bad-sign", "b", "sends a signature that does not match", nil},
	{"no-sign", "n", "leaves the signature out", nil},
	{"reset", "r", "resets the connection without answering", nil},
	{"escaped-slash", "e", `signs with / but sends \/ (the Java SDK's retry)`, nil},
}

// faultMenu is the fault menu's state: the cursor, each kind's value and
// the count of answers to affect.
type faultMenu struct {
	cursor int
	values []int
	count  int
}

func (m *Model) openFaults() {
	if m.session.Faults == nil {
		p := m.session.Client.Profile()
		m.fail(tr("faults are the emulator's: profile %s talks to %s", p.Name, envLabel(p.Environment())))
		return
	}
	if m.faults.values == nil {
		m.faults = faultMenu{values: make([]int, len(faultChoices)), count: 1}
	}
	m.overlay = overlayFaults
}

// faultRows are the menu's choices, then the line that disarms.
func faultRows() int { return len(faultChoices) + 1 }

func (m *Model) faultsKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	f := &m.faults
	switch {
	case key.Matches(msg, k.ListUp):
		f.cursor = max(0, f.cursor-1)
	case key.Matches(msg, k.ListDown):
		f.cursor = min(faultRows()-1, f.cursor+1)
	case msg.String() == "left", msg.String() == "right":
		if f.cursor < len(faultChoices) {
			if n := len(faultChoices[f.cursor].values); n > 0 {
				step := 1
				if msg.String() == "left" {
					step = n - 1
				}
				f.values[f.cursor] = (f.values[f.cursor] + step) % n
			}
		}
	case msg.String() == "+", msg.String() == "=":
		f.count = min(99, f.count+1)
	case msg.String() == "-":
		f.count = max(1, f.count-1)
	case key.Matches(msg, k.Open):
		return m.armFault(f.cursor)
	case key.Matches(msg, k.Back), key.Matches(msg, k.Faults):
		m.overlay = overlayNone
	default:
		for i, c := range faultChoices {
			if msg.Text == c.key {
				f.cursor = i
				return m.armFault(i)
			}
		}
		if msg.Text == "x" {
			return m.armFault(len(faultChoices))
		}
	}
	return nil
}

// armFault arms the fault on menu row i (the last row disarms them all).
func (m *Model) armFault(i int) tea.Cmd {
	m.overlay = overlayNone
	if i >= len(faultChoices) {
		m.session.Faults.Disarm()
		m.say(statusLine{tr("every armed fault is disarmed: the emulator answers normally"), statusOK})
		return nil
	}
	c := faultChoices[i]
	value := ""
	if len(c.values) > 0 {
		value = c.values[m.faults.values[i]]
	}
	if err := m.session.Faults.ArmByName(c.kind, value, m.faults.count); err != nil {
		return m.fail(tr("arm fault %s: %s", c.kind, word(err.Error())))
	}
	what := strings.TrimSpace(c.kind + " " + value)
	m.say(statusLine{tr("armed: %s for the next %s · enter sends a call · f x disarms", what, plural(m.faults.count, "answer", "answers")), statusWarn})
	return nil
}

// faultsView is the fault menu.
func (m *Model) faultsView(width int) popup {
	st := &m.styles
	f := &m.faults
	lines := []string{st.Title.Render(tr("Emulator faults")) + st.Dim.Render(" · "+tr("for the next %s", plural(f.count, "answer", "answers"))+" (+ −)")}
	items := []int{-1}
	keep := -1
	kindW, valueW := 0, 0
	for _, c := range faultChoices {
		kindW = max(kindW, len(c.kind))
		for _, v := range c.values {
			valueW = max(valueW, ansi.StringWidth("‹"+v+"›"))
		}
	}
	for i := range faultRows() {
		var line string
		if i < len(faultChoices) {
			c := faultChoices[i]
			value := ""
			if len(c.values) > 0 {
				value = "‹" + c.values[f.values[i]] + "›"
			}
			value += strings.Repeat(" ", valueW-ansi.StringWidth(value))
			head := c.key + "  " + c.kind + strings.Repeat(" ", kindW-len(c.kind)) + "  " + value
			line = st.Prompt.Render(c.key) + "  " + st.Value.Render(c.kind+strings.Repeat(" ", kindW-len(c.kind))) + "  " + st.Bold.Render(value)
			if rest := width - ansi.StringWidth(head) - 2; rest >= 12 {
				line += "  " + st.Dim.Render(ansi.Truncate(word(c.does), rest, "…"))
			}
		} else {
			line = st.Prompt.Render("x") + "  " + st.Value.Render(tr("disarm every armed fault"))
		}
		if i == f.cursor {
			line = st.RowSelected.Render(fit(ansi.Strip(line), width))
			keep = len(lines)
		}
		lines = append(lines, line)
		items = append(items, i)
	}
	lines = append(lines, "")
	for _, l := range wrapWords(tr("enter or the key arms it · ←→ change the value · + − the count · esc closes"), width) {
		lines = append(lines, st.Dim.Render(l))
	}
	return popup{lines: lines, keep: keep, items: items}
}
