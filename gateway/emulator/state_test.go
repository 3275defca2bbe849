package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/keys"
)

const stateFile = "state.jsonl"

// openDir starts an emulator on dir with the shared keys; restarting is
// closing it and calling openDir again.
func openDir(t *testing.T, dir string) *emulator.Emulator {
	t.Helper()
	return newEmulator(t, emulator.Config{Dir: dir})
}

// redeemed trades code with the client's app and reports whether it was
// accepted; any answer but isv.code-invalid fails the test.
func redeemed(t *testing.T, c *gateway.Client, code string) bool {
	t.Helper()
	ok, err := tryRedeem(c, code)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// tryRedeem is redeemed for other goroutines than the test's.
func tryRedeem(c *gateway.Client, code string) (bool, error) {
	_, err := c.Exchange(context.Background(), code)
	if err == nil {
		return true, nil
	}
	var apiErr *gateway.APIError
	if errors.As(err, &apiErr) && (apiErr.SubCode == "isv.code-invalid" || apiErr.Code == "isv.code-invalid") {
		return false, nil
	}
	return false, fmt.Errorf("exchange %s: %w", code, err)
}

// A restart keeps the keys (made on first use), registered apps, unused
// codes and tokens; used codes stay used; refresh rotates across it.
func TestRestartKeepsState(t *testing.T) {
	loadTestKeys(t)
	dir := filepath.Join(t.TempDir(), "emulator")
	first, err := emulator.New(emulator.Config{Dir: dir}) // no keys given: it makes and keeps its own
	if err != nil {
		t.Fatal(err)
	}
	if err := first.RegisterApp(otherAppID, &otherKey.PublicKey, gateway.RSA); err != nil {
		t.Fatal(err)
	}
	s1 := serve(t, first)
	c1 := newClient(t, s1, gateway.V2)
	unused := mint(t, first, emulator.DemoAppID, "")
	used := mint(t, first, emulator.DemoAppID, "")
	if !redeemed(t, c1, used) {
		t.Fatal("a fresh code was refused")
	}
	tk := exchange(t, first, c1, emulator.ScopeAuthUser)
	refreshed, err := c1.Refresh(context.Background(), tk.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	demoKey := first.DemoApp().PrivateKey
	alipayPub := first.AlipayPublicKey()
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}

	for _, name := range []string{"alipay_private_key.pem", "app_private_key.pem", "apps.json", stateFile} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if mode := info.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %o, want 0600: it holds keys or tokens", name, mode)
		}
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm()&0o077 != 0 {
		t.Errorf("the directory is open to others: %v", info.Mode())
	}

	second, err := emulator.New(emulator.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	s2 := serve(t, second)
	if !second.AlipayPublicKey().Equal(alipayPub) || !second.DemoApp().PrivateKey.Equal(demoKey) {
		t.Fatal("a restart changed the Alipay key or the demo app key")
	}
	app, ok := second.App(otherAppID)
	if !ok || !app.PublicKey.Equal(&otherKey.PublicKey) || app.SignType != gateway.RSA || app.PrivateKey != nil {
		t.Fatalf("the registered app after a restart: %+v", app)
	}
	c2 := newClient(t, s2, gateway.V2)
	ctx := context.Background()
	if !redeemed(t, c2, unused) {
		t.Error("a code minted before the restart was refused after it")
	}
	if redeemed(t, c2, used) {
		t.Error("a code used before the restart was accepted after it")
	}
	if _, err := c2.UserInfo(ctx, refreshed.Tokens.AccessToken); err != nil {
		t.Errorf("an access token from before the restart: %v", err)
	}
	if _, err := c2.Refresh(ctx, tk.RefreshToken); err == nil {
		t.Error("a refresh token rotated out before the restart was accepted after it")
	}
	again, err := c2.Refresh(ctx, refreshed.Tokens.RefreshToken)
	if err != nil {
		t.Fatalf("the current refresh token after the restart: %v", err)
	}
	if _, err := c2.Refresh(ctx, refreshed.Tokens.RefreshToken); err == nil {
		t.Error("a refresh token rotated after the restart was accepted again")
	}
	if again.Tokens.UserID != tk.UserID || again.Tokens.OpenID != tk.OpenID {
		t.Errorf("the user changed across the restart: %+v -> %+v", tk, again.Tokens)
	}
	other := newClient(t, s2, gateway.V2, func(p *gateway.Profile) { p.AppID, p.PrivateKey, p.SignType = otherAppID, otherKey, gateway.RSA })
	if _, err := other.Exchange(ctx, mint(t, second, otherAppID, "")); err != nil {
		t.Errorf("the registered app after the restart: %v", err)
	}
}

// A process killed mid-write leaves a torn last line: what came before it
// is kept, and so is what is written after it.
func TestTornLastLine(t *testing.T) {
	dir := t.TempDir()
	e := openDir(t, dir)
	before := mint(t, e, emulator.DemoAppID, "")
	f, err := os.OpenFile(filepath.Join(dir, stateFile), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"op":"code","code":"deadbeef","auth":{"app":"20210000`); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// The running emulator keeps writing after the torn line.
	after := mint(t, e, emulator.DemoAppID, "")
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	restarted := openDir(t, dir)
	c := newClient(t, serve(t, restarted), gateway.V2)
	if !redeemed(t, c, before) {
		t.Error("a torn last line lost the code minted before it")
	}
	if !redeemed(t, c, after) {
		t.Error("a torn last line swallowed the code minted after it")
	}
	if redeemed(t, c, "deadbeef") {
		t.Error("the torn line's code was accepted")
	}
}

// Two emulators on one directory (a console and a script in practice) see
// each other's codes and tokens and never both redeem one code, also when
// one of them restarts and compacts the log under the other.
func TestTwoInstancesShareADirectory(t *testing.T) {
	dir := t.TempDir()
	a, b := openDir(t, dir), openDir(t, dir)
	ca, cb := newClient(t, serve(t, a), gateway.V2), newClient(t, serve(t, b), gateway.V2)

	code := mint(t, a, emulator.DemoAppID, "")
	if !redeemed(t, cb, code) {
		t.Fatal("b refused a code a minted")
	}
	if redeemed(t, ca, code) {
		t.Fatal("a redeemed a code b had already redeemed")
	}
	tk := exchange(t, b, cb, emulator.ScopeAuthUser)
	if _, err := ca.UserInfo(context.Background(), tk.AccessToken); err != nil {
		t.Fatalf("a does not know b's token: %v", err)
	}

	// b restarts, compacting the log; a carries on with the new file.
	pending := mint(t, a, emulator.DemoAppID, "")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b = openDir(t, dir)
	cb = newClient(t, serve(t, b), gateway.V2)
	if !redeemed(t, ca, pending) {
		t.Fatal("a lost its own code when b compacted the log")
	}
	if redeemed(t, cb, pending) {
		t.Fatal("b redeemed a code a had redeemed after the compaction")
	}

	// Concurrent redeems of the same codes on both.
	const n = 24
	codes := make([]string, n)
	for i := range codes {
		codes[i] = mint(t, []*emulator.Emulator{a, b}[i%2], emulator.DemoAppID, "")
	}
	var wins [n]atomic.Int32
	var wg sync.WaitGroup
	for i, code := range codes {
		for _, c := range []*gateway.Client{ca, cb} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := tryRedeem(c, code)
				if err != nil {
					t.Error(err)
				}
				if ok {
					wins[i].Add(1)
				}
			}()
		}
	}
	wg.Wait()
	for i := range codes {
		if got := wins[i].Load(); got != 1 {
			t.Errorf("code %d was redeemed %d times across two instances", i, got)
		}
	}
}

// A damaged key file is an error that names the file, not a new key that
// silently invalidates every token.
func TestDamagedKeyFileIsAnError(t *testing.T) {
	dir := t.TempDir()
	loadTestKeys(t)
	if err := os.WriteFile(filepath.Join(dir, "app_private_key.pem"), keys.EncodePrivatePKCS8PEM(appKey)[:100], 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := emulator.New(emulator.Config{Dir: dir, AlipayKey: alipayKey})
	if err == nil {
		t.Fatal("a damaged key file was replaced silently")
	}
	if !strings.Contains(err.Error(), "app_private_key.pem") {
		t.Errorf("the error does not name the file: %v", err)
	}
}
