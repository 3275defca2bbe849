package emulator_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// noRedirect is a client that reports redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func authorizePage(s *emulator.Server) string { return s.URL + gateway.AuthorizePagePath }

// The consent page's form, posted as the browser posts it, sends the
// browser to redirect_uri with app_id, source, scope, auth_code and state,
// in Alipay's order, keeping redirect_uri's own query; the code exchanges
// for the chosen user.
func TestAuthorizePageGrant(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	resp, err := noRedirect.PostForm(authorizePage(s), url.Values{
		"app_id": {emulator.DemoAppID}, "scope": {"auth_user"}, "redirect_uri": {"https://example.com/cb?from=qr"},
		"state": {"st-1"}, "user_id": {emulator.DemoUsers[1]}, "decision": {"agree"},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "https://example.com/cb?from=qr&app_id="+emulator.DemoAppID+"&source=alipay_wallet&scope=auth_user&auth_code=") || !strings.HasSuffix(loc, "&state=st-1") {
		t.Fatalf("%d %s", resp.StatusCode, loc)
	}
	landing, err := gateway.ParseLanding(loc)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := newClient(t, s, gateway.V2).Exchange(context.Background(), landing.Code)
	if err != nil || tr.Tokens.UserID != emulator.DemoUsers[1] {
		t.Fatalf("exchange: %v %+v", err, tr.Tokens)
	}
}

// A wrong app id, a missing or unusable redirect and an unknown scope get
// the error page, naming the mistake; no code is issued.
func TestAuthorizePageErrors(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	cases := map[string]struct {
		query url.Values
		code  string
	}{
		"wrong app id":   {url.Values{"app_id": {"2021009999999999"}, "scope": {"auth_user"}, "redirect_uri": {"https://example.com/cb"}}, "isv.invalid-app-id"},
		"no app id":      {url.Values{"scope": {"auth_user"}, "redirect_uri": {"https://example.com/cb"}}, "isv.missing-app-id"},
		"no redirect":    {url.Values{"app_id": {emulator.DemoAppID}, "scope": {"auth_user"}}, "isv.missing-redirect-uri"},
		"app redirect":   {url.Values{"app_id": {emulator.DemoAppID}, "scope": {"auth_user"}, "redirect_uri": {"javascript:alert(1)"}}, "isv.invalid-redirect-uri"},
		"unknown scope":  {url.Values{"app_id": {emulator.DemoAppID}, "scope": {"auth_everything"}, "redirect_uri": {"https://example.com/cb"}}, "isv.invalid-scope"},
		"escaped app id": {url.Values{"app_id": {"<b>x</b>"}, "scope": {"auth_user"}, "redirect_uri": {"https://example.com/cb"}}, "isv.invalid-app-id"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r := do(t, mustRequest(t, http.MethodGet, authorizePage(s)+"?"+c.query.Encode()))
			body := string(r.Body)
			if r.Status != http.StatusOK || !strings.Contains(body, `<code id="error-code">`+c.code+`</code>`) || strings.Contains(body, "<b>x</b>") {
				t.Fatalf("%d %s", r.Status, body)
			}
		})
	}
	// Cancelling issues no code and does not redirect.
	resp, err := noRedirect.PostForm(authorizePage(s), url.Values{"app_id": {emulator.DemoAppID}, "scope": {"auth_base"}, "redirect_uri": {"https://example.com/cb"}, "decision": {"cancel"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Location") != "" {
		t.Fatalf("cancel: %d %v", resp.StatusCode, resp.Header)
	}
}
