package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

var appTokenRE = regexp.MustCompile(`^\d{6}BB[0-9a-f]{32}$`)

// isvClient is a client of the second test app, acting as the third-party
// (ISV) app the demo app's merchant authorizes.
func isvClient(t *testing.T, s *emulator.Server, protocol gateway.Protocol) *gateway.Client {
	t.Helper()
	return newClient(t, s, protocol, func(p *gateway.Profile) { p.AppID, p.PrivateKey = otherAppID, otherKey })
}

func apiError(t *testing.T, err error) *gateway.APIError {
	t.Helper()
	var a *gateway.APIError
	if !errors.As(err, &a) {
		t.Fatalf("want a gateway error, got %v", err)
	}
	return a
}

// Third-party app authorization against the emulator over both protocols:
// the app_auth_code trades once for a token pair; the query tells whom the
// token acts for; refresh renews it; the token, passed top-level, makes the
// ISV's calls act for the merchant's app; a token it was not given is
// refused with aop.invalid-app-auth-token, explained.
func TestAppAuthorization(t *testing.T) {
	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		t.Run(string(protocol), func(t *testing.T) {
			e := newEmulator(t, emulator.Config{})
			s := serve(t, e)
			registerOther(t, e, gateway.RSA2)
			isv := isvClient(t, s, protocol)
			ctx := context.Background()

			code, err := e.MintAppAuthCode(otherAppID, emulator.DemoAppID)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := isv.AppAuthExchange(ctx, code)
			if err != nil {
				t.Fatalf("exchange: %v", err)
			}
			a := tr.AppAuth
			if tr.Method != gateway.MethodAppAuthToken || tr.GrantType != gateway.GrantAuthorizationCode || tr.Verification.Status != gateway.Verified ||
				a == nil || a.AuthAppID != emulator.DemoAppID || !appTokenRE.MatchString(a.AppAuthToken) || !appTokenRE.MatchString(a.AppRefreshToken) ||
				a.ReExpiresIn != 32140800 || a.RefreshExpiresAt.IsZero() || len(a.Tokens) != 1 || a.Tokens[0].AppAuthToken != a.AppAuthToken || !strings.HasPrefix(a.UserID, "2088") {
				t.Fatalf("trace %+v\napp auth %+v", tr, a)
			}
			// The code travels in biz_content (v2: the form body; v3: the JSON body).
			var biz map[string]string
			body := tr.Request.Body
			if protocol == gateway.V2 {
				form, _ := url.ParseQuery(body)
				body = form.Get("biz_content")
				if strings.Contains(tr.Request.URL, "biz_content") {
					t.Errorf("biz_content is in the URL: %s", tr.Request.URL)
				}
			}
			if json.Unmarshal([]byte(body), &biz) != nil || biz["grant_type"] != "authorization_code" || biz["code"] != code {
				t.Fatalf("biz content %s", body)
			}

			if _, err := isv.AppAuthExchange(ctx, code); apiError(t, err).SubCode != "isv.code-invalid" && apiError(t, err).Code != "isv.code-invalid" {
				t.Fatalf("a spent app_auth_code: %v", err)
			} else if e := apiError(t, err); !strings.Contains(e.Meaning, "app_auth_code") || strings.Contains(e.Hint, "my.getAuthCode") {
				t.Errorf("a spent app_auth_code is explained as a user's auth code: %s / %s", e.Meaning, e.Hint)
			}

			q, err := isv.AppAuthQuery(ctx, a.AppAuthToken)
			if err != nil || q.AppAuth.Status != "valid" || q.AppAuth.AuthAppID != emulator.DemoAppID || q.AppAuth.AuthStart == "" ||
				q.AppAuth.IsByAppAuth == nil || !strings.Contains(strings.Join(q.AppAuth.AuthMethods, ","), gateway.MethodOAuthToken) {
				t.Fatalf("query: %v %+v", err, q.AppAuth)
			}

			r, err := isv.AppAuthRefresh(ctx, a.AppRefreshToken)
			if err != nil || r.GrantType != gateway.GrantRefreshToken || r.AppAuth.AppAuthToken == a.AppAuthToken || r.AppAuth.AuthAppID != emulator.DemoAppID {
				t.Fatalf("refresh: %v %+v", err, r.AppAuth)
			}

			// The merchant's user authorizes the merchant's app; the ISV
			// exchanges the code for it. Without the token the code is another app's.
			userCode := mint(t, e, emulator.DemoAppID, emulator.ScopeAuthUser)
			if _, err := isv.Exchange(ctx, userCode); err == nil {
				t.Fatal("the ISV exchanged the merchant's code without the app_auth_token")
			}
			userCode = mint(t, e, emulator.DemoAppID, emulator.ScopeAuthUser)
			isv.AppAuthToken = r.AppAuth.AppAuthToken
			ex, err := isv.Exchange(ctx, userCode)
			if err != nil || ex.Tokens == nil || ex.Tokens.AccessToken == "" {
				t.Fatalf("exchange for the merchant: %v", err)
			}
			switch protocol {
			case gateway.V2:
				if ex.Request.Params["app_auth_token"] != isv.AppAuthToken || !strings.Contains(ex.Request.URL, "app_auth_token=") || strings.Contains(ex.Request.Body, "app_auth_token") {
					t.Fatalf("app_auth_token is not top-level: %s | %s", ex.Request.URL, ex.Request.Body)
				}
			case gateway.V3:
				if ex.Request.Headers["alipay-app-auth-token"] != isv.AppAuthToken || !strings.HasSuffix(ex.Request.StringToSign, isv.AppAuthToken+"\n") {
					t.Fatalf("app_auth_token is not in the header and the signed content: %+v", ex.Request)
				}
			}
			info, err := isv.UserInfo(ctx, ex.Tokens.AccessToken)
			if err != nil || info.Error != nil {
				t.Fatalf("user info for the merchant: %v", err)
			}

			isv.AppAuthToken = "202601BB00000000000000000000000000000000"
			_, err = isv.Exchange(ctx, mint(t, e, emulator.DemoAppID, emulator.ScopeAuthUser))
			bad := apiError(t, err)
			// v3 writes gateway-level codes without their prefix.
			if (bad.SubCode != "aop.invalid-app-auth-token" && bad.Code != "invalid-app-auth-token") || !strings.Contains(bad.Hint, "appToAppAuth.htm") {
				t.Fatalf("a foreign app_auth_token: %+v", bad)
			}
		})
	}
}

// The app tokens are secrets: a redacted trace carries none of them,
// neither those received nor those sent in biz_content.
func TestAppAuthTraceRedaction(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	registerOther(t, e, gateway.RSA2)
	isv := isvClient(t, s, gateway.V2)
	code, err := e.MintAppAuthCode(otherAppID, emulator.DemoAppID)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := isv.AppAuthExchange(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	refreshed, err := isv.AppAuthRefresh(context.Background(), tr.AppAuth.AppRefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	for _, trace := range []*gateway.Trace{tr, refreshed} {
		out, _ := json.Marshal(trace.Redact(gateway.Fingerprint))
		for _, secret := range []string{tr.AppAuth.AppAuthToken, tr.AppAuth.AppRefreshToken, refreshed.AppAuth.AppAuthToken, refreshed.AppAuth.AppRefreshToken} {
			if strings.Contains(string(out), secret) {
				t.Fatalf("%s survives redaction:\n%s", secret, out)
			}
		}
	}
	if !appTokenRE.MatchString(tr.AppAuth.AppAuthToken) {
		t.Fatal("Redact changed the original")
	}
}

// app_auth_token inside biz_content is where the gateway does not look:
// the trace says so, except for the query, whose parameter it is.
func TestAppAuthTokenInBizContentIsWarned(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	c := newClient(t, s, gateway.V2)
	c.DryRun = true
	warned := func(tr *gateway.Trace) bool {
		return strings.Contains(strings.Join(tr.Warnings, "\n"), "inside biz_content")
	}
	tr, err := c.Call(context.Background(), "alipay.trade.query", json.RawMessage(`{"out_trade_no":"20150320010101001","app_auth_token":"202601BBabc"}`))
	if err != nil || !warned(tr) || !strings.Contains(tr.Request.Body, "biz_content=") {
		t.Fatalf("%v %+v", err, tr)
	}
	tr, err = c.Call(context.Background(), gateway.MethodAppAuthQuery, json.RawMessage(`{"app_auth_token":"202601BBabc"}`))
	if err != nil || warned(tr) {
		t.Fatalf("the query warned: %v %v", err, tr.Warnings)
	}
	c.AppAuthToken = "202601BBabc"
	tr, err = c.Call(context.Background(), "alipay.trade.query", json.RawMessage(`{"out_trade_no":"1"}`))
	if err != nil || warned(tr) || tr.Request.Params["app_auth_token"] != "202601BBabc" || !strings.Contains(tr.Request.URL, "app_auth_token=202601BBabc") {
		t.Fatalf("top-level token: %v %+v", err, tr.Request)
	}
	if _, err := c.Call(context.Background(), "alipay.trade.query", json.RawMessage(`[1]`)); err == nil {
		t.Fatal("a biz_content that is not an object was sent")
	}
}

// The app authorization page, like the user one, sends the browser back
// with app_id and app_auth_code, which the ISV exchanges.
func TestAppToAppPageGrant(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	registerOther(t, e, gateway.RSA2)
	state := gateway.NewState()
	page := s.URL + gateway.AppToAppPagePath
	r := do(t, mustRequest(t, "GET", page+"?app_id="+otherAppID+"&redirect_uri=https%3A%2F%2Fisv.example.com%2Fcb&state="+state))
	if !strings.Contains(string(r.Body), `id="merchant-`+emulator.DemoAppID+`"`) {
		t.Fatalf("the page offers no merchant app:\n%s", r.Body)
	}
	resp, err := noRedirect.PostForm(page, url.Values{
		"app_id": {otherAppID}, "redirect_uri": {"https://isv.example.com/cb"}, "state": {state},
		"merchant": {emulator.DemoAppID}, "decision": {"agree"},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	l, err := gateway.ParseLanding(resp.Header.Get("Location"))
	if err != nil || l.Kind != gateway.KindAppAuthCode || l.AppID != otherAppID || l.State != state {
		t.Fatalf("%v %+v", err, l)
	}
	tr, err := isvClient(t, s, gateway.V2).AppAuthExchange(context.Background(), l.Code)
	if err != nil || tr.AppAuth.AuthAppID != emulator.DemoAppID {
		t.Fatalf("%v", err)
	}
}

// App authorization codes and tokens live in the state log: a restarted
// emulator redeems a code issued before, and honours its token.
func TestAppAuthSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	e := newEmulator(t, emulator.Config{Dir: dir})
	registerOther(t, e, gateway.RSA2)
	code, err := e.MintAppAuthCode(otherAppID, emulator.DemoAppID)
	if err != nil {
		t.Fatal(err)
	}
	_ = e.Close()

	again := newEmulator(t, emulator.Config{Dir: dir})
	s := serve(t, again)
	isv := isvClient(t, s, gateway.V2)
	tr, err := isv.AppAuthExchange(context.Background(), code)
	if err != nil {
		t.Fatalf("a code issued before the restart: %v", err)
	}
	_ = s.Close()

	third := newEmulator(t, emulator.Config{Dir: dir})
	s = serve(t, third)
	q, err := isvClient(t, s, gateway.V2).AppAuthQuery(context.Background(), tr.AppAuth.AppAuthToken)
	if err != nil || q.AppAuth.Status != "valid" {
		t.Fatalf("a token issued before the restart: %v", err)
	}
}
