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
		return tr("EMULATOR — not Alipay")
	case gateway.EnvSandbox:
		return tr("SANDBOX")
	case gateway.EnvProduction:
		return tr("PRODUCTION")
	}
	return tr("CUSTOM GATEWAY")
}

// headerView is two lines: who the console talks to (profile,
// environment, app id), then how (protocol, signing, charset, URL).
func (m *Model) headerView() string {
	st := &m.styles
	if !m.sessionPending && m.session.Client == nil {
		return fit(st.Title.Render("aliauth"), m.width) + "\n" + fit(st.Error.Render(tr("no profile is open")), m.width)
	}
	p := m.profile()
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
	title, profile := st.Title.Render("aliauth")+" ", st.Label.Render(tr("profile")+" ")
	first := func() string {
		return title + envStyle.Render(envLabel(env)) + " " + profile + st.Bold.Render(safetext.Text(p.Name)) + sep +
			st.Label.Render(tr("app")+" ") + st.Bold.Render(safetext.Text(p.AppID))
	}
	// Narrow terminals drop the words that say least before the app id.
	if ansi.StringWidth(first()) > m.width {
		title = ""
	}
	if ansi.StringWidth(first()) > m.width {
		profile = ""
	}

	var how []string
	if p.Protocol == gateway.V3 {
		how = append(how, "v3 REST", "SHA256withRSA")
	} else {
		sign := signAlgorithm(p.SignType)
		if m.width < 100 {
			sign = string(p.SignType)
			if sign == "" {
				sign = string(gateway.RSA2)
			}
		}
		how = append(how, "v2 gateway.do", sign, charsetName(p.Charset))
	}
	if p.CertMode() {
		how = append(how, tr("certificate mode"))
	}
	where := st.Dim.Render(safetext.Text(p.URL()))
	switch {
	case m.sessionPending && p.Emulator:
		// The emulator's address is known once it listens.
		where = st.Dim.Render(tr("starting the emulator…"))
	case m.sessionPending:
		// The keys are not read yet.
	case p.AlipayPublicKey == nil:
		how = append(how, tr("NO ALIPAY KEY"))
	}
	second := st.Value.Render(strings.Join(how, " · ")) + sep + where
	right := ""
	switch {
	case m.historyPending:
		right = st.Dim.Render(" " + tr("opening history…"))
	case m.opts.History == nil:
		right = st.Warn.Render(" " + tr("history off"))
	}
	second = fit(second, m.width-ansi.StringWidth(right)) + right
	return fit(first(), m.width) + "\n" + fit(second, m.width)
}

// detailTitle heads a history entry's detail view.
func (m *Model) detailTitle() string {
	st := &m.styles
	t := m.detail.trace
	text := st.Section.Render(tr("HISTORY #%s", formatCount(int(t.ID)))) + " " +
		st.Value.Render(formatTime(t.Time)+" · "+safetext.Text(t.Profile)+" · "+word(t.CallName())) +
		st.Dim.Render(" · "+string(t.Protocol)+" · "+envLabel(t.Environment))
	return fit(text, m.width)
}
