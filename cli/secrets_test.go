package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"aliauth/gateway"
	"aliauth/history"
)

// Tokens whose every encoding differs: query and path escaping, JSON's
// HTML-safe escapes and the gateway's \/, HTML entities in a sub_msg.
const (
	sentRefresh = "authusrB+sent/refresh=tok&en <é>"
	newAccess   = "authusrB+new/access=tok&en <é>"
	newRefresh  = "authusrB+new/refresh=tok&en <é>"
)

// forms are the ways a secret can sit in stored bytes.
func forms(secret string) map[string]string {
	js, _ := json.Marshal(secret)
	quoted := strings.Trim(string(js), `"`)
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	enc.Encode(secret)
	return map[string]string{
		"raw":                       secret,
		"query-escaped":             url.QueryEscape(secret),
		"path-escaped":              url.PathEscape(secret),
		"JSON-escaped":              quoted,
		"JSON-escaped with \\/":     strings.ReplaceAll(quoted, "/", `\/`),
		"JSON without HTML escapes": strings.Trim(strings.TrimSpace(plain.String()), `"`),
		"HTML-escaped":              html.EscapeString(secret),
		"base64":                    base64.StdEncoding.EncodeToString([]byte(secret)),
		"base64url":                 base64.RawURLEncoding.EncodeToString([]byte(secret)),
	}
}

// TestNoStoreSecretsLeavesNoFormOfATokenInAnyStoredByte makes calls that
// carry tokens in every place a trace keeps them (the query, the form body,
// a v3 JSON body, a response body with \/, a header echoing one, an
// invalid-signature sub_msg quoting the string to sign, an answer that is
// not JSON) and greps the database and its -wal and -shm for each token in
// every form.
func TestNoStoreSecretsLeavesNoFormOfATokenInAnyStoredByte(t *testing.T) {
	dir := isolate(t)
	db := filepath.Join(dir, "h.db")
	// A second connection keeps the write-ahead log from being folded back
	// and removed when each command closes, so it is grepped too.
	keep, err := history.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer keep.Close()

	tokenNode := gateway.NodeName(gateway.MethodOAuthToken)
	tokens := map[string]any{"access_token": newAccess, "refresh_token": newRefresh, "user_id": "2088", "expires_in": 60, "re_expires_in": 120}
	var mode string
	alipay := loadTestKey(t, testAlipayKey)
	url := hostileGateway(t, func(r *http.Request) answer {
		// The gateway echoes the token the request carried in a header.
		r.ParseForm()
		var sent struct {
			RefreshToken string `json:"refresh_token"`
		}
		json.NewDecoder(r.Body).Decode(&sent)
		echo := r.Form.Get("refresh_token") + r.Form.Get("auth_token") + sent.RefreshToken
		headers := []string{"Content-Type: application/json;charset=utf-8", "X-Echo: " + echo}
		switch mode {
		case "v2 token":
			body := signedV2(t, tokenNode, tokens, alipay)
			return answer{status: 200, headers: headers, body: bytes.ReplaceAll(body, []byte("/"), []byte(`\/`))}
		case "v2 invalid signature":
			toSign := "app_id=2021000000000001&grant_type=refresh_token&refresh_token=" + r.PostForm.Get("refresh_token")
			return answer{status: 200, headers: headers, body: signedV2(t, gateway.ErrorNode, map[string]any{"code": "40002", "msg": "Invalid Arguments",
				"sub_code": "isv.invalid-signature", "sub_msg": "验签出错，网关生成的验签字符串为：" + html.EscapeString(toSign)}, alipay)}
		case "v2 user info error":
			return answer{status: 200, headers: headers, body: signedV2(t, gateway.ErrorNode, map[string]any{"code": "20001",
				"msg": "Invalid auth token", "sub_code": "aop.invalid-auth-token", "sub_msg": "无效的访问令牌 auth_token=" + r.URL.Query().Get("auth_token")}, alipay)}
		case "malformed":
			return answer{status: 200, headers: headers, body: []byte(`{"alipay_system_oauth_token_response":{"access_token":"` + newAccess + `","user_id":2088 1}}`)}
		default: // v3
			body, _ := json.Marshal(map[string]any{"access_token": newAccess, "refresh_token": newRefresh, "user_id": "2088", "expires_in": 60})
			return answer{status: 200, headers: headers, body: body}
		}
	})
	flags, _ := hostileKeys(t, url)
	common := append([]string{"--no-store-secrets", "--history", db}, flags...)
	for _, c := range []struct {
		mode string
		args []string
	}{
		{"v2 token", []string{"exchange", "code"}},
		{"v2 token", []string{"refresh", sentRefresh}},
		{"v2 invalid signature", []string{"refresh", sentRefresh}},
		{"v2 user info error", []string{"userinfo", newAccess}},
		{"malformed", []string{"exchange", "code"}},
		{"v3", []string{"refresh", sentRefresh, "--protocol", "v3"}},
		{"v3", []string{"userinfo", newAccess, "--protocol", "v3"}},
	} {
		mode = c.mode
		out, errOut, _ := run(t, "", append(c.args, common...)...)
		if !strings.Contains(out, "recorded as history #") {
			t.Fatalf("%s %v was not recorded:\n%s%s", c.mode, c.args, out, errOut)
		}
	}

	var stored []byte
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(db + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		stored = append(stored, b...)
	}
	if len(stored) == 0 {
		t.Fatal("nothing stored")
	}
	for _, secret := range []string{sentRefresh, newAccess, newRefresh} {
		for name, form := range forms(secret) {
			if bytes.Contains(stored, []byte(form)) {
				t.Errorf("the history holds %q %s: %q", secret, name, form)
			}
		}
	}
	if !bytes.Contains(stored, []byte(gateway.Fingerprint(newAccess))) {
		t.Error("the fingerprint that stands in for the access token is not stored")
	}
}
