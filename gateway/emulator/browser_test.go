package emulator_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// findBrowser returns a Chromium or Chrome to drive: $ALIAUTH_BROWSER, or
// one on PATH (Debian's chromium, which .ci/run installs).
func findBrowser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("ALIAUTH_BROWSER"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium or Chrome on PATH (and ALIAUTH_BROWSER unset): the browser flow cannot be driven; install Debian's chromium (apt-get install chromium)")
	return ""
}

// browser starts a headless browser with a fresh profile and nothing that
// reaches out to the network on its own, as this closed network refuses it.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(findBrowser(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start the browser: %v", err)
	}
	return bctx
}

// The whole H5 flow, offline, in a real browser: the authorization URL
// built for the emulator profile opens the emulator's consent page; the
// user picks a demo user and agrees; the browser lands on the redirect
// catcher with the code and the state; the catcher hands the code over and
// it exchanges for that user's tokens. A wrong app id gets the error page.
func TestBrowserAuthorizeFlow(t *testing.T) {
	ctx := browser(t)
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	client := newClient(t, s, gateway.V2)
	profile := client.Profile()
	page, err := profile.AuthorizePage()
	if err != nil {
		t.Fatal(err)
	}
	state := gateway.NewState()
	catcher, err := gateway.ListenCatcher(gateway.CatcherConfig{State: state})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = catcher.Close() })
	authURL, _, err := gateway.Authorize{Page: page, AppID: emulator.DemoAppID, Scope: gateway.ScopeAuthUser, RedirectURI: catcher.RedirectURI(), State: state}.URL()
	if err != nil {
		t.Fatal(err)
	}

	user := emulator.DemoUsers[2]
	err = chromedp.Do(ctx,
		chromedp.Navigate(authURL),
		chromedp.WaitVisible(chromedp.CSS("#agree")),
	)
	if err != nil {
		t.Fatalf("open the consent page: %v", err)
	}
	appID := text(t, ctx, "#app-id")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#user-"+user)),
		chromedp.Click(chromedp.CSS("#agree")),
		chromedp.WaitVisible(chromedp.CSS("#message")),
	); err != nil {
		t.Fatalf("agree on the consent page: %v", err)
	}
	message := text(t, ctx, "#message")
	landed, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if appID != emulator.DemoAppID || !strings.Contains(message, "exchanging it now") || !strings.HasPrefix(landed, catcher.RedirectURI()+"?") {
		t.Fatalf("app %q, message %q, landed on %s", appID, message, landed)
	}

	var l gateway.Landing
	select {
	case l = <-catcher.Landings():
	case <-time.After(10 * time.Second):
		t.Fatal("the catcher delivered nothing")
	}
	if l.Err != nil || l.AppID != emulator.DemoAppID || l.Source != "alipay_wallet" || l.Scope != gateway.ScopeAuthUser || l.State != state {
		t.Fatalf("landing %+v", l)
	}
	tr, err := client.Exchange(context.Background(), l.Code)
	if err != nil || tr.Tokens.UserID != user {
		t.Fatalf("exchange: %v %+v", err, tr.Tokens)
	}

	bad := strings.Replace(authURL, "app_id="+emulator.DemoAppID, "app_id=2021009999999999", 1)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(bad),
		chromedp.WaitVisible(chromedp.CSS("#error-code")),
	); err != nil {
		t.Fatal(err)
	}
	if code := text(t, ctx, "#error-code"); code != "isv.invalid-app-id" {
		t.Fatalf("error page code %q", code)
	}
}

func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("read %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}
