package ui

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// calls makes an exchange, a refresh and a user info call against the
// emulator over HTTP and returns their traces.
func calls(t *testing.T, p *peer, edit ...func(*gateway.Profile)) []*gateway.Trace {
	t.Helper()
	s := p.session(t, "default", edit...)
	code, err := s.MintCode(context.Background(), "auth_user")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := s.Client.Exchange(context.Background(), code)
	if err != nil || ex.Outcome != gateway.OutcomeSuccess {
		t.Fatalf("exchange: %v %s", err, ex.Outcome)
	}
	ref, err := s.Client.Refresh(context.Background(), ex.Tokens.RefreshToken)
	if err != nil || ref.Outcome != gateway.OutcomeSuccess {
		t.Fatalf("refresh: %v", err)
	}
	info, err := s.Client.UserInfo(context.Background(), ref.Tokens.AccessToken)
	if err != nil || info.Outcome != gateway.OutcomeSuccess {
		t.Fatalf("user info: %v", err)
	}
	return []*gateway.Trace{ex, ref, info}
}

// Every language gets the user's own call: the app id, the gateway, the
// grant and its argument; keys are always placeholders, tokens unless
// revealed.
func TestSDKCodeCarriesTheCall(t *testing.T) {
	p := newPeer(t)
	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		traces := calls(t, p, func(pr *gateway.Profile) { pr.Protocol = protocol })
		for _, tr := range traces {
			for _, lang := range sdkLangs {
				for _, reveal := range []bool{false, true} {
					code, err := sdkCode(lang, tr, reveal)
					if err != nil {
						t.Fatalf("%s %s: %v", lang, tr.CallName(), err)
					}
					where := string(protocol) + " " + tr.CallName() + " " + string(lang)
					arg, secret := tr.Request.Params["code"], ""
					switch {
					case tr.Method == gateway.MethodUserInfo:
						secret, arg = traces[1].Tokens.AccessToken, "<ACCESS_TOKEN>"
					case tr.GrantType == gateway.GrantRefreshToken:
						secret, arg = traces[0].Tokens.RefreshToken, "<REFRESH_TOKEN>"
					case protocol == gateway.V3:
						arg = code3(t, tr)
					}
					if reveal && secret != "" {
						arg = secret
					}
					for _, w := range []string{emulator.DemoAppID, placeholderPrivateKey, p.url, arg} {
						if !strings.Contains(code, w) {
							t.Errorf("%s (reveal %v): the code lacks %q:\n%s", where, reveal, w, code)
						}
					}
					if secret != "" && !reveal && strings.Contains(code, secret) {
						t.Errorf("%s: a token is written though secrets are masked:\n%s", where, code)
					}
					if strings.Contains(code, "PRIVATE KEY-----") {
						t.Errorf("%s: a private key was written", where)
					}
				}
			}
		}
	}
}

// code3 is the auth code a v3 exchange sent in its JSON body.
func code3(t *testing.T, tr *gateway.Trace) string {
	t.Helper()
	c, err := newSDKCall(tr, true)
	if err != nil || c.code == "" {
		t.Fatalf("no code in the v3 body %q: %v", tr.Request.Body, err)
	}
	return c.code
}

// The Go code parses as Go, the Python code compiles as Python.
func TestSDKCodeIsWellFormed(t *testing.T) {
	p := newPeer(t)
	for _, tr := range calls(t, p) {
		code, _ := sdkCode(sdkGo, tr, false)
		if _, err := parser.ParseFile(token.NewFileSet(), "main.go", code, parser.AllErrors); err != nil {
			t.Errorf("Go code for %s does not parse: %v\n%s", tr.CallName(), err, code)
		}
		py, err := exec.LookPath("python3")
		if err != nil {
			continue
		}
		code, _ = sdkCode(sdkPython, tr, false)
		file := filepath.Join(t.TempDir(), "call.py")
		if err := os.WriteFile(file, []byte(code), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(py, "-m", "py_compile", file).CombinedOutput(); err != nil {
			t.Errorf("Python code for %s does not compile: %s\n%s", tr.CallName(), out, code)
		}
	}
}

// The Node code, run with the official alipay-sdk (the pinned copy the
// emulator's tests use) against the emulator, makes the same call and
// gets a verified answer.
func TestSDKCodeRunsWithTheNodeSDK(t *testing.T) {
	dir, _ := filepath.Abs(filepath.Join("..", "gateway", "emulator", "testdata", "sdk-node"))
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "alipay-sdk")); err != nil {
		t.Skip("the pinned alipay-sdk is not installed: npm ci in " + dir)
	}
	p := newPeer(t)
	key, err := x509.MarshalPKCS8PrivateKey(p.emu.DemoApp().PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(p.emu.AlipayPublicKey())
	if err != nil {
		t.Fatal(err)
	}
	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		traces := calls(t, p, func(pr *gateway.Profile) { pr.Protocol = protocol })
		// Codes are single-use: the exchange is written again with a fresh one.
		fresh, err := p.emu.MintCode(emulator.DemoAppID, "auth_user", "")
		if err != nil {
			t.Fatal(err)
		}
		ex := *traces[0]
		ex.Request.Params = map[string]string{"code": fresh}
		ex.Request.Body = strings.ReplaceAll(ex.Request.Body, traces[0].Request.Params["code"], fresh)
		if protocol == gateway.V3 {
			ex.Request.Body = `{"grant_type":"authorization_code","code":"` + fresh + `"}`
		}
		for _, tr := range []*gateway.Trace{&ex, traces[2]} {
			code, err := sdkCode(sdkNode, tr, true)
			if err != nil {
				t.Fatal(err)
			}
			code = strings.NewReplacer(placeholderPrivateKey, base64.StdEncoding.EncodeToString(key),
				placeholderAlipayKey, base64.StdEncoding.EncodeToString(pub)).Replace(code)
			cmd := exec.Command(node, "-e", code)
			cmd.Dir = dir
			// As the code's comment asks: the SDK stamps local time.
			cmd.Env = append(os.Environ(), "TZ=Asia/Shanghai")
			out, err := cmd.CombinedOutput()
			if err != nil || strings.Contains(string(out), "Error") || !strings.Contains(string(out), "2088") {
				t.Errorf("%s %s with alipay-sdk: %v\n%s\n%s", protocol, tr.CallName(), err, out, code)
			}
		}
	}
}

// Certificate mode is written with each SDK's certificate calls.
func TestSDKCodeInCertificateMode(t *testing.T) {
	tr := loadTrace(t, "exchange_v2.json")
	tr.Request.Params["app_cert_sn"] = "9b5c4b4e4cd1a6b1e8e6e9f0d1d2c3a4"
	want := map[sdkLang][]string{
		sdkJava:   {"setAppCertPath", "setRootCertPath", "certificateExecute"},
		sdkNode:   {"appCertPath", "alipayRootCertPath"},
		sdkGo:     {"LoadAppCertPublicKeyFromFile", "LoadAliPayRootCertFromFile"},
		sdkPython: {"takes keys, not certificates"},
		sdkPHP:    {"AopCertClient", "getRootCertSN"},
	}
	for lang, words := range want {
		code, err := sdkCode(lang, tr, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range words {
			if !strings.Contains(code, w) {
				t.Errorf("%s in certificate mode lacks %s:\n%s", lang, w, code)
			}
		}
	}
}
