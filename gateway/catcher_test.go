package gateway_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
)

func listenCatcher(t *testing.T, cfg gateway.CatcherConfig) *gateway.Catcher {
	t.Helper()
	c, err := gateway.ListenCatcher(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// get fetches a URL without following redirects and returns status and body.
func get(t *testing.T, target string) (int, string, http.Header) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func nextLanding(t *testing.T, c *gateway.Catcher) gateway.Landing {
	t.Helper()
	select {
	case l := <-c.Landings():
		return l
	case <-time.After(5 * time.Second):
		t.Fatal("no landing delivered")
	}
	return gateway.Landing{}
}

func noLanding(t *testing.T, c *gateway.Catcher) {
	t.Helper()
	select {
	case l := <-c.Landings():
		t.Fatalf("unexpected landing %+v", l)
	default:
	}
}

// The catcher takes Alipay's redirect, answers the browser, and delivers the
// code; a wrong state, a missing code and a second code are refused with a
// page that says so, and delivered with the reason.
func TestCatcher(t *testing.T) {
	c := listenCatcher(t, gateway.CatcherConfig{State: "good-state"})
	redirect := c.RedirectURI()
	if !strings.HasPrefix(redirect, "http://127.0.0.1:") || !strings.HasSuffix(redirect, "/callback") {
		t.Fatalf("redirect URI %s", redirect)
	}

	status, body, h := get(t, redirect+"?app_id=2021000000000001&source=alipay_wallet&scope=auth_user&auth_code=code-one-1234567&state=wrong")
	if status != http.StatusBadRequest || !strings.Contains(body, "Wrong state") || !strings.Contains(body, "&#34;wrong&#34;") {
		t.Fatalf("wrong state: %d %s", status, body)
	}
	if l := nextLanding(t, c); !errors.Is(l.Err, gateway.ErrStateMismatch) || l.Code != "code-one-1234567" {
		t.Fatalf("wrong state delivered as %+v", l)
	}
	if h.Get("Cache-Control") != "no-store" {
		t.Errorf("the page may be cached: %v", h)
	}

	status, body, _ = get(t, redirect+"?app_id=2021000000000001&source=alipay_wallet&scope=auth_user&state=good-state")
	if status != http.StatusBadRequest || !strings.Contains(body, "No code") {
		t.Fatalf("missing code: %d %s", status, body)
	}
	if l := nextLanding(t, c); !errors.Is(l.Err, gateway.ErrNoCode) {
		t.Fatalf("missing code delivered as %+v", l)
	}

	status, body, _ = get(t, redirect+"?app_id=2021000000000001&source=alipay_wallet&scope=auth_user&auth_code=code-one-1234567&state=good-state")
	if status != http.StatusOK || !strings.Contains(body, "Code received") || strings.Contains(body, "code-one-1234567") {
		t.Fatalf("good landing: %d %s", status, body)
	}
	l := nextLanding(t, c)
	if l.Err != nil || l.Code != "code-one-1234567" || l.Kind != gateway.KindAuthCode || l.AppID != "2021000000000001" || l.Scope != "auth_user" || l.Source != "alipay_wallet" || l.State != "good-state" {
		t.Fatalf("good landing delivered as %+v", l)
	}

	// The same redirect reloaded: answered again, not delivered twice.
	status, body, _ = get(t, redirect+"?app_id=2021000000000001&source=alipay_wallet&scope=auth_user&auth_code=code-one-1234567&state=good-state")
	if status != http.StatusOK || !strings.Contains(body, "already received") {
		t.Fatalf("reload: %d %s", status, body)
	}
	noLanding(t, c)

	status, body, _ = get(t, redirect+"?app_id=2021000000000001&auth_code=code-two-7654321&state=good-state")
	if status != http.StatusConflict || !strings.Contains(body, "second code") {
		t.Fatalf("second code: %d %s", status, body)
	}
	if l := nextLanding(t, c); !errors.Is(l.Err, gateway.ErrSecondCode) || l.Code != "code-two-7654321" {
		t.Fatalf("second code delivered as %+v", l)
	}

	// Anything else a browser asks for is not a landing.
	if status, _, _ := get(t, strings.TrimSuffix(redirect, "/callback")+"/favicon.ico"); status != http.StatusNotFound {
		t.Fatalf("favicon: %d", status)
	}
	noLanding(t, c)
}

// What the redirect carries reaches the page escaped, never as markup.
func TestCatcherEscapesThePage(t *testing.T) {
	c := listenCatcher(t, gateway.CatcherConfig{State: "s"})
	_, body, _ := get(t, c.RedirectURI()+"?auth_code=x&state=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
	if strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") {
		t.Fatalf("the state reached the page unescaped:\n%s", body)
	}
}

// Behind a tunnel the public redirect URI is not the catcher's address: the
// catcher serves its path, and the short link sends the phone on to the
// authorization page.
func TestCatcherBehindTunnel(t *testing.T) {
	start := "https://openauth.alipay.com/oauth2/publicAppAuthorize.htm?app_id=1&scope=auth_user&redirect_uri=x&state=s"
	c := listenCatcher(t, gateway.CatcherConfig{State: "s", RedirectURI: "https://abc.tunnel.example/alipay/return", StartURL: start})
	if c.RedirectURI() != "https://abc.tunnel.example/alipay/return" || c.ShortLink() != "https://abc.tunnel.example/a" {
		t.Fatalf("redirect %s short %s", c.RedirectURI(), c.ShortLink())
	}
	// The tunnel forwards to the catcher's own address.
	local := "http://" + c.Addr()
	status, _, h := get(t, local+"/a")
	if status != http.StatusFound || h.Get("Location") != start {
		t.Fatalf("short link: %d %v", status, h)
	}
	if status, _, _ := get(t, local+"/alipay/return?auth_code=abc&state=s"); status != http.StatusOK {
		t.Fatalf("landing on the tunnel's path: %d", status)
	}
	if l := nextLanding(t, c); l.Err != nil || l.Code != "abc" {
		t.Fatalf("%+v", l)
	}
}

func TestParseLanding(t *testing.T) {
	l, err := gateway.ParseLanding("https://example.com/cb?app_id=2015101400446982&app_auth_code=ca34ea491e7146cc87d25fca24c4cD11&state=x")
	if err != nil || l.Kind != gateway.KindAppAuthCode || l.Code != "ca34ea491e7146cc87d25fca24c4cD11" || l.AppID != "2015101400446982" {
		t.Fatalf("%+v %v", l, err)
	}
	if _, err := gateway.ParseLanding("https://example.com/cb?app_id=1&state=x"); !errors.Is(err, gateway.ErrNoCode) {
		t.Fatalf("no code: %v", err)
	}
	if _, err := gateway.ListenCatcher(gateway.CatcherConfig{}); err == nil {
		t.Fatal("a catcher without state started")
	}
}

// Where the catcher listens follows from the redirect: its own free port
// when there is none, a loopback redirect's address, --listen for one
// through a tunnel, and nowhere (paste) for one on another machine.
func TestCatcherAddr(t *testing.T) {
	cases := []struct{ redirect, listen, want string }{
		{"", "", "127.0.0.1:0"},
		{"", "127.0.0.1:8080", "127.0.0.1:8080"},
		{"http://127.0.0.1:9000/cb", "", "127.0.0.1:9000"},
		{"http://localhost/cb", "", "localhost:80"},
		{"https://[::1]/cb", "", "[::1]:443"},
		{"https://tunnel.example.com/cb", "127.0.0.1:8080", "127.0.0.1:8080"},
		{"https://tunnel.example.com/cb", "", ""},
		{"http://192.168.1.10:9000/cb", "", ""},
	}
	for _, c := range cases {
		if got := gateway.CatcherAddr(c.redirect, c.listen); got != c.want {
			t.Errorf("CatcherAddr(%q, %q) = %q, want %q", c.redirect, c.listen, got, c.want)
		}
	}
}
