package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"aliauth/gateway"
)

// copyKind is one of the things the copy menu offers.
type copyKind int

const (
	copyAccess copyKind = iota
	copyRefresh
	copyUserID
	copyOpenID
	copyUnionID
	copyStringToSign
	copyResponse
	copyCurl
	copyJSON
	// copyCode is the call as SDK code; copyCode+i is sdkLangs[i].
	copyCode
)

// codeLang is the language a copy kind writes the call in, if it is one.
func (k copyKind) codeLang() (sdkLang, bool) {
	if i := int(k - copyCode); i >= 0 && i < len(sdkLangs) {
		return sdkLangs[i], true
	}
	return "", false
}

// copyItem is text ready for the clipboard and how to describe it.
type copyItem struct {
	text string
	what string
	// masked says the value is masked on screen, so the status line can say
	// the real value was copied.
	masked bool
	// encode makes the text when making it costs more than a frame (a
	// large trace as JSON); copyCmd runs it, off the UI's loop.
	encode func() (string, error)
}

// buildCopy picks the text to copy from a trace whose tokens are secrets.
// fallback supplies the
// session's latest tokens when the trace itself carries none (a user info
// call has no refresh token). Tokens, ids, strings to sign, bodies and curl
// commands are copied as they are; the trace as JSON follows the reveal
// switch, as --json follows --reveal.
func buildCopy(kind copyKind, t *gateway.Trace, secrets []string, fallback *gateway.Tokens, reveal bool) (copyItem, error) {
	if t == nil && kind != copyAccess && kind != copyRefresh && kind != copyUserID && kind != copyOpenID && kind != copyUnionID {
		return copyItem{}, errors.New(tr("nothing to copy yet: exchange a code first"))
	}
	secret := func(what, value string) (copyItem, error) {
		switch {
		case value == "":
			return copyItem{}, errors.New(tr("there is no %s to copy yet", word(what)))
		case strings.HasPrefix(value, "sha256:"):
			return copyItem{}, errors.New(tr("history kept only a fingerprint of this %s (secrets are not stored), so it cannot be copied", word(what)))
		}
		return copyItem{text: value, what: word(what), masked: !reveal}, nil
	}
	var tokens *gateway.Tokens
	if t != nil {
		tokens = t.Tokens
	}
	switch kind {
	case copyAccess:
		switch {
		case tokens != nil && tokens.AccessToken != "":
			return secret("access token", tokens.AccessToken)
		case t != nil && t.Request.Params["auth_token"] != "":
			return secret("access token", t.Request.Params["auth_token"])
		case fallback != nil:
			return secret("access token", fallback.AccessToken)
		}
		return secret("access token", "")
	case copyRefresh:
		switch {
		case tokens != nil && tokens.RefreshToken != "":
			return secret("refresh token", tokens.RefreshToken)
		case fallback != nil:
			return secret("refresh token", fallback.RefreshToken)
		}
		return secret("refresh token", "")
	case copyUserID, copyOpenID, copyUnionID:
		ids := identifiers(t, fallback)
		name := map[copyKind]string{copyUserID: "user_id", copyOpenID: "open_id", copyUnionID: "union_id"}[kind]
		if ids[name] == "" {
			return copyItem{}, errors.New(tr("there is no %s to copy", name))
		}
		return copyItem{text: ids[name], what: name}, nil
	case copyStringToSign:
		if t.Request.StringToSign == "" {
			return copyItem{}, errors.New(tr("this call has no string to sign"))
		}
		return copyItem{text: t.Request.StringToSign, what: tr("string to sign"), masked: !reveal && hasSecret(secrets, t.Request.StringToSign)}, nil
	case copyResponse:
		if t.Response == nil {
			return copyItem{}, errors.New(tr("this call got no response to copy"))
		}
		return copyItem{text: t.Response.BodyText(), what: tr("raw response body"), masked: !reveal && hasSecret(secrets, string(t.Response.Body))}, nil
	case copyCurl:
		return copyItem{text: curlCommand(t), what: tr("request as curl"), masked: !reveal && len(secrets) > 0}, nil
	case copyCode, copyCode + 1, copyCode + 2, copyCode + 3, copyCode + 4:
		lang, _ := kind.codeLang()
		code, err := sdkCode(lang, t, reveal)
		if err != nil {
			return copyItem{}, err
		}
		return copyItem{text: code, what: tr("the call as %s code", string(lang))}, nil
	case copyJSON:
		what := tr("trace as JSON (secrets masked; v reveals)")
		if reveal {
			what = tr("trace as JSON, secrets included")
		}
		return copyItem{what: what, encode: func() (string, error) {
			shown := t
			if !reveal {
				shown = t.Redact(gateway.Mask)
			}
			js, err := json.Marshal(shown)
			if err != nil {
				return "", fmt.Errorf("%s: %w", tr("encode the trace as JSON"), err)
			}
			return string(js), nil
		}}, nil
	}
	return copyItem{}, fmt.Errorf("unknown copy target %d", kind)
}

// identifiers are the user's ids a trace carries: from its tokens, then
// its result (user info answers them too), then the session's latest
// tokens; each kept from the first that has it.
func identifiers(t *gateway.Trace, fallback *gateway.Tokens) map[string]string {
	ids := map[string]string{}
	add := func(userID, openID, unionID string) {
		for name, v := range map[string]string{"user_id": userID, "open_id": openID, "union_id": unionID} {
			if ids[name] == "" && v != "" && !gateway.IsFingerprint(v) {
				ids[name] = v
			}
		}
	}
	if t != nil {
		if tk := t.Tokens; tk != nil {
			add(tk.UserID, tk.OpenID, tk.UnionID)
		}
		var r struct {
			UserID  string `json:"user_id"`
			OpenID  string `json:"open_id"`
			UnionID string `json:"union_id"`
		}
		_ = json.Unmarshal(t.Result, &r) // a result without ids leaves them empty
		add(r.UserID, r.OpenID, r.UnionID)
	}
	if tk := fallback; tk != nil {
		add(tk.UserID, tk.OpenID, tk.UnionID)
	}
	return ids
}

func hasSecret(secrets []string, s string) bool {
	for _, secret := range secrets {
		if strings.Contains(s, secret) {
			return true
		}
	}
	return false
}

// curlCommand is the request as it was sent, as a curl command line: the URL
// with its query, the headers that were set and the body, each quoted for a
// POSIX shell.
func curlCommand(t *gateway.Trace) string {
	method := t.Request.HTTPMethod
	if method == "" {
		method = "POST"
	}
	var b strings.Builder
	b.WriteString("curl -X " + method + " " + shellQuote(t.Request.URL))
	names := make([]string, 0, len(t.Request.Headers))
	for name := range t.Request.Headers {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		b.WriteString(" \\\n  -H " + shellQuote(name+": "+t.Request.Headers[name]))
	}
	if t.Request.Body != "" {
		b.WriteString(" \\\n  --data-raw " + shellQuote(t.Request.Body))
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell: as is when it holds only characters
// no shell treats specially, else in single quotes, with each single quote
// written as '\”.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%_+=:,./-", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// openCopy shows the copy menu, if there is anything to copy.
func (m *Model) openCopy() {
	if m.copyView() == nil && m.tokens == nil {
		m.fail(tr("nothing to copy yet: exchange a code first"))
		return
	}
	m.copyCursor = 0
	m.overlay = overlayCopy
}

// copyView is the trace the copy menu copies from.
func (m *Model) copyView() *traceView {
	if m.screen == screenDetail {
		return m.detail
	}
	return m.current
}

// buildCopy is buildCopy for what the copy menu copies from.
func (m *Model) buildCopy(kind copyKind) (copyItem, error) {
	v := m.copyView()
	if v == nil {
		return buildCopy(kind, nil, nil, m.copyFallback(), m.reveal)
	}
	return buildCopy(kind, v.trace, v.secrets, m.copyFallback(), m.reveal)
}

func (m *Model) copyKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	entries := m.copyEntries()
	switch {
	case key.Matches(msg, k.ListUp):
		m.copyCursor = max(0, m.copyCursor-1)
		return nil
	case key.Matches(msg, k.ListDown):
		m.copyCursor = min(len(entries)-1, m.copyCursor+1)
		return nil
	case key.Matches(msg, k.Open):
		return m.copyEntry(entries[m.copyCursor])
	case key.Matches(msg, k.Back):
		m.overlay = overlayNone
		return nil
	}
	for _, e := range entries {
		if key.Matches(msg, e.b) {
			return m.copyEntry(e)
		}
	}
	return nil
}

// copyEntry copies what a copy menu entry offers and closes the menu.
func (m *Model) copyEntry(e copyEntry) tea.Cmd {
	m.overlay = overlayNone
	item, err := m.buildCopy(e.kind)
	if err != nil {
		return m.fail(tr("copy: %s", word(err.Error())))
	}
	return copyCmd(m.clip, item)
}

// copyFallback is where tokens come from when the trace has none: the
// session's latest, on the exchange screen only.
func (m *Model) copyFallback() *gateway.Tokens {
	if m.screen == screenDetail {
		return nil
	}
	return m.tokens
}

// copied says what was copied and how; when the system clipboard could not
// take it, the terminal is asked to (OSC 52).
func (m *Model) copied(msg copiedMsg) tea.Cmd {
	if msg.encodeErr != nil {
		return m.fail(tr("copy: %s", word(msg.encodeErr.Error())))
	}
	detail := ""
	if msg.item.masked {
		detail = tr("the real value, which the screen masks")
	}
	if msg.err == nil {
		m.sayDetail(statusLine{tr("copied %s to the clipboard", msg.item.what), statusOK}, detail)
		return nil
	}
	detail = strings.TrimPrefix(detail+"; ", "; ") +
		tr("the system clipboard is out of reach (%s), so the terminal was asked to take it (OSC 52); it must allow clipboard writes", word(msg.err.Error()))
	m.sayDetail(statusLine{tr("copied %s through the terminal (OSC 52)", msg.item.what), statusOK}, detail)
	return tea.SetClipboard(msg.item.text)
}
