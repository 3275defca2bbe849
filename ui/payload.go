package ui

import (
	"context"
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"aliauth/gateway"
	"aliauth/internal/safetext"
)

// The mini program payload screen: paste what my.getPhoneNumber or
// my.getOpenUserInfo gave the mini program and read it verified, decrypted
// and explained. The AES key comes from the profile, or is typed here and
// kept in memory only; it is never shown.

// payloadState is the payload screen.
type payloadState struct {
	// raw is the payload exactly as pasted: whitespace can matter to a
	// signature.
	raw string
	// source says where raw came from: pasted, or the emulator's case.
	source string
	aesKey gateway.AESKey
	// aesFrom says where the key came from; aesErr why there is none.
	aesFrom string
	aesErr  error
	// keyInput takes a typed key while editing is on.
	keyInput textinput.Model
	editing  bool
	// phoneCase is the next case the emulator issues (ctrl+n cycles).
	phoneCase int
	infoCase  int
	// The opened payload: a phone result or the user info, with the error.
	phone  *gateway.PhoneResult
	info   *gateway.OpenUserInfo
	err    error
	offset int
}

// phoneCases are the emulator's my.getPhoneNumber situations, in the order
// ctrl+n walks them.
var phoneCases = []string{"ok", "no-auth", "unquoted", "unsigned", "no-encryption", "no-permission", "busy"}

// userInfoCases are the emulator's my.getOpenUserInfo situations.
var userInfoCases = []string{"ok", "no-auth", "no-permission"}

// openPayload shows the payload screen and loads the profile's AES key.
func (m *Model) openPayload() tea.Cmd {
	m.login.panel = loginPayload
	if m.login.payload != nil {
		return nil
	}
	in := textinput.New()
	in.Prompt = tr("AES key") + " › "
	in.EchoMode = textinput.EchoPassword
	in.CharLimit = 128
	in.SetStyles(m.styles.Input)
	m.login.payload = &payloadState{keyInput: in}
	if load := m.session.Login.AESKey; load != nil {
		return loadAESKeyCmd(load)
	}
	m.login.payload.aesErr = errors.New(tr("no AES key is configured (aes_key in the profile): k types one, kept in memory only"))
	return nil
}

// aesKeyMsg is the profile's AES key, loaded.
type aesKeyMsg struct {
	key gateway.AESKey
	err error
}

func (aesKeyMsg) forLogin() {}

func loadAESKeyCmd(load func() (gateway.AESKey, error)) tea.Cmd {
	return func() tea.Msg {
		k, err := load()
		return aesKeyMsg{key: k, err: err}
	}
}

func (m *Model) aesKeyLoaded(msg aesKeyMsg) {
	p := m.login.payload
	if p == nil || !p.aesKey.IsZero() {
		return
	}
	p.aesKey, p.aesErr = msg.key, msg.err
	if msg.err == nil {
		p.aesFrom = tr("the profile's")
		if m.session.Client.Profile().Emulator {
			p.aesFrom = tr("the emulator's")
		}
	}
}

// payloadMsg is a payload the emulator issued.
type payloadMsg struct {
	source string
	data   []byte
	err    error
}

func (payloadMsg) forLogin() {}

func mintPayloadCmd(ctx context.Context, source string, mint func(context.Context, string) ([]byte, error), c string) tea.Cmd {
	return func() tea.Msg {
		data, err := mint(ctx, c)
		return payloadMsg{source: source + " " + c, data: data, err: err}
	}
}

func (m *Model) payloadMinted(msg payloadMsg) tea.Cmd {
	if msg.err != nil {
		return m.fail(msg.source + ": " + word(msg.err.Error()))
	}
	return m.setPayload(string(msg.data), msg.source)
}

// payloadOpenedMsg is a payload read, verified and decrypted.
type payloadOpenedMsg struct {
	raw   string
	phone *gateway.PhoneResult
	info  *gateway.OpenUserInfo
	err   error
}

func (payloadOpenedMsg) forLogin() {}

// openPayloadCmd reads a payload: my.getPhoneNumber's when it is encrypted
// or speaks of a mobile number or of the missing encryption key, else
// my.getOpenUserInfo's.
func openPayloadCmd(raw string, keys gateway.MiniKeys) tea.Cmd {
	return func() tea.Msg {
		msg := payloadOpenedMsg{raw: raw}
		p, err := gateway.ParseMiniPayload([]byte(raw))
		if err != nil {
			msg.err = err
			return msg
		}
		if p.Encrypted || strings.Contains(p.Response, `"mobile"`) || strings.Contains(p.Response, "isv.missing-encrypt-key") {
			msg.phone, msg.err = gateway.OpenPhone([]byte(raw), keys)
			return msg
		}
		msg.info, msg.err = gateway.ParseOpenUserInfo([]byte(raw))
		return msg
	}
}

func (m *Model) payloadOpened(msg payloadOpenedMsg) {
	p := m.login.payload
	if p == nil || p.raw != msg.raw {
		return
	}
	p.phone, p.info, p.err, p.offset = msg.phone, msg.info, msg.err, 0
}

// payloadPaste takes pasted text: an AES key while one is being typed,
// else the payload, opened at once.
func (m *Model) payloadPaste(content string) tea.Cmd {
	p := m.login.payload
	if p.editing {
		p.keyInput.SetValue(strings.TrimSpace(content))
		return nil
	}
	return m.setPayload(content, "pasted")
}

func (m *Model) setPayload(raw, source string) tea.Cmd {
	p := m.login.payload
	p.raw, p.source = raw, source
	p.phone, p.info, p.err = nil, nil, nil
	return m.openCurrentPayload()
}

func (m *Model) openCurrentPayload() tea.Cmd {
	p := m.login.payload
	if strings.TrimSpace(p.raw) == "" {
		return m.fail(tr("paste res.response from my.getPhoneNumber or my.getOpenUserInfo first"))
	}
	prof := m.session.Client.Profile()
	return openPayloadCmd(p.raw, gateway.MiniKeys{AlipayPublicKey: prof.AlipayPublicKey, AlipayKeySource: prof.AlipayKeySource, AESKey: p.aesKey})
}

func (m *Model) payloadKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	p := m.login.payload
	if p.editing {
		switch {
		case key.Matches(msg, k.Back):
			p.editing = false
			p.keyInput.SetValue("")
			p.keyInput.Blur()
		case key.Matches(msg, k.Exchange):
			typed, err := gateway.ParseAESKey(p.keyInput.Value())
			p.keyInput.SetValue("")
			if err != nil {
				return m.fail(tr("AES key") + ": " + word(err.Error()))
			}
			p.editing = false
			p.keyInput.Blur()
			p.aesKey, p.aesFrom, p.aesErr = typed, tr("typed here (kept in memory only)"), nil
			m.loginSay(tr("AES key %s set for this session; it is never stored", typed.Fingerprint()), statusOK)
			if p.raw != "" {
				return m.openCurrentPayload()
			}
		default:
			var cmd tea.Cmd
			p.keyInput, cmd = p.keyInput.Update(msg)
			return cmd
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Payloads):
		m.login.panel = loginNone
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Exchange):
		return m.openCurrentPayload()
	case key.Matches(msg, k.PayloadKey):
		p.editing = true
		return p.keyInput.Focus()
	case key.Matches(msg, k.PayloadPhone):
		mint := m.session.Login.PhonePayload
		if mint == nil {
			return m.fail(tr("only the emulator issues payloads: paste res.response from my.getPhoneNumber"))
		}
		c := phoneCases[p.phoneCase%len(phoneCases)]
		p.phoneCase++
		return mintPayloadCmd(m.base, "the emulator's my.getPhoneNumber", mint, c)
	case key.Matches(msg, k.PayloadUserInfo):
		mint := m.session.Login.OpenUserInfoPayload
		if mint == nil {
			return m.fail(tr("only the emulator issues payloads: paste res.response from my.getOpenUserInfo"))
		}
		c := userInfoCases[p.infoCase%len(userInfoCases)]
		p.infoCase++
		return mintPayloadCmd(m.base, "the emulator's my.getOpenUserInfo", mint, c)
	case key.Matches(msg, k.Up):
		p.offset = max(0, p.offset-1)
	case key.Matches(msg, k.Down):
		p.offset++
	case key.Matches(msg, k.PageUp):
		p.offset = max(0, p.offset-10)
	case key.Matches(msg, k.PageDown):
		p.offset += 10
	}
	return nil
}

// payloadView is the payload screen: what was pasted, the AES key (by
// fingerprint), and the payload read: the verdict, the phone number or the
// user's fields, what an error code means, and how it was checked.
func (m *Model) payloadView(width, height int) []string {
	st := &m.styles
	p := m.login.payload
	top := []string{m.panelTitle(tr("Mini program payloads · my.getPhoneNumber, my.getOpenUserInfo"))}
	if p == nil {
		return panelLines(top, nil, nil, height)
	}
	pasted := st.Dim.Render(tr("paste res.response here (the whole res or its JSON string)"))
	if p.raw != "" {
		source := " (" + p.source + ")"
		pasted = st.Value.Render(fit(strings.Join(strings.Fields(safetext.Text(p.raw)), " "), max(10, width-15-len([]rune(source))))) + st.Dim.Render(source)
	}
	top = append(top, st.Label.Render(fit(tr("payload"), 15))+pasted)
	switch {
	case p.editing:
		top = append(top, p.keyInput.View())
	case !p.aesKey.IsZero():
		top = append(top, m.labelled(width, tr("AES key"), p.aesKey.Fingerprint()+" · "+tr("%s; the key itself is never shown", p.aesFrom), st.Value)...)
	case p.aesErr != nil:
		top = append(top, m.labelled(width, tr("AES key"), word(p.aesErr.Error()), st.Warn)...)
	}
	top = append(top, st.Separator.Render(strings.Repeat("─", width)))

	k := m.keys
	hints := []key.Binding{withDesc(k.Exchange, "read"), k.PayloadKey}
	if m.session.Login.PhonePayload != nil {
		hints = append(hints, k.PayloadPhone, k.PayloadUserInfo)
	}
	hints = append(hints, withDesc(k.Back, "close"))
	if p.editing {
		hints = []key.Binding{withDesc(k.Exchange, "set the key"), withDesc(k.Back, "cancel")}
	}
	bottom := []string{m.hintLine(hints...)}

	body := m.payloadResult(width)
	room := max(1, height-len(top)-len(bottom))
	p.offset = min(p.offset, max(0, len(body)-room))
	body = body[p.offset:]
	if len(body) > room {
		body = append(body[:room-1], st.Dim.Render(tr("↓ more")))
	}
	return panelLines(top, body, bottom, height)
}

// payloadResult is the payload read, as lines.
func (m *Model) payloadResult(width int) []string {
	st := &m.styles
	p := m.login.payload
	var out []string
	add := func(label, value string, style lipgloss.Style) {
		out = append(out, m.labelled(width, label, value, style)...)
	}
	badge := func(ok bool, text string) {
		style := st.BadgeFail
		if ok {
			style = st.BadgeOK
		}
		out = append(out, style.Render(text))
	}
	switch {
	case p.phone != nil:
		r := p.phone
		v := r.Verification
		var verr *gateway.VerificationError
		var apiErr *gateway.APIError
		switch {
		case p.err == nil:
			badge(true, "✓ "+tr("PHONE NUMBER DECRYPTED")+" · "+strings.ToUpper(word(v.Status.Verdict())))
		case errors.As(p.err, &verr):
			badge(false, "✗ "+tr("UNTRUSTED")+" · "+strings.ToUpper(word(v.Status.Verdict())))
		case errors.As(p.err, &apiErr):
			badge(false, "✗ "+tr("my.getPhoneNumber ANSWERED AN ERROR")+" · "+strings.ToUpper(word(v.Status.Verdict())))
		default:
			badge(false, "✗ "+tr("NOT DECRYPTED")+" · "+strings.ToUpper(word(v.Status.Verdict())))
		}
		if r.Mobile != "" {
			style, note := st.OK, ""
			if p.err != nil {
				style, note = st.Error, "   "+tr("(decrypted, but do NOT use it: the payload is untrusted)")
			}
			add("mobile", r.Mobile+note, style)
		}
		if r.Error != nil {
			m.miniError(&out, width, r.Error)
		}
		if p.err != nil && verr == nil && apiErr == nil {
			add(tr("problem"), word(p.err.Error()), st.Error)
		}
		for _, w := range r.Warnings {
			add("!", word(w), st.Warn)
		}
		out = append(out, "")
		add(tr("signature"), word(string(v.Status))+": "+word(v.Detail), st.Value)
		if v.Key != "" {
			add(tr("key"), v.Key, st.Dim)
		}
		if r.Plaintext != "" {
			add(tr("content"), r.Plaintext, st.Dim)
		}
	case p.info != nil:
		u := p.info
		badge(u.Error == nil, map[bool]string{true: "✓ " + tr("my.getOpenUserInfo ANSWERED · UNSIGNED, AS IT ALWAYS IS"), false: "✗ " + tr("my.getOpenUserInfo ANSWERED AN ERROR")}[u.Error == nil])
		for _, f := range [][2]string{{"nickName", u.NickName}, {"avatar", u.Avatar}, {"gender", u.Gender}, {"province", u.Province}, {"city", u.City}} {
			if f[1] != "" {
				add(f[0], f[1], st.Value)
			}
		}
		if u.Error != nil {
			m.miniError(&out, width, u.Error)
		}
		for _, n := range u.Notes {
			add("!", word(n), st.Warn)
		}
	case p.err != nil:
		badge(false, "✗ "+tr("NOT A MINI PROGRAM PAYLOAD"))
		add(tr("problem"), word(p.err.Error()), st.Error)
	case p.raw == "":
		for _, l := range wrapWords(tr("Paste what the mini program received in res.response from my.getPhoneNumber (encrypted, signed) or my.getOpenUserInfo: the whole res, or its JSON string. The phone number is verified with the Alipay public key and decrypted with the AES key."), width) {
			out = append(out, st.Value.Render(l))
		}
	}
	return out
}

// miniError explains a mini program API's error code.
func (m *Model) miniError(out *[]string, width int, e *gateway.APIError) {
	st := &m.styles
	code := e.Code
	if e.SubCode != "" {
		code += " " + e.SubCode
	}
	*out = append(*out, m.labelled(width, "code", code, st.Error)...)
	says := e.SubMsg
	if says == "" {
		says = e.Msg
	}
	*out = append(*out, m.labelled(width, tr("Alipay says"), says, st.Value)...)
	if meaning, hint := explanation(e); meaning != "" {
		*out = append(*out, m.labelled(width, tr("what it means"), meaning, st.Value)...)
		*out = append(*out, m.labelled(width, tr("what to do"), hint, st.Value)...)
	}
}
