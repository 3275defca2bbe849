package gateway

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strings"
	"unicode/utf8"
)

// gatewayStringMarkers introduce the gateway's own string to sign in the
// sub_msg of isv.invalid-signature.
var gatewayStringMarkers = []string{"验签字符串为：", "验签字符串为:", "string to sign is:", "sign content is:"}

// GatewayStringToSign extracts and unescapes the string to sign the gateway
// quotes in an isv.invalid-signature sub_msg, without the diagnosis link
// production appends after it (see SplitSolution). ok is false when the
// message quotes none.
func GatewayStringToSign(subMsg string) (string, bool) {
	subMsg, _ = SplitSolution(subMsg)
	for _, m := range gatewayStringMarkers {
		if i := strings.LastIndex(subMsg, m); i >= 0 {
			return html.UnescapeString(strings.TrimSpace(subMsg[i+len(m):])), true
		}
	}
	return "", false
}

// errCheckURL opens the diagnosis link production appends to sub_msg.
const errCheckURL = "https://open.alipay.com/api/errCheck"

// SplitSolution separates the gateway's own words from the diagnosis link
// production appends to every gateway-level sub_msg, as in
// "无效的AppID参数，解决方案：https://open.alipay.com/api/errCheck?traceId=...&source=openapi"
// (a probe of openapi.alipay.com, 2026-09-11; a Java project's log of
// isv.missing-app-cert-sn reads the same; the sandbox appends nothing).
// link is empty when there is none.
func SplitSolution(msg string) (text, link string) {
	i := strings.LastIndex(msg, errCheckURL)
	if i < 0 {
		return msg, ""
	}
	link = msg[i:]
	if j := strings.IndexAny(link, " \t\r\n"); j >= 0 {
		link = link[:j]
	}
	text = strings.TrimRight(msg[:i], " ")
	text = strings.TrimSuffix(strings.TrimSuffix(text, "："), ":")
	text = strings.TrimSuffix(text, "解决方案")
	return strings.TrimRight(text, "，, "), link
}

// traceIDOf reads the traceId of a diagnosis link, refusing anything but
// letters and digits: the id reaches the screen and Alipay's ids are hex.
func traceIDOf(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	id := u.Query().Get("traceId")
	if len(id) == 0 || len(id) > 64 {
		return ""
	}
	for _, c := range id {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return ""
		}
	}
	return id
}

// unescapeLines reads a v3 string to sign quoted on one line, its newlines
// written \n as in a JSON string; a string with real newlines is returned
// as it is.
func unescapeLines(s string) string {
	if strings.Contains(s, "\n") || !strings.Contains(s, `\n`) {
		return s
	}
	var out string
	if json.Unmarshal([]byte(`"`+s+`"`), &out) == nil {
		return out
	}
	return strings.ReplaceAll(s, `\n`, "\n")
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

// v3Lines name the lines of a v3 string to sign.
var v3Lines = []string{"the auth string", "the HTTP method line", "the path and query line", "the body line", "the app_auth_token line"}

// paramAt names where a byte offset of a string to sign falls: a v2
// parameter, or a v3 line (and the auth string's field).
func paramAt(s string, offset int) string {
	offset = min(offset, len(s))
	if strings.Contains(s, "\n") {
		line := strings.Count(s[:offset], "\n")
		if line >= len(v3Lines) {
			return "the end of the string"
		}
		if line > 0 {
			return v3Lines[line]
		}
		start := strings.LastIndexByte(s[:offset], ',') + 1
		key, _, _ := strings.Cut(s[start:], "=")
		return "the auth string, field " + key
	}
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
