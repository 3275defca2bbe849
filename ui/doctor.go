package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"aliauth/doctor"
	"aliauth/gateway"
	"aliauth/internal/safetext"
)

// diagnosis is the doctor's screen: the report on the active profile, and
// above it why the last auth code failed, when one did.
type diagnosis struct {
	report  *doctor.Report
	err     error
	running bool
	probed  bool
	// triage explains the shown exchange's isv.code-invalid.
	triage []doctor.Check
}

// doctorMsg is the doctor's report on a profile.
type doctorMsg struct {
	profile string
	report  *doctor.Report
	probed  bool
	err     error
}

func doctorCmd(ctx context.Context, run func(context.Context, string, bool) (*doctor.Report, error), profile string, probe bool) tea.Cmd {
	return func() tea.Msg {
		r, err := run(ctx, profile, probe)
		return doctorMsg{profile: profile, report: r, probed: probe, err: err}
	}
}

// openDoctor shows the doctor's screen and runs it on the active profile.
func (m *Model) openDoctor(probe bool) tea.Cmd {
	m.overlay = overlayDoctor
	m.overlayOffset = 0
	if m.opts.Doctor == nil {
		m.diag.err = errNoDoctor
		return nil
	}
	if m.diag.running {
		return nil
	}
	m.diag.running, m.diag.err = true, nil
	return doctorCmd(m.base, m.opts.Doctor, m.session.Client.Profile().Name, probe)
}

var errNoDoctor = errors.New("this console was started without the doctor")

func (m *Model) doctorDone(msg doctorMsg) {
	if msg.profile != m.session.Client.Profile().Name {
		return // the profile changed while the doctor ran
	}
	m.diag.running = false
	m.diag.report, m.diag.err, m.diag.probed = msg.report, msg.err, msg.probed
	switch {
	case msg.err != nil:
		m.say(statusLine{tr("doctor: %s", word(msg.err.Error())), statusError})
	case msg.report.Worst() == doctor.OK:
		m.say(statusLine{tr("doctor: %s", word(msg.report.Summary())), statusOK})
	default:
		m.say(statusLine{tr("doctor: %s", word(msg.report.Summary())), statusWarn})
	}
}

func (m *Model) doctorKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Doctor):
		m.overlay = overlayNone
	case key.Matches(msg, k.DoctorProbe):
		return m.openDoctor(true)
	case key.Matches(msg, k.Quit):
		return m.quit()
	default:
		m.scrollOverlayKey(msg, m.doctorView())
	}
	return nil
}

// scrollOverlayKey scrolls a tall overlay with the scrolling keys.
func (m *Model) scrollOverlayKey(msg tea.KeyPressMsg, content string) {
	k := m.keys
	maxOffset := max(0, strings.Count(content, "\n")+1-m.overlayRows()+1)
	switch {
	case key.Matches(msg, k.Up):
		m.overlayOffset = max(0, m.overlayOffset-1)
	case key.Matches(msg, k.Down):
		m.overlayOffset = min(maxOffset, m.overlayOffset+1)
	case key.Matches(msg, k.PageUp):
		m.overlayOffset = max(0, m.overlayOffset-m.overlayRows())
	case key.Matches(msg, k.PageDown):
		m.overlayOffset = min(maxOffset, m.overlayOffset+m.overlayRows())
	}
}

// doctorGroups name the groups of the report, as the command line does.
var doctorGroups = map[string]string{
	doctor.GroupCode:        "Your code",
	doctor.GroupKeys:        "Keys and certificates",
	doctor.GroupEnvironment: "Environment",
	doctor.GroupClock:       "Clock",
	doctor.GroupProbe:       "Live probe",
}

// doctorView is the doctor's screen: the triage of the last failed code,
// then the report.
func (m *Model) doctorView() string {
	st := &m.styles
	width := max(30, min(100, m.width-6))
	lines := []string{st.Title.Render(tr("Doctor · profile %s", safetext.Text(m.session.Client.Profile().Name)))}
	if len(m.diag.triage) > 0 {
		lines = append(lines, "", st.Section.Render(tr("Why the last auth code failed")))
		lines = append(lines, m.checkLines(m.diag.triage, width)...)
	}
	switch {
	case m.diag.running:
		lines = append(lines, "", st.Warn.Render(tr("checking the setup…")))
	case m.diag.err != nil:
		lines = append(lines, "", st.Error.Render(safetext.Text(word(m.diag.err.Error()))))
	case m.diag.report != nil:
		group := ""
		for i, c := range m.diag.report.Checks {
			if c.Group != group {
				group = c.Group
				lines = append(lines, "", st.Section.Render(word(doctorGroups[group])))
			}
			lines = append(lines, m.checkLines(m.diag.report.Checks[i:i+1], width)...)
		}
		lines = append(lines, "", st.Bold.Render(m.diag.report.Worst().Mark()+" "+word(m.diag.report.Summary())))
	}
	hint := tr("p probes the gateway (one call that must fail harmlessly) · ↑↓ scroll · esc closes")
	if m.diag.probed {
		hint = tr("probed") + " · " + hint
	}
	lines = append(lines, "", st.Dim.Render(hint))
	return strings.Join(lines, "\n")
}

// checkLines draws checks: the mark and subject, what was found, and what
// to do, in the console's language, wrapped to width. Findings may quote
// the gateway, so they are cleaned.
func (m *Model) checkLines(checks []doctor.Check, width int) []string {
	st := &m.styles
	var out []string
	for _, c := range checks {
		style := st.OK
		switch c.Status {
		case doctor.Warning:
			style = st.Warn
		case doctor.Failed:
			style = st.Error
		case doctor.Skipped:
			style = st.Dim
		}
		// The finding is wrapped with its head, so the first line fits too.
		head := c.Status.Mark() + " " + safetext.Line(word(c.Subject)) + " "
		for i, l := range wrapWords(head+safetext.Text(word(c.Finding)), width-4) {
			if i == 0 && strings.HasPrefix(l, head) {
				out = append(out, style.Render(head)+st.Value.Render(strings.TrimPrefix(l, head)))
				continue
			}
			out = append(out, "    "+st.Value.Render(l))
		}
		if c.Fix != "" {
			for _, l := range wrapWords("→ "+safetext.Text(word(c.Fix)), width-4) {
				out = append(out, "    "+st.Dim.Render(l))
			}
		}
	}
	return out
}

// diagnoseCall looks into a finished call for what the doctor can explain:
// an auth code that failed is triaged from history and from how the code
// was obtained.
func (m *Model) diagnoseCall(msg callDoneMsg) tea.Cmd {
	m.diag.triage = nil
	t := msg.trace
	if !doctor.IsCodeInvalid(t) {
		return nil
	}
	facts := doctor.CodeFacts{RedirectAppID: gateway.RedirectAppID(m.lastCode.input)}
	if m.lastCode.code == t.Request.Params["code"] {
		facts.Obtained, facts.ObtainedHow = m.lastCode.at, m.lastCode.how
	}
	store := m.opts.History
	return func() tea.Msg {
		if store != nil {
			if sums, err := store.CodeUses(context.Background(), t.Request.Params["code"]); err == nil {
				for _, s := range sums {
					facts.Uses = append(facts.Uses, doctor.CodeUse{ID: s.ID, Time: s.Time, Profile: s.Profile, AppID: s.AppID, Outcome: s.Outcome})
				}
			}
		}
		return triageMsg{trace: t, req: msg.req, checks: doctor.TriageCode(t, facts)}
	}
}

// triageMsg is why an auth code failed.
type triageMsg struct {
	trace  *gateway.Trace
	req    callRequest
	checks []doctor.Check
}

func (m *Model) triaged(msg triageMsg) {
	if m.current == nil || m.current.trace != msg.trace {
		return
	}
	m.diag.triage = msg.checks
	what := word(msg.req.kind.String())
	if msg.req.from != "" && msg.req.from != "input" {
		what += " (" + msg.req.from + ")"
	}
	// The status names the cause that holds; the doctor's screen has them all.
	for _, c := range msg.checks {
		if c.Status == doctor.Failed {
			m.say(statusLine{"✗ " + what + ": isv.code-invalid, " + word(c.Finding) + " · " + tr("D shows why"), statusError})
			return
		}
	}
}

// codeNote remembers how the last auth code came to the input, for the
// triage of its failure: when it was minted or pasted, and the text it came
// in (a redirect URL names its app).
type codeNote struct {
	code, how, input string
	at               time.Time
}

// noteCode remembers a code the input received, and how.
func (m *Model) noteCode(code, how, input string) {
	m.lastCode = codeNote{code: code, how: how, input: input, at: m.now()}
}

// noteSubmit keeps what was submitted with the code it holds: a code typed
// rather than minted or pasted has no known age.
func (m *Model) noteSubmit(input, code string) {
	if m.lastCode.code != code {
		m.lastCode = codeNote{code: code}
	}
	if m.lastCode.input == "" {
		m.lastCode.input = input
	}
}
