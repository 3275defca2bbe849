package gateway

import (
	"fmt"
	"html"
	"strings"
	"unicode/utf8"
)

// gatewayStringMarkers introduce the gateway's own string to sign in the
// sub_msg of isv.invalid-signature.
var gatewayStringMarkers = []string{"验签字符串为：", "验签字符串为:", "string to sign is:", "sign content is:"}

// GatewayStringToSign extracts and unescapes the string to sign the gateway
// quotes in an isv.invalid-signature sub_msg. ok is false when the message
// quotes none.
func GatewayStringToSign(subMsg string) (string, bool) {
	for _, m := range gatewayStringMarkers {
		if i := strings.LastIndex(subMsg, m); i >= 0 {
			return html.UnescapeString(strings.TrimSpace(subMsg[i+len(m):])), true
		}
	}
	return "", false
}

// DiffStringToSign compares the gateway's string to sign with ours and points
// at the first difference.
func DiffStringToSign(gateway, local string) *SignatureDiff {
	d := &SignatureDiff{Gateway: gateway, Local: local, Offset: -1}
	n := min(len(gateway), len(local))
	for i := range n {
		if gateway[i] != local[i] {
			d.Offset = i
			break
		}
	}
	if d.Offset < 0 && len(gateway) != len(local) {
		d.Offset = n
	}
	if d.Offset < 0 {
		d.Summary = "the strings to sign are identical, so the content is right and the key is wrong: the gateway verified with the app public key registered in the console, and it does not match this private key (check with: aliauth keys check)"
		return d
	}
	// Back up to a rune boundary so the excerpt never splits a character.
	for d.Offset > 0 && d.Offset < len(local) && !utf8.RuneStart(local[d.Offset]) {
		d.Offset--
	}
	d.Summary = fmt.Sprintf("the strings differ from byte %d, in %s: gateway has %q, aliauth signed %q",
		d.Offset, paramAt(local, d.Offset), excerpt(gateway, d.Offset), excerpt(local, d.Offset))
	return d
}

// paramAt names the parameter a byte offset of a string to sign falls in.
func paramAt(s string, offset int) string {
	offset = min(offset, len(s))
	start := strings.LastIndexByte(s[:offset], '&') + 1
	key, _, _ := strings.Cut(s[start:], "=")
	if key == "" {
		return "the start of the string"
	}
	return "parameter " + key
}

// excerpt shows a few characters around offset.
func excerpt(s string, offset int) string {
	if offset >= len(s) {
		return "(end of string)"
	}
	const width = 24
	end := offset
	for count := 0; end < len(s) && count < width; count++ {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	out := s[offset:end]
	if end < len(s) {
		out += "…"
	}
	return out
}
