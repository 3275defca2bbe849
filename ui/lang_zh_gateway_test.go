package ui

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/keys"
)

// The gateway's sentences reach a Chinese console in Chinese: real texts,
// made by the gateway's public API — calls to the emulator over loopback
// HTTP with faults armed, bodies verified offline, profiles, pasted codes,
// mini program payloads, authorizations and bundles — are each worded, and
// no English prose is left in what the console shows.
func TestGatewaySentencesSpeakChinese(t *testing.T) {
	texts := &gatewayTexts{t: t, seen: map[string]string{}}
	texts.calls()
	texts.offline()
	texts.profiles()
	texts.pastes()
	texts.payloads()
	texts.authorizations()
	texts.bundles()
	texts.signatures()
	texts.answers()

	speakChinese(t)
	for _, text := range texts.order {
		zh := word(text)
		switch {
		case zh == text:
			t.Errorf("%s: not worded in Chinese:\n  %s", texts.seen[text], text)
		case englishProse(zh) != "":
			t.Errorf("%s: English %q left in\n  %s\nfrom\n  %s", texts.seen[text], englishProse(zh), zh, text)
		}
		// Names stay as they are: a parameter, a node, a code, a method
		// or a file is not a word to translate.
		kept := names.FindAllString(text, -1)
		for _, m := range differsIn.FindAllStringSubmatch(text, -1) {
			kept = append(kept, m[1])
		}
		for _, name := range kept {
			// Chinese writes an English plural (open_ids) singular.
			if !strings.Contains(zh, name) && !strings.Contains(zh, strings.TrimSuffix(name, "s")) {
				t.Errorf("%s: %q is lost in\n  %s", texts.seen[text], name, zh)
			}
		}
	}
	if len(texts.order) < 240 {
		t.Fatalf("only %d texts gathered from the gateway; the test lost its coverage", len(texts.order))
	}
	t.Logf("%d distinct gateway texts worded in Chinese", len(texts.order))
}

// names are the identifiers a text carries: alipay_cert_sn,
// isv.invalid-timestamp, my.getAuthCode, alipayRootCert.crt.
var names = regexp.MustCompile(`[A-Za-z][A-Za-z0-9]*(?:[._][A-Za-z0-9-]+)+`)

// differsIn finds the parameter a string to sign differs in, which may be
// named like a word ("code").
var differsIn = regexp.MustCompile(`in parameter ([A-Za-z_]+):`)

// gatewayTexts gathers distinct texts with where each came from.
type gatewayTexts struct {
	t     *testing.T
	seen  map[string]string
	order []string
}

// add takes the texts a step made; every one must be there.
func (g *gatewayTexts) add(from string, texts ...string) {
	g.t.Helper()
	for _, s := range texts {
		if s == "" {
			g.t.Errorf("%s: no text", from)
			continue
		}
		if _, ok := g.seen[s]; !ok {
			g.seen[s] = from
			g.order = append(g.order, s)
		}
	}
}

// err takes an error a step must have failed with.
func (g *gatewayTexts) err(from string, err error) {
	g.t.Helper()
	if err == nil {
		g.t.Errorf("%s: no error", from)
		return
	}
	g.add(from, err.Error())
}

// trace takes what a call's trace says in words: its warnings, its
// verification, its failure and its error's explanation.
func (g *gatewayTexts) trace(from string, tr *gateway.Trace) {
	g.t.Helper()
	if tr == nil {
		g.t.Errorf("%s: no trace", from)
		return
	}
	g.add(from, tr.Warnings...)
	if tr.Request.Clock != "" {
		g.add(from+" (clock)", tr.Request.Clock)
	}
	if v := tr.Verification; v != nil {
		g.add(from+" (verification)", v.Detail, tr.Verdict())
		if v.Key != "" {
			g.add(from+" (key)", v.Key)
		}
	}
	if tr.TransportError != "" {
		g.add(from+" (transport)", tr.TransportError)
	}
	if e := tr.Error; e != nil {
		// The catalog's own words have their Chinese in the catalog
		// (ExplainZH); the gateway's are those it sharpens them with.
		x, _ := gateway.Explain(e.Code, e.SubCode)
		if e.Meaning != "" && e.Meaning != x.Meaning {
			g.add(from+" (explained)", e.Meaning)
		}
		if e.Hint != "" && e.Hint != x.Hint {
			g.add(from+" (explained)", e.Hint)
		}
		if d := e.SignatureDiff; d != nil {
			g.add(from+" (diff)", d.Summary)
		}
	}
}

// emulatorClient is a client of the emulator; edit adjusts its profile.
func (g *gatewayTexts) emulatorClient(p *peer, edit ...func(*gateway.Profile)) *gateway.Client {
	g.t.Helper()
	return p.session(g.t, "emu", edit...).Client
}

// calls makes calls to the emulator: successes, faults, refusals, timeouts,
// v2 and v3, certificate mode, app authorization.
func (g *gatewayTexts) calls() {
	ctx := context.Background()
	p := newPeer(g.t)
	c := g.emulatorClient(p)
	code := func(scope string) string {
		g.t.Helper()
		code, err := p.emu.MintCode(emulator.DemoAppID, scope, "")
		if err != nil {
			g.t.Fatal(err)
		}
		return code
	}

	tr, err := c.Exchange(ctx, code(gateway.ScopeAuthUser))
	if err != nil {
		g.t.Fatal(err)
	}
	g.trace("exchange", tr)
	g.add("call name", gateway.CallName(gateway.MethodAppAuthToken, gateway.GrantAuthorizationCode),
		gateway.CallName(gateway.MethodAppAuthToken, gateway.GrantRefreshToken),
		gateway.CallName(gateway.MethodAppAuthQuery, ""))
	for _, id := range gateway.Identity(tr) {
		g.add("identity "+id.Name, id.Meaning)
	}
	tr, err = c.Exchange(ctx, code(gateway.ScopeAuthBase))
	if err != nil {
		g.t.Fatal(err)
	}
	tr, _ = c.UserInfo(ctx, tr.Tokens.AccessToken)
	g.trace("user info with an auth_base token", tr)

	arm := func(kind emulator.FaultKind, value string) {
		g.t.Helper()
		f, err := emulator.ParseFault(string(kind), value, "")
		if err != nil {
			g.t.Fatal(err)
		}
		p.emu.Arm(f)
	}
	for _, f := range []emulator.FaultKind{emulator.FaultBadSign, emulator.FaultNoSign, emulator.FaultEscapedSlash, emulator.FaultHTML, emulator.FaultStatus, emulator.FaultTruncate} {
		arm(f, "")
		tr, err := c.Exchange(ctx, code(gateway.ScopeAuthUser))
		g.trace("fault "+string(f), tr)
		if f != emulator.FaultEscapedSlash {
			g.err("fault "+string(f), err)
		}
	}
	arm(emulator.FaultDelay, "5s")
	timeout, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	tr, _ = c.Exchange(timeout, code(gateway.ScopeAuthUser))
	cancel()
	g.trace("timeout", tr)
	p.emu.Disarm()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	tr, _ = c.Exchange(cancelled, "a-code")
	g.trace("cancelled", tr)

	// The emulator's notes, and a clock eight hours behind.
	noted := g.emulatorClient(p)
	noted.HTTPClient = &http.Client{Transport: noting{gateway.NoteTimestampUnpadded + ",nonce-missing," + gateway.NoteAuthExpired + "=90"}}
	tr, _ = noted.Exchange(ctx, code(gateway.ScopeAuthUser))
	g.trace("emulator notes", tr)
	behind := g.emulatorClient(p)
	behind.Now = func() time.Time { return time.Now().Add(-8 * time.Hour) }
	tr, _ = behind.Exchange(ctx, code(gateway.ScopeAuthUser))
	g.trace("clock behind", tr)
	pinned := g.emulatorClient(p)
	pinned.Timestamp = gateway.Timestamp(time.Now().Add(8 * time.Hour))
	tr, _ = pinned.Exchange(ctx, code(gateway.ScopeAuthUser))
	g.trace("pinned timestamp ahead", tr)
	pinned.Timestamp = "2024-1-5 9:03:07"
	_, err = pinned.Exchange(ctx, "a-code")
	g.err("pinned timestamp unpadded", err)

	// Refusals the client words before sending.
	for name, call := range map[string]func() (*gateway.Trace, error){
		"no code":              func() (*gateway.Trace, error) { return c.Exchange(ctx, " ") },
		"no refresh token":     func() (*gateway.Trace, error) { return c.Refresh(ctx, "") },
		"no access token":      func() (*gateway.Trace, error) { return c.UserInfo(ctx, "") },
		"no app_auth_code":     func() (*gateway.Trace, error) { return c.AppAuthExchange(ctx, "") },
		"no app_refresh_token": func() (*gateway.Trace, error) { return c.AppAuthRefresh(ctx, "") },
		"no app_auth_token":    func() (*gateway.Trace, error) { return c.AppAuthQuery(ctx, "") },
		"no method":            func() (*gateway.Trace, error) { return c.Call(ctx, "", nil) },
		"biz_content not JSON": func() (*gateway.Trace, error) { return c.Call(ctx, "alipay.user.info.share", json.RawMessage(`{"a":`)) },
	} {
		_, err := call()
		g.err(name, err)
	}
	tr, _ = c.Call(ctx, gateway.MethodUserInfo, json.RawMessage(`{"app_auth_token":"t"}`))
	g.trace("app_auth_token in biz_content", tr)
	gbk := g.emulatorClient(p, func(p *gateway.Profile) { p.Charset = gateway.CharsetGBK })
	_, err = gbk.Exchange(ctx, "code-😀")
	g.err("GBK cannot write", err)

	// A wrong app key: the gateway quotes its string to sign.
	// Another key signs in place of the app's.
	wrong, _, err := keys.LoadPrivateKey(filepath.Join("..", "keys", "testdata", "other2048_pkcs8.pem"))
	if err != nil {
		g.t.Fatal(err)
	}
	wrongKey := g.emulatorClient(p, func(p *gateway.Profile) { p.PrivateKey = wrong })
	tr, _ = wrongKey.Exchange(ctx, code(gateway.ScopeAuthUser))
	g.trace("wrong app key", tr)

	// App authorization.
	tr, _ = c.AppAuthExchange(ctx, "not-a-code")
	g.trace("app_auth_code invalid", tr)
	acting := g.emulatorClient(p)
	acting.AppAuthToken = "not-a-token"
	tr, _ = acting.Exchange(ctx, code(gateway.ScopeAuthUser))
	g.trace("app_auth_token invalid", tr)

	// Certificate mode against a gateway that names no certificate, and
	// one that names another.
	certs := func(p *gateway.Profile) {
		p.AppCertSN, p.AlipayRootCertSN, p.AlipayCertSN = "a1b2", "c3d4_e5f6", "0a0b0c"
	}
	cert := g.emulatorClient(p, certs)
	tr, _ = cert.Exchange(ctx, code(gateway.ScopeAuthUser))
	g.trace("certificate mode, no SN", tr)
	tr, err = cert.Exchange(ctx, "spent-code")
	g.trace("certificate mode, an error with no SN", tr)
	g.err("an error answered", err)
	cert.HTTPClient = &http.Client{Transport: namingCert{"ffee"}}
	tr, _ = cert.Exchange(ctx, code(gateway.ScopeAuthUser))
	g.trace("certificate mode, another SN", tr)
	certWrong := g.emulatorClient(p, certs, func(p *gateway.Profile) { p.PrivateKey = wrong })
	tr, _ = certWrong.Exchange(ctx, code(gateway.ScopeAuthUser))
	g.trace("certificate mode, identical strings", tr)
	v3cert := g.emulatorClient(p, certs, func(p *gateway.Profile) { p.Protocol = gateway.V3 })
	tr, _ = v3cert.Exchange(ctx, code(gateway.ScopeAuthUser))
	g.trace("v3 certificate mode, no SN", tr)

	// v3.
	v3 := g.emulatorClient(p, func(p *gateway.Profile) { p.Protocol = gateway.V3 })
	tr, _ = v3.Exchange(ctx, code(gateway.ScopeAuthUser))
	g.trace("v3 exchange", tr)
	for _, f := range []emulator.FaultKind{emulator.FaultBadSign, emulator.FaultNoSign, emulator.FaultHTML} {
		arm(f, "")
		tr, err := v3.Exchange(ctx, code(gateway.ScopeAuthUser))
		g.trace("v3 fault "+string(f), tr)
		g.err("v3 fault "+string(f), err)
	}
	v3wrong := g.emulatorClient(p, func(p *gateway.Profile) {
		p.Protocol = gateway.V3
		p.PrivateKey = wrong
	})
	tr, _ = v3wrong.Exchange(ctx, code(gateway.ScopeAuthUser))
	g.trace("v3 wrong app key", tr)

	// No Alipay key: verification is skipped, and said.
	blind := g.emulatorClient(p, func(p *gateway.Profile) { p.AlipayPublicKey = nil })
	tr, _ = blind.Exchange(ctx, code(gateway.ScopeAuthUser))
	g.trace("no Alipay key", tr)
	v3blind := g.emulatorClient(p, func(p *gateway.Profile) { p.AlipayPublicKey, p.Protocol = nil, gateway.V3 })
	tr, _ = v3blind.Exchange(ctx, code(gateway.ScopeAuthUser))
	g.trace("v3 no Alipay key", tr)

	var nothing gateway.Trace
	g.add("no verification", nothing.Verdict(), gateway.VerifiedUnquoted.Verdict(), string(gateway.VerifiedUnquoted))
}

// noting is a transport that adds the emulator's notes to each answer.
type noting struct{ notes string }

func (n noting) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		resp.Header.Set(gateway.EmulatorNoteHeader, n.notes)
	}
	return resp, err
}

// namingCert is a transport that names an Alipay certificate in each v2
// answer, beside the signed node as the gateway writes it.
type namingCert struct{ sn string }

func (n namingCert) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	body = bytes.Replace(body, []byte(`"sign":`), []byte(`"alipay_cert_sn":"`+n.sn+`","sign":`), 1)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// signedBody is a v2 answer whose node content is signed with the test
// Alipay key; written, when given, is how the body carries the content.
func signedBody(t *testing.T, node, content string, written ...string) []byte {
	t.Helper()
	alipay, _ := testKeys(t)
	sign, err := gateway.SignBytes(alipay, gateway.RSA2, []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	if len(written) > 0 {
		content = written[0]
	}
	return []byte(`{"` + node + `":` + content + `,"sign":"` + sign + `"}`)
}

// offline verifies bodies received elsewhere: good, tampered, unsigned,
// reformatted, re-encoded, ambiguous, broken.
func (g *gatewayTexts) offline() {
	alipay, _ := testKeys(g.t)
	key := &alipay.PublicKey
	node := gateway.NodeName(gateway.MethodOAuthToken)
	verify := func(from string, body []byte, k *rsa.PublicKey) {
		g.t.Helper()
		tr, err := gateway.VerifyOffline(body, gateway.MethodOAuthToken, k, "alipay_public_key.pem", gateway.RSA2)
		if err != nil {
			g.err(from, err)
			return
		}
		g.trace(from, tr)
	}
	token := `{"code":"10000","msg":"Success","user_id":"2088000000000001","access_token":"a","refresh_token":"r","expires_in":1296000}`
	good := signedBody(g.t, node, token)
	verify("good body", good, key)
	verify("good body, no key", good, nil)
	verify("tampered", bytes.Replace(good, []byte(`"a"`), []byte(`"b"`), 1), key)
	verify("unsigned", []byte(`{"`+node+`":`+token+`}`), key)
	verify("reformatted", signedBody(g.t, node, token, strings.ReplaceAll(token, ",", ", ")), key)
	verify("escaped slash", signedBody(g.t, node, `{"code":"10000","msg":"Success","avatar":"https://a/b"}`, `{"code":"10000","msg":"Success","avatar":"https:\/\/a\/b"}`), key)
	chinese := `{"code":"40004","msg":"Business Failed","sub_code":"isv.x","sub_msg":"业务处理失败"}`
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(chinese)
	if err != nil {
		g.t.Fatal(err)
	}
	verify("re-encoded to GBK", signedBody(g.t, node, chinese, gbk), key)
	for _, ids := range []string{`"user_id":"abc"`, `"open_id":"o1"`, `"user_id":"2088000000000001","open_id":"o1","union_id":"u1"`} {
		tr, err := gateway.VerifyOffline(signedBody(g.t, node, `{"code":"10000","msg":"Success",`+ids+`,"access_token":"a"}`), gateway.MethodOAuthToken, key, "", gateway.RSA2)
		if err != nil {
			g.t.Fatal(err)
		}
		for _, id := range gateway.Identity(tr) {
			g.add("identity "+id.Name, id.Meaning)
			if id.Odd != "" {
				g.add("identity "+id.Name, id.Odd)
			}
		}
	}
	verify("both nodes", []byte(`{"`+node+`":`+token+`,"error_response":{"code":"40002"},"sign":"x"}`), key)
	verify("node twice", []byte(`{"`+node+`":`+token+`,"`+node+`":`+token+`,"sign":"x"}`), key)

	for from, body := range map[string]string{
		"empty":             "  ",
		"not an object":     `[1]`,
		"neither node":      `{"a":1}`,
		"node not object":   `{"` + node + `":"x"}`,
		"sign not a string": `{"` + node + `":{},"sign":5}`,
		"truncated":         `{"` + node + `":{"code":"10000"`,
		"data after":        `{"a":1} x`,
		"no member name":    `{1:2}`,
		"no colon":          `{"a" 1}`,
		"no comma":          `{"a":1 "b":2}`,
		"no value":          `{"a":}`,
		"too deep":          `{"a":` + strings.Repeat("[", 1001) + strings.Repeat("]", 1001) + `}`,
		"mismatched":        `{"a":[}]}`,
		"control character": "{\"a\":\"x\x01\"}",
		"bad escape":        `{"a":"\x"}`,
		"bad u escape":      `{"a":"\u12g4"}`,
		"bad number":        `{"a":-x}`,
		"bad literal":       `{"a":nul}`,
		"malformed node":    `{"` + node + `":{"code":"10000" "msg":"x"},"sign":"x"}`,
		"malformed string":  `{"` + node + `":{"code":"1` + "\t" + `"},"sign":"x"}`,
	} {
		verify(from, []byte(body), key)
	}

	// Error answers the gateway explains by what its words point at.
	errNode := func(subMsg string) []byte {
		return signedBody(g.t, gateway.ErrorNode, `{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature","sub_msg":"`+subMsg+`"}`)
	}
	verify("signature, charset", errNode("验签出错，请确认charset参数放在了URL查询字符串中且各参数值使用charset参数指示的字符集编码"), key)
	verify("signature, sign_type", errNode("sign值与sign_type参数指定的签名类型不一致"), key)
	verify("signature, no quote", errNode("验签出错"), key)
}

// profiles builds clients from profiles that are wrong, or only doubtful.
func (g *gatewayTexts) profiles() {
	alipay, app := testKeys(g.t)
	base := func() gateway.Profile {
		return gateway.Profile{Name: "p", Protocol: gateway.V2, Gateway: gateway.SandboxGateway, AppID: "9021000000000001", PrivateKey: app, AlipayPublicKey: &alipay.PublicKey}
	}
	for from, edit := range map[string]func(*gateway.Profile){
		"no URL":         func(p *gateway.Profile) { p.Gateway = "" },
		"no app id":      func(p *gateway.Profile) { p.AppID = " " },
		"no private key": func(p *gateway.Profile) { p.PrivateKey = nil },
		"v3 RSA": func(p *gateway.Profile) {
			p.Protocol, p.Endpoint, p.SignType = gateway.V3, gateway.SandboxEndpoint, gateway.RSA
		},
		"protocol":            func(p *gateway.Profile) { p.Protocol = "v4" },
		"sign type":           func(p *gateway.Profile) { p.SignType = "ECDSA" },
		"charset":             func(p *gateway.Profile) { p.Charset = "latin1" },
		"app key as Alipay's": func(p *gateway.Profile) { p.AlipayPublicKey = &app.PublicKey },
		"one certificate":     func(p *gateway.Profile) { p.AppCertSN = "a" },
		"two certificates":    func(p *gateway.Profile) { p.AlipayCertSN = "a" },
		"no app certificate":  func(p *gateway.Profile) { p.AlipayCertSN, p.AlipayRootCertSN = "a", "b" },
		"URL unparsable":      func(p *gateway.Profile) { p.Gateway = "https://exa mple.com/%zz" },
		"URL no scheme":       func(p *gateway.Profile) { p.Gateway = "openapi.alipay.com/gateway.do" },
		"URL ftp":             func(p *gateway.Profile) { p.Gateway = "ftp://openapi.alipay.com/gateway.do" },
		"URL no host":         func(p *gateway.Profile) { p.Gateway = "https:///gateway.do" },
		"URL bad port":        func(p *gateway.Profile) { p.Gateway = "https://openapi.alipay.com:99999/gateway.do" },
		"v3 URL no scheme":    func(p *gateway.Profile) { p.Protocol, p.Endpoint = gateway.V3, "openapi.alipay.com" },
	} {
		p := base()
		edit(&p)
		_, err := gateway.NewClient(p)
		g.err("profile "+from, err)
	}
	for from, edit := range map[string]func(*gateway.Profile){
		"retired sandbox": func(p *gateway.Profile) { p.Gateway = "https://openapi.alipaydev.com/gateway.do" },
		"plain http":      func(p *gateway.Profile) { p.Gateway = "http://gateway.example.com/gateway.do" },
		"no Alipay key":   func(p *gateway.Profile) { p.AlipayPublicKey = nil },
		"v3 retired":      func(p *gateway.Profile) { p.Protocol, p.Endpoint = gateway.V3, "https://openapi.alipaydev.com" },
	} {
		p := base()
		edit(&p)
		c, err := gateway.NewClient(p)
		if err != nil {
			g.t.Fatalf("%s: %v", from, err)
		}
		prof := c.Profile()
		g.add("profile "+from, prof.Warnings()...)
	}
	custom := gateway.Profile{Protocol: gateway.V2, Gateway: "https://gateway.example.com/gateway.do"}
	_, err := custom.AuthorizePage()
	g.err("authorize, custom gateway", err)
	emu := gateway.Profile{Emulator: true, Gateway: "::"}
	_, err = emu.AppToAppPage()
	g.err("authorize, emulator address", err)

	_, err = gateway.ParseSignType("DSA")
	g.err("parse sign type", err)
	_, err = gateway.ParseTimestamp("yesterday")
	g.err("parse timestamp", err)
	for _, header := range []string{"Bearer x", "ALIPAY-SHA256withRSA app_id=1,nonce"} {
		_, err := gateway.ParseV3Authorization(header)
		g.err("authorization header", err)
	}
}

// pastes reads what users paste as an auth code.
func (g *gatewayTexts) pastes() {
	for _, s := range []string{
		"  ",
		`{"authCode":`,
		`{"result":{"other":"x"}}`,
		"https://example.com/cb?auth_code=%zz",
		"https://example.com/cb?state=1",
		`{"authCode":" "}`,
		strings.Repeat("a", 300),
		"auth code with spaces",
	} {
		_, err := gateway.ParseAuthCode(s)
		g.err("paste "+s, err)
	}
}

// payloads opens what my.getPhoneNumber and my.getOpenUserInfo give a mini
// program, in every case the emulator issues, and some no one should.
func (g *gatewayTexts) payloads() {
	p := newPeer(g.t)
	aes, err := p.emu.AESKey(emulator.DemoAppID)
	if err != nil {
		g.t.Fatal(err)
	}
	keysOf := func(k gateway.AESKey) gateway.MiniKeys {
		return gateway.MiniKeys{AlipayPublicKey: p.emu.AlipayPublicKey(), AlipayKeySource: "the emulator", AESKey: k}
	}
	phone := func(c emulator.PhoneCase) []byte {
		g.t.Helper()
		payload, err := p.emu.PhonePayload(emulator.DemoAppID, "", c)
		if err != nil {
			g.t.Fatal(err)
		}
		return payload
	}
	take := func(from string, r *gateway.PhoneResult, err error) {
		g.t.Helper()
		if r != nil {
			g.add(from, r.Warnings...)
			g.add(from+" (verification)", r.Verification.Detail)
			if r.Error != nil {
				g.add(from+" (explained)", r.Error.Meaning, r.Error.Hint)
			}
		}
		if err != nil && !errors.As(err, new(*gateway.APIError)) {
			g.add(from+" (error)", err.Error())
		}
	}
	for _, c := range []emulator.PhoneCase{emulator.PhoneOK, emulator.PhoneNoEncryption, emulator.PhoneNoAuthorization, emulator.PhoneNoPermission, emulator.PhoneBusy, emulator.PhoneUnsigned, emulator.PhoneUnquoted} {
		r, err := gateway.OpenPhone(phone(c), keysOf(aes))
		take("phone "+string(c), r, err)
	}
	r, err := gateway.OpenPhone(phone(emulator.PhoneOK), gateway.MiniKeys{AESKey: aes})
	take("phone, no Alipay key", r, err)
	r, err = gateway.OpenPhone(phone(emulator.PhoneOK), keysOf(gateway.NewAESKey()))
	take("phone, another AES key", r, err)
	r, err = gateway.OpenPhone(phone(emulator.PhoneOK), keysOf(gateway.AESKey{}))
	take("phone, no AES key", r, err)
	alipay, _ := testKeys(g.t)
	otherAlipay := gateway.MiniKeys{AlipayPublicKey: &alipay.PublicKey, AESKey: aes}
	if alipay.PublicKey.Equal(p.emu.AlipayPublicKey()) {
		otherAlipay.AlipayPublicKey = &p.emu.DemoApp().PrivateKey.PublicKey
	}
	r, err = gateway.OpenPhone(phone(emulator.PhoneOK), otherAlipay)
	take("phone, another Alipay key", r, err)
	g.add("aes key", aes.String(), gateway.AESKey{}.String())

	for from, payload := range map[string]string{
		"empty":            "",
		"bad JSON string":  `"abc`,
		"not JSON":         "abc",
		"broken object":    `{"response":}`,
		"no response":      `{"sign":"x"}`,
		"response number":  `{"response":5}`,
		"wrapped too deep": `"\"\\\"\\\\\\\"x\\\\\\\"\\\"\""`,
		"not base64":       `{"response":"%%%","sign":"x"}`,
		"not whole blocks": `{"response":"YWJj","sign":"x"}`,
		"not AES":          `{"response":"YWJj","sign":"x","encrypt_type":"DES"}`,
		"sign type":        `{"response":"YWJj","sign":"x","sign_type":"MD5"}`,
		"content not JSON": `{"response":{"code":"10000",},"sign":"x"}`,
	} {
		r, err := gateway.OpenPhone([]byte(payload), keysOf(aes))
		take("payload "+from, r, err)
	}
	wrongPlain, err := aes.Encrypt([]byte("not json"))
	if err != nil {
		g.t.Fatal(err)
	}
	r, err = gateway.OpenPhone([]byte(`{"response":"`+wrongPlain+`","sign":"x"}`), keysOf(aes))
	take("decrypts to no JSON", r, err)
	formatted := `{"response":{"code":"10000", "mobile":"13800000000"},"sign":"x"}`
	r, err = gateway.OpenPhone([]byte(formatted), gateway.MiniKeys{AlipayPublicKey: &alipay.PublicKey})
	take("unencrypted, wrong sign", r, err)
	content := `{"code":"10000","msg":"Success"}`
	sign, err := gateway.SignBytes(alipay, gateway.RSA2, []byte(content))
	if err != nil {
		g.t.Fatal(err)
	}
	r, err = gateway.OpenPhone([]byte(`{"response":{"code":"10000", "msg":"Success"},"sign":"`+sign+`"}`), gateway.MiniKeys{AlipayPublicKey: &alipay.PublicKey})
	take("unencrypted, reformatted", r, err)
	r, err = gateway.OpenPhone([]byte(`{"response":`+content+`,"sign":"`+sign+`"}`), gateway.MiniKeys{AlipayPublicKey: &alipay.PublicKey})
	take("unencrypted, no mobile", r, err)

	for _, c := range []emulator.OpenUserInfoCase{emulator.OpenUserInfoOK, emulator.OpenUserInfoNoAuthorization, emulator.OpenUserInfoNoPermission} {
		payload, err := p.emu.OpenUserInfoPayload("", c)
		if err != nil {
			g.t.Fatal(err)
		}
		u, err := gateway.ParseOpenUserInfo(payload)
		if err != nil {
			g.t.Fatal(err)
		}
		g.add("open user info "+string(c), u.Notes...)
		if u.Error != nil {
			g.add("open user info "+string(c), u.Error.Meaning, u.Error.Hint)
		}
	}
	u, err := gateway.ParseOpenUserInfo([]byte(`{"response":{"code":"10000","msg":"Success"}}`))
	if err != nil {
		g.t.Fatal(err)
	}
	g.add("open user info, no nickname", u.Notes...)
	_, err = gateway.ParseOpenUserInfo(phone(emulator.PhoneOK))
	g.err("open user info, encrypted", err)
	_, err = gateway.ParseOpenUserInfo([]byte(`{"response":{"code":[}}`))
	g.err("open user info, broken", err)
	_, err = gateway.ParseOpenUserInfo([]byte(`{"response":"{\"code\":1,}"}`))
	g.err("open user info, not an object", err)

	for _, s := range []string{"not base64!", "YWJj"} {
		_, err := gateway.ParseAESKey(s)
		g.err("AES key "+s, err)
	}
	_, err = gateway.ParseAESKey(" ")
	g.err("AES key empty", err)
}

// authorizations starts authorizations that cannot start, and lands
// redirects the catcher refuses.
func (g *gatewayTexts) authorizations() {
	ok := gateway.Authorize{Page: gateway.SandboxAuthorizePage, AppID: "9021000000000001", Scope: gateway.ScopeAuthUser, RedirectURI: "https://example.com/cb"}
	for from, edit := range map[string]func(*gateway.Authorize){
		"no scope":        func(a *gateway.Authorize) { a.Scope = "" },
		"bad scope":       func(a *gateway.Authorize) { a.Scope = "auth_everything" },
		"bad page":        func(a *gateway.Authorize) { a.Page = "openauth.alipay.com" },
		"no app id":       func(a *gateway.Authorize) { a.AppID = "" },
		"no redirect":     func(a *gateway.Authorize) { a.RedirectURI = "" },
		"redirect no URL": func(a *gateway.Authorize) { a.RedirectURI = "https://exa mple.com/%zz" },
		"redirect scheme": func(a *gateway.Authorize) { a.RedirectURI = "example.com/cb" },
		"state long":      func(a *gateway.Authorize) { a.State = strings.Repeat("s", 101) },
		"state Chinese":   func(a *gateway.Authorize) { a.State = "状态" },
	} {
		a := ok
		edit(&a)
		_, _, err := a.URL()
		g.err("authorize "+from, err)
	}
	g.err("redirect domain", gateway.CheckRedirectDomain("https://tunnel.example.net/cb", "https://example.com/callback"))
	g.err("redirect domain none", gateway.CheckRedirectDomain("https://tunnel.example.net/cb", "https://"))
	_, err := gateway.ListenCatcher(gateway.CatcherConfig{})
	g.err("catcher no state", err)
	_, err = gateway.ListenCatcher(gateway.CatcherConfig{State: "s", Addr: "256.0.0.1:0"})
	g.err("catcher listen", err)
	_, err = gateway.ParseLanding("https://example.com/cb?a=%zz")
	g.err("landing query", err)

	catcher, err := gateway.ListenCatcher(gateway.CatcherConfig{State: "right"})
	if err != nil {
		g.t.Fatal(err)
	}
	defer catcher.Close()
	for _, query := range []string{"?state=wrong&auth_code=c1", "?state=right", "?state=right&auth_code=c1", "?state=right&auth_code=c2"} {
		resp, err := http.Get(catcher.RedirectURI() + query)
		if err != nil {
			g.t.Fatal(err)
		}
		page, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			g.t.Fatal(err)
		}
		// The page the browser is shown, as the catcher wrote it.
		m := pageWords.FindSubmatch(page)
		if m == nil {
			g.t.Fatalf("the catcher's page has no title and message:\n%s", page)
		}
		g.add("catcher page", html.UnescapeString(string(m[1])), html.UnescapeString(string(m[2])))
	}
	for range 4 {
		select {
		case l := <-catcher.Landings():
			if l.Err != nil {
				g.add("landing", l.Err.Error())
			}
		case <-time.After(5 * time.Second):
			g.t.Fatal("a landing did not arrive")
		}
	}
}

// pageWords finds the title and the message of the catcher's page.
var pageWords = regexp.MustCompile(`<h1>(.*)</h1>\s*<p id="message">(.*)</p>`)

// bundles replays bundles with the right key, another key and none, and
// reads bundles that are not whole.
func (g *gatewayTexts) bundles() {
	p := newPeer(g.t)
	c := g.emulatorClient(p)
	code, err := p.emu.MintCode(emulator.DemoAppID, gateway.ScopeAuthUser, "")
	if err != nil {
		g.t.Fatal(err)
	}
	tr, err := c.Exchange(context.Background(), code)
	if err != nil {
		g.t.Fatal(err)
	}
	data, err := json.Marshal(gateway.NewBundle(tr))
	if err != nil {
		g.t.Fatal(err)
	}
	b, ok, err := gateway.ParseBundle(data)
	if !ok || err != nil {
		g.t.Fatalf("the bundle does not read back: %v", err)
	}
	g.add("bundle note", b.Info.Note)
	alipay, _ := testKeys(g.t)
	for from, key := range map[string]*rsa.PublicKey{"right key": p.emu.AlipayPublicKey(), "no key": nil, "another key": &alipay.PublicKey} {
		if from == "another key" && key.Equal(p.emu.AlipayPublicKey()) {
			key = &p.emu.DemoApp().PrivateKey.PublicKey
		}
		replayed, err := b.Replay(key, "alipay_public_key.pem")
		if err != nil {
			g.t.Fatal(err)
		}
		g.trace("bundle, "+from, replayed)
	}
	for from, edit := range map[string]func(*gateway.Bundle){
		"no digest":  func(b *gateway.Bundle) { b.Info.SignedDigest = "" },
		"bad digest": func(b *gateway.Bundle) { b.Info.SignedDigest = "abcd" },
		"bad sign":   func(b *gateway.Bundle) { b.Verification.Sign = "%%%" },
		"unsigned":   func(b *gateway.Bundle) { b.Verification.Sign = "" },
	} {
		again, _, err := gateway.ParseBundle(data)
		if err != nil {
			g.t.Fatal(err)
		}
		edit(again)
		replayed, err := again.Replay(p.emu.AlipayPublicKey(), "")
		if err != nil {
			g.t.Fatal(err)
		}
		g.trace("bundle, "+from, replayed)
	}
	for from, data := range map[string]string{
		"newer":      `{"bundle":{"version":99}}`,
		"damaged":    `{"bundle":{"version":1},"verification":5}`,
		"no answers": `{"bundle":{"version":1},"method":"x"}`,
	} {
		_, _, err := gateway.ParseBundle([]byte(data))
		g.err("bundle "+from, err)
	}
}

// signatures compares strings to sign that differ, v2 and v3, and signs
// and verifies what cannot be.
func (g *gatewayTexts) signatures() {
	v3 := "app_id=1,nonce=n,timestamp=1\nPOST\n/v3/alipay/system/oauth/token\n{}\n"
	for _, pair := range [][2]string{
		{"app_id=1&charset=GBK", "app_id=1&charset=utf-8"},
		{"b=1", "a=1"},
		{"app_id=1&code=c", "app_id=1&code=c&extra=1"},
		{strings.Replace(v3, "nonce=n", "nonce=m", 1), v3},
		{strings.Replace(v3, "POST", "GET", 1), v3},
		{strings.Replace(v3, "/oauth/", "/oath/", 1), v3},
		{strings.Replace(v3, "{}", "{ }", 1), v3},
		{v3 + "t\n", v3 + "u\n"},
		{v3 + "t\nx", v3 + "t\n"},
	} {
		g.add("diff", gateway.DiffStringToSign(pair[0], pair[1]).Summary)
	}
	alipay, _ := testKeys(g.t)
	g.err("verify not base64", gateway.VerifyBytes(&alipay.PublicKey, gateway.RSA2, []byte("x"), "%%%"))
	g.err("verify mismatch", gateway.VerifyBytes(&alipay.PublicKey, gateway.RSA2, []byte("x"), "eHl6"))
	_, err := gateway.NormalizeCharset("latin1")
	g.err("charset", err)

}

// answers calls a server that is not the gateway, or not quite: it breaks
// the connection, answers nothing, too much, or a node that is not JSON.
func (g *gatewayTexts) answers() {
	node := gateway.NodeName(gateway.MethodOAuthToken)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/broken/gateway.do":
			w.Header().Set("Content-Length", "100")
			_, _ = w.Write([]byte(`{"a"`))
		case "/empty/gateway.do":
		case "/large/gateway.do":
			_, _ = w.Write(bytes.Repeat([]byte(" "), gateway.MaxBodySize+1))
		case "/malformed/gateway.do":
			_, _ = w.Write([]byte(`{"` + node + `":{"code":"10000" "msg":"x"},"sign":"x"}`))
		}
	}))
	defer srv.Close()
	alipay, app := testKeys(g.t)
	for _, path := range []string{"broken", "empty", "large", "malformed"} {
		c, err := gateway.NewClient(gateway.Profile{Protocol: gateway.V2, Gateway: srv.URL + "/" + path + "/gateway.do", AppID: "2021000000000001", PrivateKey: app, AlipayPublicKey: &alipay.PublicKey})
		if err != nil {
			g.t.Fatal(err)
		}
		tr, err := c.Exchange(context.Background(), "code")
		g.trace("server "+path, tr)
		g.err("server "+path, err)
	}
}
