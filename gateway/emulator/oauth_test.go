package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// clocked is an emulator and clients of both protocols that share a clock
// the test moves, so codes and tokens can be made to expire.
type clocked struct {
	clock  *fakeClock
	emu    *emulator.Emulator
	srv    *emulator.Server
	client map[gateway.Protocol]*gateway.Client
}

func newClocked(t *testing.T, cfg emulator.Config) *clocked {
	t.Helper()
	c := &clocked{clock: newClock(), client: map[gateway.Protocol]*gateway.Client{}}
	cfg.Now = c.clock.Now
	c.emu = newEmulator(t, cfg)
	c.srv = serve(t, c.emu)
	for _, p := range []gateway.Protocol{gateway.V2, gateway.V3} {
		c.client[p] = newClient(t, c.srv, p)
		c.client[p].Now = c.clock.Now
	}
	return c
}

// wantAPIError checks that a call was answered with an error the gateway
// signed, and returns the code a program branches on: sub_code for v2,
// code for v3.
func wantAPIError(t *testing.T, tr *gateway.Trace, err error) string {
	t.Helper()
	var apiErr *gateway.APIError
	if !errors.As(err, &apiErr) || tr == nil {
		t.Fatalf("want a gateway error, got %v", err)
	}
	if tr.Outcome != gateway.OutcomeGatewayError || tr.Verification.Status != gateway.Verified {
		t.Fatalf("outcome %s verification %s (%s)", tr.Outcome, tr.Verification.Status, tr.Verification.Detail)
	}
	if tr.Protocol == gateway.V3 {
		if tr.Response.Status < 400 || tr.Response.Status > 499 {
			t.Fatalf("v3 error with HTTP %d", tr.Response.Status)
		}
		return apiErr.Code
	}
	return apiErr.SubCode
}

func eachProtocol(t *testing.T, f func(t *testing.T, p gateway.Protocol)) {
	for _, p := range []gateway.Protocol{gateway.V2, gateway.V3} {
		t.Run(string(p), func(t *testing.T) { f(t, p) })
	}
}

func TestCodeIsSingleUse(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p gateway.Protocol) {
		c := newClocked(t, emulator.Config{})
		code := mint(t, c.emu, emulator.DemoAppID, "")
		ctx := context.Background()
		if _, err := c.client[p].Exchange(ctx, code); err != nil {
			t.Fatal(err)
		}
		tr, err := c.client[p].Exchange(ctx, code)
		if got := wantAPIError(t, tr, err); got != "isv.code-invalid" {
			t.Fatalf("second use: %s", got)
		}
	})
}

func TestCodeExpires(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p gateway.Protocol) {
		c := newClocked(t, emulator.Config{CodeTTL: 3 * time.Minute})
		ctx := context.Background()
		fresh := mint(t, c.emu, emulator.DemoAppID, "")
		stale := mint(t, c.emu, emulator.DemoAppID, "")
		c.clock.Advance(3*time.Minute - time.Second)
		if _, err := c.client[p].Exchange(ctx, fresh); err != nil {
			t.Fatalf("a code one second before it expires: %v", err)
		}
		c.clock.Advance(2 * time.Second)
		tr, err := c.client[p].Exchange(ctx, stale)
		if got := wantAPIError(t, tr, err); got != "isv.code-invalid" {
			t.Fatalf("expired code: %s", got)
		}
	})
}

func TestCodeOfAnotherAppIsRefused(t *testing.T) {
	want := map[gateway.Protocol]string{gateway.V2: "isv.code-invalid", gateway.V3: "isv.unmatched-app-id"}
	eachProtocol(t, func(t *testing.T, p gateway.Protocol) {
		c := newClocked(t, emulator.Config{})
		registerOther(t, c.emu, gateway.RSA2)
		ctx := context.Background()
		theirs := mint(t, c.emu, otherAppID, "")
		tr, err := c.client[p].Exchange(ctx, theirs)
		if got := wantAPIError(t, tr, err); got != want[p] {
			t.Fatalf("another app's code: %s, want %s", got, want[p])
		}
		// Refusing it did not spend it: its own app still can.
		other := newClient(t, c.srv, p, func(pr *gateway.Profile) { pr.AppID, pr.PrivateKey = otherAppID, otherKey })
		otherTr, err := other.Exchange(ctx, theirs)
		if err != nil {
			t.Fatalf("the code's own app: %v", err)
		}
		// Nor do its tokens work for the demo app.
		tr, err = c.client[p].Refresh(ctx, otherTr.Tokens.RefreshToken)
		wantRefresh := map[gateway.Protocol]string{gateway.V2: "isv.refresh-token-invalid", gateway.V3: "isv.unmatched-app-id"}
		if got := wantAPIError(t, tr, err); got != wantRefresh[p] {
			t.Fatalf("another app's refresh token: %s, want %s", got, wantRefresh[p])
		}
		tr, err = c.client[p].UserInfo(ctx, otherTr.Tokens.AccessToken)
		wantToken := map[gateway.Protocol]string{gateway.V2: "aop.invalid-auth-token", gateway.V3: "invalid-auth-token"}
		if got := wantAPIError(t, tr, err); got != wantToken[p] {
			t.Fatalf("another app's access token: %s", got)
		}
		// The open id is per app, the user id is not.
		mine, err := c.emu.MintCode(emulator.DemoAppID, "", otherTr.Tokens.UserID)
		if err != nil {
			t.Fatal(err)
		}
		myTr, err := c.client[p].Exchange(ctx, mine)
		if err != nil {
			t.Fatal(err)
		}
		if myTr.Tokens.UserID != otherTr.Tokens.UserID || myTr.Tokens.OpenID == otherTr.Tokens.OpenID {
			t.Fatalf("one user across two apps: %+v and %+v", myTr.Tokens, otherTr.Tokens)
		}
	})
}

func TestAccessTokenExpires(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p gateway.Protocol) {
		c := newClocked(t, emulator.Config{AccessTTL: time.Hour, RefreshTTL: 24 * time.Hour})
		ctx := context.Background()
		tk := exchange(t, c.emu, c.client[p], emulator.ScopeAuthUser)
		if tk.ExpiresIn != 3600 || tk.ReExpiresIn != 86400 {
			t.Fatalf("expires_in %d re_expires_in %d", tk.ExpiresIn, tk.ReExpiresIn)
		}
		if got := tk.AccessExpiresAt.Sub(c.clock.Now()); got < 59*time.Minute || got > time.Hour+time.Minute {
			t.Fatalf("access expires in %v", got)
		}
		c.clock.Advance(time.Hour + time.Second)
		tr, err := c.client[p].UserInfo(ctx, tk.AccessToken)
		want := map[gateway.Protocol]string{gateway.V2: "aop.auth-token-time-out", gateway.V3: "auth-token-time-out"}
		if got := wantAPIError(t, tr, err); got != want[p] {
			t.Fatalf("expired access token: %s", got)
		}
		if p == gateway.V2 && (tr.Verification.Node != "alipay_user_info_share_response" || tr.Error.Code != "20001") {
			t.Fatalf("v2 token error in %s with code %s", tr.Verification.Node, tr.Error.Code)
		}
		// The refresh token outlives it and gets a working one.
		ref, err := c.client[p].Refresh(ctx, tk.RefreshToken)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.client[p].UserInfo(ctx, ref.Tokens.AccessToken); err != nil {
			t.Fatalf("refreshed access token: %v", err)
		}
	})
}

func TestRefreshRotates(t *testing.T) {
	wantOld := map[gateway.Protocol]string{gateway.V2: "isv.refresh-token-invalid", gateway.V3: "isv.refreshed-token-invalid"}
	eachProtocol(t, func(t *testing.T, p gateway.Protocol) {
		c := newClocked(t, emulator.Config{})
		ctx := context.Background()
		first := exchange(t, c.emu, c.client[p], emulator.ScopeAuthUser)
		c.clock.Advance(time.Minute)
		tr, err := c.client[p].Refresh(ctx, first.RefreshToken)
		if err != nil {
			t.Fatal(err)
		}
		second := tr.Tokens
		if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
			t.Fatalf("refresh did not rotate: %+v", second)
		}
		if second.UserID != first.UserID || second.OpenID != first.OpenID {
			t.Fatalf("refresh changed the user: %+v -> %+v", first, second)
		}
		if second.AuthStart == first.AuthStart {
			t.Errorf("auth_start %s did not move with the refresh", second.AuthStart)
		}
		tr, err = c.client[p].Refresh(ctx, first.RefreshToken)
		if got := wantAPIError(t, tr, err); got != wantOld[p] {
			t.Fatalf("the rotated-out refresh token: %s, want %s", got, wantOld[p])
		}
		if _, err := c.client[p].Refresh(ctx, second.RefreshToken); err != nil {
			t.Fatalf("the new refresh token: %v", err)
		}
		tr, err = c.client[p].Refresh(ctx, "authusrB0000")
		if got := wantAPIError(t, tr, err); got != "isv.refresh-token-invalid" {
			t.Fatalf("an unknown refresh token: %s", got)
		}
	})
}

func TestRefreshTokenExpires(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p gateway.Protocol) {
		c := newClocked(t, emulator.Config{AccessTTL: time.Hour, RefreshTTL: 2 * time.Hour})
		tk := exchange(t, c.emu, c.client[p], emulator.ScopeAuthUser)
		c.clock.Advance(2*time.Hour + time.Second)
		tr, err := c.client[p].Refresh(context.Background(), tk.RefreshToken)
		if got := wantAPIError(t, tr, err); got != "isv.refresh-token-time-out" {
			t.Fatalf("expired refresh token: %s", got)
		}
	})
}

// An auth_base token cannot read the profile. The gateway answers with the
// invalid-token code (v2 aop.invalid-auth-token in the method's node, v3
// invalid-auth-token with HTTP 401), not one that names the scope, so the
// client's explanation puts the scope first.
func TestAuthBaseTokenIsRefusedByUserInfo(t *testing.T) {
	want := map[gateway.Protocol]string{gateway.V2: "aop.invalid-auth-token", gateway.V3: "invalid-auth-token"}
	eachProtocol(t, func(t *testing.T, p gateway.Protocol) {
		c := newClocked(t, emulator.Config{})
		tk := exchange(t, c.emu, c.client[p], emulator.ScopeAuthBase)
		if tk.AccessToken == "" || tk.UserID == "" {
			t.Fatalf("auth_base tokens %+v", tk)
		}
		tr, err := c.client[p].UserInfo(context.Background(), tk.AccessToken)
		if got := wantAPIError(t, tr, err); got != want[p] {
			t.Fatalf("code %s, want %s", got, want[p])
		}
		if p == gateway.V2 && (tr.Error.Code != "20001" || tr.Verification.Node != "alipay_user_info_share_response") {
			t.Fatalf("v2 answer %s in %s", tr.Error.Code, tr.Verification.Node)
		}
		if p == gateway.V3 && tr.Response.Status != 401 {
			t.Fatalf("v3 answer with HTTP %d", tr.Response.Status)
		}
		if !strings.Contains(tr.Error.Meaning, "auth_base") || !strings.Contains(tr.Error.Hint, "auth_user") ||
			strings.Index(tr.Error.Meaning, "auth_base") > strings.Index(tr.Error.Meaning, "mistyped") {
			t.Fatalf("the explanation does not put the scope first: %q / %q", tr.Error.Meaning, tr.Error.Hint)
		}
		// A refreshed auth_base token is still auth_base.
		ref, err := c.client[p].Refresh(context.Background(), tk.RefreshToken)
		if err != nil {
			t.Fatal(err)
		}
		tr, err = c.client[p].UserInfo(context.Background(), ref.Tokens.AccessToken)
		if got := wantAPIError(t, tr, err); got != want[p] {
			t.Fatalf("refreshed auth_base token: %s", got)
		}
	})
}

// v3 errors are HTTP 4xx with {code,links,message}, signed in headers over
// alipay-timestamp\nalipay-nonce\nbody\n, except when no app is known.
// Gateway-level codes carry no isv./aop. prefix; the OAuth codes keep it.
func TestV3AnswersOnTheWire(t *testing.T) {
	c := newClocked(t, emulator.Config{})
	s, e := c.srv, c.emu
	registerOther(t, e, gateway.RSA2)
	used := mint(t, e, emulator.DemoAppID, "")
	token := func(grant, key, value string) string {
		b, _ := json.Marshal(map[string]string{"grant_type": grant, key: value})
		return string(b)
	}
	callV3(t, s, appKey, emulator.DemoAppID, gateway.V3PathOAuthToken, token("authorization_code", "code", used), nil)
	tk := exchange(t, e, c.client[gateway.V3], emulator.ScopeAuthUser)
	base := exchange(t, e, c.client[gateway.V3], emulator.ScopeAuthBase)
	cases := []struct {
		name     string
		appID    string
		path     string
		body     string
		edit     func(*gateway.V3Auth, http.Header)
		status   int
		code     string // "" for success
		unsigned bool
		noLinks  bool
	}{
		{name: "exchange", path: gateway.V3PathOAuthToken, body: token("authorization_code", "code", mint(t, e, emulator.DemoAppID, "")), status: 200},
		{name: "used code", path: gateway.V3PathOAuthToken, body: token("authorization_code", "code", used), status: 400, code: "isv.code-invalid"},
		{name: "another app's code", path: gateway.V3PathOAuthToken, body: token("authorization_code", "code", mint(t, e, otherAppID, "")), status: 400, code: "isv.unmatched-app-id"},
		{name: "unknown grant type", path: gateway.V3PathOAuthToken, body: token("password", "code", "x"), status: 400, code: "isv.grant-type-invalid"},
		{name: "unknown refresh token", path: gateway.V3PathOAuthToken, body: token("refresh_token", "refresh_token", "authusrBnope"), status: 400, code: "isv.refresh-token-invalid"},
		{name: "user info", path: gateway.V3PathUserInfo + "?auth_token=" + url.QueryEscape(tk.AccessToken), status: 200},
		{name: "user info, unknown token", path: gateway.V3PathUserInfo + "?auth_token=nope", status: 401, code: "invalid-auth-token"},
		{name: "user info, auth_base token", path: gateway.V3PathUserInfo + "?auth_token=" + base.AccessToken, status: 401, code: "invalid-auth-token"},
		{name: "bad signature", path: gateway.V3PathOAuthToken, body: token("authorization_code", "code", "x"),
			edit: func(a *gateway.V3Auth, _ http.Header) { a.Sign = "AAAA" }, status: 400, code: "invalid-signature"},
		{name: "no sign field", path: gateway.V3PathOAuthToken, body: token("authorization_code", "code", "x"),
			edit: func(a *gateway.V3Auth, h http.Header) {
				h["Authorization"] = []string{gateway.V3Scheme + " app_id=" + a.AppID + ",nonce=n,timestamp=" + a.Timestamp}
			}, status: 400, code: "missing-signature"},
		{name: "timestamp not a number", path: gateway.V3PathOAuthToken, body: token("authorization_code", "code", "x"),
			edit: func(a *gateway.V3Auth, _ http.Header) { a.Timestamp = "2024-01-01 00:00:00" }, status: 400, code: "invalid-timestamp"},
		{name: "unknown app is unsigned", appID: "2021009999999999", path: gateway.V3PathOAuthToken, body: token("authorization_code", "code", "x"), status: 400, code: "invalid-app-id", unsigned: true},
		{name: "no authorization is missing-timestamp, unsigned, without links", path: gateway.V3PathOAuthToken, body: token("authorization_code", "code", "x"),
			edit: func(_ *gateway.V3Auth, h http.Header) { h["Authorization"] = []string{"-"} }, status: 400, code: "missing-timestamp", unsigned: true, noLinks: true},
		{name: "no timestamp field is missing-timestamp", path: gateway.V3PathOAuthToken, body: token("authorization_code", "code", "x"),
			edit: func(a *gateway.V3Auth, _ http.Header) { a.Timestamp = "" }, status: 400, code: "missing-timestamp", unsigned: true, noLinks: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			appID := tc.appID
			if appID == "" {
				appID = emulator.DemoAppID
			}
			r := callV3(t, s, appKey, appID, tc.path, tc.body, tc.edit)
			if r.Status != tc.status {
				t.Fatalf("HTTP %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			trace := r.Header.Get("alipay-trace-id")
			if trace == "" {
				t.Error("no alipay-trace-id header")
			}
			signed := v3Signed(t, r, e.AlipayPublicKey())
			if signed == tc.unsigned {
				t.Fatalf("signed %v, want %v", signed, !tc.unsigned)
			}
			if bytes.Contains(r.Body, []byte(`\/`)) {
				t.Errorf("a v3 body escapes /: %s", r.Body)
			}
			if tc.status == 200 {
				var m map[string]any
				if err := json.Unmarshal(r.Body, &m); err != nil {
					t.Fatal(err)
				}
				if _, hasCode := m["code"]; hasCode {
					t.Errorf("a v3 success carries code: %s", r.Body)
				}
				return
			}
			code, _, links := v3Error(t, r)
			if code != tc.code {
				t.Fatalf("code %s, want %s", code, tc.code)
			}
			switch {
			case tc.noLinks && len(links) > 0:
				t.Fatalf("links %+v, want none", links)
			case !tc.noLinks && (len(links) != 1 || links[0].Desc != "解决方案" || !strings.Contains(links[0].Link, "errCheck?traceId="+trace)):
				t.Fatalf("links %+v, want one 解决方案 link to errCheck for trace %s", links, trace)
			}
		})
	}
}
