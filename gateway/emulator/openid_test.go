package emulator_test

import (
	"bytes"
	"context"
	"testing"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// An app created after the OpenID migration gets open_id and no user_id,
// over both protocols, in the token and in the profile; the client reads the
// subject from open_id.
func TestOpenIDOnlyApp(t *testing.T) {
	e := newEmulator(t, emulator.Config{OpenIDOnly: true})
	s := serve(t, e)
	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		c := newClient(t, s, protocol)
		tr, err := c.Exchange(context.Background(), mint(t, e, emulator.DemoAppID, emulator.ScopeAuthUser))
		if err != nil {
			t.Fatalf("%s exchange: %v", protocol, err)
		}
		if tk := tr.Tokens; tk.UserID != "" || tk.OpenID == "" || tk.Subject() != tk.OpenID {
			t.Errorf("%s tokens: user_id %q, open_id %q", protocol, tk.UserID, tk.OpenID)
		}
		if bytes.Contains(tr.Response.Body, []byte("user_id")) {
			t.Errorf("%s token body names user_id: %s", protocol, tr.Response.Body)
		}
		info, err := c.UserInfo(context.Background(), tr.Tokens.AccessToken)
		if err != nil {
			t.Fatalf("%s user info: %v", protocol, err)
		}
		if bytes.Contains(info.Response.Body, []byte("user_id")) || !bytes.Contains(info.Response.Body, []byte(tr.Tokens.OpenID)) {
			t.Errorf("%s profile: %s", protocol, info.Response.Body)
		}
	}
}

// The flag is per app: turning it on for a registered app changes the codes
// minted from then on, the demo app keeps both ids, and the flag survives a
// restart.
func TestOpenIDOnlyIsPerAppAndKept(t *testing.T) {
	dir := t.TempDir()
	e := newEmulator(t, emulator.Config{Dir: dir})
	registerOther(t, e, gateway.RSA2)
	before := mint(t, e, otherAppID, emulator.ScopeAuthBase)
	if err := e.SetOpenIDOnly(otherAppID, true); err != nil {
		t.Fatal(err)
	}
	after := mint(t, e, otherAppID, emulator.ScopeAuthBase)
	s := serve(t, e)
	c := newClient(t, s, gateway.V2, func(p *gateway.Profile) { p.AppID, p.PrivateKey = otherAppID, otherKey })
	for code, wantUserID := range map[string]bool{before: true, after: false} {
		tr, err := c.Exchange(context.Background(), code)
		if err != nil {
			t.Fatal(err)
		}
		if got := tr.Tokens.UserID != ""; got != wantUserID {
			t.Errorf("code minted before=%v: user_id %q", wantUserID, tr.Tokens.UserID)
		}
	}
	demo := exchange(t, e, newClient(t, s, gateway.V2), emulator.ScopeAuthBase)
	if demo.UserID == "" {
		t.Error("the demo app lost its user_id")
	}
	if err := e.SetOpenIDOnly("2021999999999999", true); err == nil {
		t.Error("an unknown app was accepted")
	}
	_ = s.Close()

	again := newEmulator(t, emulator.Config{Dir: dir})
	if app, ok := again.App(otherAppID); !ok || !app.OpenIDOnly {
		t.Errorf("after a restart: %+v", app)
	}
}
