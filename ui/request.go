package ui

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"

	"aliauth/gateway"
	"aliauth/internal/safetext"
)

// requestDoc is the request pane: what was built, signed and sent. t is the
// trace as it is shown (masked unless revealed).
func requestDoc(t *gateway.Trace, st *Styles, width int) doc {
	b := newBuilder(st, width)
	r := &t.Request

	call := t.Method
	if t.GrantType != "" {
		call += "  grant_type=" + t.GrantType
	}
	b.raw(st.Bold.Render(r.HTTPMethod) + " " + st.Value.Render(safetext.Text(call)))
	if t.DryRun {
		b.prose(st.Warn, tr("DRY RUN: built and signed, not sent"), 0)
	}
	endpoint, _, _ := strings.Cut(r.URL, "?")
	b.hard(st.Value, endpoint, 0)
	if r.Clock != "" {
		b.kvWords(tr("clock"), labelWidth(tr("clock")), st.Value, word(r.Clock))
	}

	names := make([]string, 0, len(r.Params))
	for name := range r.Params {
		names = append(names, name)
	}
	slices.Sort(names)
	if t.Protocol == gateway.V3 {
		b.section(tr("PARAMETERS (JSON body and query)"))
	} else {
		b.section(tr("PARAMETERS (sorted, as signed)"))
	}
	w := labelWidth(names...)
	for _, name := range names {
		b.kv(name, w, valueStyle(st, name), r.Params[name])
	}

	if t.Protocol == gateway.V3 {
		v3Request(b, t, st)
	} else {
		b.section(tr("STRING TO SIGN (%s, %s bytes)", signAlgorithm(t.SignType), charsetName(t.Charset)))
		b.hard(st.Value, r.StringToSign, 2)
		b.section(tr("SIGNATURE (sign, base64)"))
		b.hard(st.Value, r.Sign, 2)
	}

	b.section(tr("URL (as sent)"))
	b.hard(st.Value, r.URL, 2)
	if len(r.Headers) > 0 && t.Protocol != gateway.V3 {
		b.section(tr("HEADERS"))
		headers(b, r.Headers, nil)
	}
	if r.Body != "" {
		if t.Protocol == gateway.V3 {
			b.section(tr("BODY (JSON)"))
		} else {
			b.section(tr("BODY (form: the parameters that are not system parameters)"))
		}
		b.hard(st.Value, r.Body, 2)
	}
	return b.done()
}

// v3Request shows how a v3 request is signed: the auth string, the signed
// content line by line, the signature and the authorization header.
func v3Request(b *builder, t *gateway.Trace, st *Styles) {
	r := &t.Request
	auth := r.Headers["authorization"]
	if parsed, err := gateway.ParseV3Authorization(auth); err == nil {
		b.section(tr("AUTH STRING"))
		b.hard(st.Value, parsed.String(), 2)
	}
	b.section(tr("SIGNED CONTENT (SHA256withRSA; ⏎ ends each line)"))
	lines := strings.Split(strings.TrimSuffix(r.StringToSign, "\n"), "\n")
	names := []string{tr("auth string"), tr("HTTP method"), tr("path+query"), tr("body"), "app_auth_token"}
	w := labelWidth(names[:min(len(lines), len(names))]...)
	for i, l := range lines {
		label := tr("line %s", strconv.Itoa(i+1))
		if i < len(names) {
			label = names[i]
		}
		b.kv(label, w, st.Value, l+"⏎")
	}
	b.section(tr("SIGNATURE (sign, base64)"))
	b.hard(st.Value, r.Sign, 2)
	b.section(tr("HEADERS"))
	headers(b, r.Headers, []string{"authorization"})
}

// headers lists headers sorted, those in first at the top.
func headers(b *builder, h map[string]string, first []string) {
	names := make([]string, 0, len(h))
	for name := range h {
		if !slices.Contains(first, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range slices.Backward(first) {
		if _, ok := h[name]; ok {
			names = slices.Insert(names, 0, name)
		}
	}
	w := labelWidth(names...)
	for _, name := range names {
		b.kv(name, w, b.st.Value, h[name])
	}
}

// valueStyle shows secrets in their own colour, so a masked token is
// recognisable as one.
func valueStyle(st *Styles, name string) lipgloss.Style {
	switch name {
	case "access_token", "refresh_token", "auth_token":
		return st.Secret
	}
	return st.Value
}

func signAlgorithm(s gateway.SignType) string {
	if s == gateway.RSA {
		return "RSA = SHA1withRSA"
	}
	return "RSA2 = SHA256withRSA"
}

func charsetName(c string) string {
	if c == "" {
		return "utf-8"
	}
	return c
}
