package ui

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"aliauth/doctor"
	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/keys"
)

// doctorFor runs the real doctor on the peer's demo app.
func (p *peer) doctorFor() func(context.Context, string, bool) (*doctor.Report, error) {
	return func(ctx context.Context, profile string, probe bool) (*doctor.Report, error) {
		s := doctor.Setup{
			Name: "profile " + profile, Emulator: true, Protocol: gateway.V2, URL: p.url + "/gateway.do",
			AppID: emulator.DemoAppID, Reader: doctor.ReaderAliauth,
			Material: []doctor.Material{
				{Slot: doctor.SlotPrivateKey, Source: "the emulator", Data: keys.EncodePrivatePKCS8PEM(p.emu.DemoApp().PrivateKey)},
				{Slot: doctor.SlotAlipayPublicKey, Source: "the emulator", Data: keys.EncodePublicPEM(p.emu.AlipayPublicKey())},
			},
		}
		return doctor.Run(ctx, s, doctor.Options{Probe: probe}), nil
	}
}

func TestDoctorScreen(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default"), Doctor: p.doctorFor()}, 120, 40)
	h.key("esc", "D")
	h.mustSee("Doctor · profile default", "Keys and certificates", "✓ app private key", "✓ skew", "0 errors, 0 warnings")
	h.mustNotSee("Live probe")
	if !strings.Contains(h.status(), "doctor: 0 errors") {
		t.Errorf("status %q", h.status())
	}
	h.key("p")
	h.mustSee("Live probe", "✓ signature", "refused only the dummy access token", "probed")
	h.key("esc")
	if h.m.overlay != overlayNone {
		t.Error("esc did not close the doctor")
	}
	bare := newHarness(t, Options{Session: p.session(t, "default")}, 120, 40)
	bare.key("esc", "D")
	bare.mustSee("started without the doctor")
}

// A code exchanged twice: the status names the cause, and the doctor's
// screen lists the causes above the report.
func TestCodeInvalidIsTriagedInTheConsole(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default"), History: newStore(t), Doctor: p.doctorFor()}, 120, 40)
	code, _ := p.emu.MintCode(emulator.DemoAppID, emulator.ScopeAuthUser, "")
	h.send(pasteMsg("https://example.com/cb?app_id=" + emulator.DemoAppID + "&auth_code=" + code))
	h.key("enter")
	h.send(pasteMsg("https://example.com/cb?app_id=" + emulator.DemoAppID + "&auth_code=" + code))
	h.key("enter")
	if !strings.Contains(h.status(), "isv.code-invalid, this code was already exchanged, in history #1") {
		t.Fatalf("status %q", h.status())
	}
	h.key("D")
	h.mustSee("Why the last auth code failed", "✗ used before", "✓ age", "first seen in history #1", "✓ app", "redirect URL's app_id is this profile's")

	// A code of another app pasted in its redirect URL: the cause named is
	// the app, and the age is the paste's.
	h.key("esc")
	h.send(pasteMsg("https://example.com/cb?app_id=2021000000000009&auth_code=0a1b2c3d4e5f60718293a4b5c6d7e8f9"))
	h.key("enter")
	if !strings.Contains(h.status(), "isv.code-invalid, the redirect URL's app_id is 2021000000000009") {
		t.Fatalf("status %q", h.status())
	}
	h.key("D")
	h.mustSee("✓ used before", "not exchanged before", "0s old when exchanged (pasted at", "✗ app")
}

// The identity panel sets the three ids side by side; for an app created
// after the OpenID migration, user_id is missing and that is expected.
func TestIdentityPanel(t *testing.T) {
	p := newPeer(t)
	if err := p.emu.SetOpenIDOnly(emulator.DemoAppID, true); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{Session: p.session(t, "default")}, 120, 40)
	h.key("esc", "I")
	h.mustSee("this answer names no user")
	h.key("esc")
	tr := h.exchange()
	h.key("I")
	h.mustSee("Who the user is", "user_id   (none)", "not a bug", tr.Tokens.OpenID, "union_id", "app group", "Key this app's users by open_id.")
}

// The lineage: the exchange, its refresh, the refresh's refresh, which
// tokens were superseded, and where the live one is.
func TestLineageView(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default"), History: newStore(t)}, 120, 40)
	h.exchange()
	h.key("r", "r", "L")
	h.mustSee("Token lineage of #3", "from auth code", "#1", "exchange", "superseded by #2", "└ #2", "superseded by #3", "▶ #3", "live refresh token")
	h.key("esc")
	noHistory := newHarness(t, Options{Session: p.session(t, "default")}, 120, 40)
	noHistory.exchange()
	noHistory.key("L")
	if !strings.Contains(noHistory.status(), "history is off") {
		t.Errorf("status %q", noHistory.status())
	}
}

// Auto-refresh, from the profile or A: the countdown shows when, the
// refresh happens then, and it is recorded like any call.
func TestAutoRefresh(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	alipay, app := testKeys(t)
	emu, err := emulator.New(emulator.Config{AlipayKey: alipay, DemoAppKey: app, AccessTTL: 5 * time.Minute, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	p := &peer{emu: emu, url: srv.URL}
	store := newStore(t)
	s := p.session(t, "default")
	s.Client.Now = clock
	h := newHarness(t, Options{Session: s, History: store, Now: clock}, 120, 40)
	h.exchange()
	h.mustNotSee("auto-refresh")
	h.key("A")
	h.mustSee("⟳ auto-refresh on · next", "A turns it off")
	wantCountdown(t, h, 4*time.Minute)
	advance(3 * time.Minute)
	h.send(*lastClock(h.timers))
	if n := len(records(t, store)); n != 1 {
		t.Fatalf("%d records before the refresh was due", n)
	}
	wantCountdown(t, h, time.Minute)
	advance(time.Minute)
	h.send(*lastClock(h.timers))
	if n := len(records(t, store)); n != 2 {
		t.Fatalf("%d records once the refresh was due", n)
	}
	if !strings.Contains(h.status(), "refresh (auto-refresh) succeeded") {
		t.Errorf("status %q", h.status())
	}
	wantCountdown(t, h, 4*time.Minute)
	h.key("A")
	h.mustNotSee("auto-refresh on")

	// From the profile.
	s.AutoRefresh = true
	on := newHarness(t, Options{Session: s, Now: clock}, 120, 40)
	on.mustSee("⟳ auto-refresh on · waiting for tokens")
}

// wantCountdown checks the auto-refresh line counts down to want, give or
// take the second the tokens' expiry was computed in.
func wantCountdown(t *testing.T, h *harness, want time.Duration) {
	t.Helper()
	m := regexp.MustCompile(`auto-refresh on · next .* \(in (?:(\d+)m )?(\d+)s\)`).FindStringSubmatch(h.view())
	if m == nil {
		t.Fatalf("no countdown on the auto-refresh line:\n%s", h.view())
	}
	minutes, _ := strconv.Atoi(m[1])
	seconds, _ := strconv.Atoi(m[2])
	got := time.Duration(minutes)*time.Minute + time.Duration(seconds)*time.Second
	if got > want || got < want-2*time.Second {
		t.Errorf("auto-refresh in %s, want %s", got, want)
	}
}

func pasteMsg(s string) tea.PasteMsg { return tea.PasteMsg{Content: s} }
