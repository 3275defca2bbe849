package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"aliauth/gateway"
	"aliauth/internal/safetext"
)

// envLabel names an environment so the emulator is never mistaken for
// Alipay, nor production for a playground.
func envLabel(env string) string {
	switch env {
	case gateway.EnvEmulator:
		return "EMULATOR — not Alipay"
	case gateway.EnvSandbox:
		return "SANDBOX"
	case gateway.EnvProduction:
		return "PRODUCTION"
	}
	return "CUSTOM GATEWAY"
}

// headerView is two lines: who the console talks to (profile,
// environment, app id), then how (protocol, signing, charset, URL).
func (m *Model) headerView() string {
	st := &m.styles
	if m.session.Client == nil {
		return fit(st.Title.Render("aliauth"), m.width) + "\n" + fit(st.Error.Render("no profile is open"), m.width)
	}
	p := m.session.Client.Profile()
	env := p.Environment()
	envStyle := st.EnvCustom
	switch env {
	case gateway.EnvEmulator:
		envStyle = st.EnvEmulator
	case gateway.EnvSandbox:
		envStyle = st.EnvSandbox
	case gateway.EnvProduction:
		envStyle = st.EnvProduction
	}
	sep := st.Dim.Render(" · ")
	first := st.Title.Render("aliauth") + " " + envStyle.Render(envLabel(env)) + " " +
		st.Label.Render("profile ") + st.Bold.Render(safetext.Text(p.Name)) + sep +
		st.Label.Render("app ") + st.Bold.Render(safetext.Text(p.AppID))

	var how []string
	if p.Protocol == gateway.V3 {
		how = append(how, "v3 REST", "SHA256withRSA")
	} else {
		how = append(how, "v2 gateway.do", signAlgorithm(p.SignType), charsetName(p.Charset))
	}
	if p.CertMode() {
		how = append(how, "certificate mode")
	}
	if p.AlipayPublicKey == nil {
		how = append(how, "NO ALIPAY KEY")
	}
	second := st.Value.Render(strings.Join(how, " · ")) + sep + st.Dim.Render(safetext.Text(p.URL()))
	right := ""
	if m.opts.History == nil {
		right = st.Warn.Render(" history off")
	}
	second = fit(second, m.width-ansi.StringWidth(right)) + right
	return fit(first, m.width) + "\n" + fit(second, m.width)
}

// detailTitle heads a history entry's detail view.
func (m *Model) detailTitle() string {
	st := &m.styles
	t := m.detail.trace
	text := st.Section.Render("HISTORY #"+formatCount(int(t.ID))) + " " +
		st.Value.Render(formatTime(t.Time)+" · "+safetext.Text(t.Profile)+" · "+t.CallName()) +
		st.Dim.Render(" · "+string(t.Protocol)+" · "+envLabel(t.Environment))
	return fit(text, m.width)
}
