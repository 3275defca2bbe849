package gateway_test

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"aliauth/gateway"
)

// The URL has Alipay's documented form, parameter for parameter:
// https://openauth.alipay.com/oauth2/publicAppAuthorize.htm?app_id=APPID&scope=SCOPE&redirect_uri=ENCODED_URL
// with state appended, the redirect URI percent-encoded as the docs' example
// (http%3A%2F%2Fexample.com) shows.
func TestAuthorizeURLDocumentedForm(t *testing.T) {
	for _, c := range []struct {
		env  string
		page string
	}{
		{"production", gateway.ProductionAuthorizePage},
		{"sandbox", gateway.SandboxAuthorizePage},
	} {
		t.Run(c.env, func(t *testing.T) {
			got, state, err := gateway.Authorize{
				Page:        c.page,
				AppID:       "2021000122650399",
				Scope:       gateway.ScopeAuthUser,
				RedirectURI: "https://www.example.com/alipay/callback?from=qr&x=1",
				State:       "c3RhdGU",
			}.URL()
			if err != nil {
				t.Fatal(err)
			}
			want := c.page + "?app_id=2021000122650399&scope=auth_user&redirect_uri=https%3A%2F%2Fwww.example.com%2Falipay%2Fcallback%3Ffrom%3Dqr%26x%3D1&state=c3RhdGU"
			if got != want || state != "c3RhdGU" {
				t.Fatalf("got  %s\nwant %s", got, want)
			}
			// What Alipay reads back is what was meant.
			u, _ := url.Parse(got)
			if q := u.Query(); q.Get("redirect_uri") != "https://www.example.com/alipay/callback?from=qr&x=1" || q.Get("scope") != "auth_user" {
				t.Fatalf("query reads back as %v", q)
			}
		})
	}
}

func TestAuthorizeURLMakesRandomState(t *testing.T) {
	a := gateway.Authorize{Page: gateway.ProductionAuthorizePage, AppID: "2021000122650399", Scope: gateway.ScopeAuthBase, RedirectURI: "https://example.com/cb"}
	seen := map[string]bool{}
	for range 50 {
		u, state, err := a.URL()
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[A-Za-z0-9_-]{12}$`).MatchString(state) || !strings.HasSuffix(u, "&state="+state) {
			t.Fatalf("state %q in %s", state, u)
		}
		if seen[state] {
			t.Fatalf("state %q repeated", state)
		}
		seen[state] = true
	}
}

func TestAppToAppAuthorizeURL(t *testing.T) {
	got, _, err := gateway.AppToAppAuthorize{
		Page:        gateway.ProductionAppToAppPage,
		AppID:       "2015101400446982",
		RedirectURI: "http://example.com/doc/toAuthPage.html",
		State:       "s1",
	}.URL()
	want := "https://openauth.alipay.com/oauth2/appToAppAuth.htm?app_id=2015101400446982&redirect_uri=http%3A%2F%2Fexample.com%2Fdoc%2FtoAuthPage.html&state=s1"
	if err != nil || got != want {
		t.Fatalf("got %s %v\nwant %s", got, err, want)
	}
}

func TestAuthorizeURLRefusesBadInput(t *testing.T) {
	ok := gateway.Authorize{Page: gateway.SandboxAuthorizePage, AppID: "2021000122650399", Scope: "auth_user", RedirectURI: "https://example.com/cb"}
	cases := []struct {
		name string
		edit func(*gateway.Authorize)
		want string
	}{
		{"no app id", func(a *gateway.Authorize) { a.AppID = " " }, "no app id"},
		{"bad scope", func(a *gateway.Authorize) { a.Scope = "auth_userinfo" }, `"auth_userinfo" is not one`},
		{"no scope", func(a *gateway.Authorize) { a.Scope = "" }, "auth_base (the user id only)"},
		{"relative redirect", func(a *gateway.Authorize) { a.RedirectURI = "/callback" }, "http:// or https://"},
		{"app scheme redirect", func(a *gateway.Authorize) { a.RedirectURI = "alipays://platformapi" }, "http:// or https://"},
		{"no redirect", func(a *gateway.Authorize) { a.RedirectURI = "" }, "no redirect URI"},
		{"chinese state", func(a *gateway.Authorize) { a.State = "登录" }, "printable ASCII"},
		{"long state", func(a *gateway.Authorize) { a.State = strings.Repeat("a", 101) }, "at most 100"},
		{"page not a URL", func(a *gateway.Authorize) { a.Page = "openauth.alipay.com" }, "not an http(s) URL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := ok
			c.edit(&a)
			if _, _, err := a.URL(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want it to say %q", err, c.want)
			}
		})
	}
	a := ok
	a.Scope = "auth_user,auth_ecard"
	if _, _, err := a.URL(); err != nil {
		t.Fatalf("several scopes: %v", err)
	}
}

func TestProfileAuthorizePage(t *testing.T) {
	cases := []struct {
		p        gateway.Profile
		page, ap string
	}{
		{gateway.Profile{Gateway: gateway.ProductionGateway}, gateway.ProductionAuthorizePage, gateway.ProductionAppToAppPage},
		{gateway.Profile{Gateway: gateway.SandboxGateway}, gateway.SandboxAuthorizePage, gateway.SandboxAppToAppPage},
		{gateway.Profile{Protocol: gateway.V3, Endpoint: gateway.SandboxEndpoint}, gateway.SandboxAuthorizePage, gateway.SandboxAppToAppPage},
		{gateway.Profile{Emulator: true, Gateway: "http://127.0.0.1:8123/gateway.do"}, "http://127.0.0.1:8123/oauth2/publicAppAuthorize.htm", "http://127.0.0.1:8123/oauth2/appToAppAuth.htm"},
	}
	for _, c := range cases {
		page, err := c.p.AuthorizePage()
		ap, err2 := c.p.AppToAppPage()
		if err != nil || err2 != nil || page != c.page || ap != c.ap {
			t.Errorf("%s: %s %v, %s %v", c.p.URL(), page, err, ap, err2)
		}
	}
	custom := gateway.Profile{Gateway: "https://proxy.example.com/gateway.do"}
	if _, err := custom.AuthorizePage(); !errors.Is(err, gateway.ErrNoAuthorizePage) {
		t.Fatalf("custom gateway: %v", err)
	}
}

// Alipay compares the domain part of redirect_uri with the configured
// 授权回调地址.
func TestCheckRedirectDomain(t *testing.T) {
	cases := []struct {
		redirect, configured string
		ok                   bool
	}{
		{"https://example.com/alipay/cb?x=1", "https://example.com/other", true},
		{"https://EXAMPLE.com/cb", "example.com", true},
		{"http://example.com:8080/cb", "https://example.com", true},
		{"https://abc.trycloudflare.com/cb", "https://example.com/cb", false},
		{"http://127.0.0.1:8765/callback", "https://example.com/cb", false},
		{"https://sub.example.com/cb", "https://example.com/cb", false},
	}
	for _, c := range cases {
		err := gateway.CheckRedirectDomain(c.redirect, c.configured)
		var mismatch *gateway.RedirectMismatchError
		switch {
		case c.ok && err != nil:
			t.Errorf("%s against %s: %v", c.redirect, c.configured, err)
		case !c.ok && !errors.As(err, &mismatch):
			t.Errorf("%s against %s: %v, want a mismatch", c.redirect, c.configured, err)
		case !c.ok && !strings.Contains(err.Error(), "授权回调地址"):
			t.Errorf("the mismatch does not name the setting: %v", err)
		}
	}
	if err := gateway.CheckRedirectDomain("https://example.com/cb", "  "); err == nil {
		t.Fatal("an empty 授权回调地址 passed")
	}
}
