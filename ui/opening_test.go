package ui

import (
	"errors"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// demoPreview is the demo profile as configured, before its emulator
// starts: no address, no keys.
var demoPreview = gateway.Profile{Name: "demo", Emulator: true, Protocol: gateway.V2, AppID: emulator.DemoAppID}

// slowOpening is an Opening that answers o once release is closed.
func slowOpening(o Opened) (*Opening, chan struct{}) {
	release := make(chan struct{})
	return &Opening{Profile: demoPreview, Wait: func() Opened {
		<-release
		return o
	}}, release
}

// The first frame needs nothing opened: it says where the console points
// while the emulator starts, and what a key pressed meanwhile does waits
// for the session, on which it then acts.
func TestFirstFrameComesBeforeTheSessionAndHeldKeysActAfter(t *testing.T) {
	p := newPeer(t)
	store := newStore(t)
	s := p.session(t, "demo")
	opening, release := slowOpening(Opened{Session: s, History: store})
	h := newHarness(t, Options{Opening: opening}, 80, 24)
	h.mustSee("EMULATOR", "profile demo", emulator.DemoAppID, "starting the emulator…", "m mints an auth code")
	h.mustNotSee("history off", "NO ALIPAY KEY", "127.0.0.1")

	code, err := p.emu.MintCode(emulator.DemoAppID, "auth_user", "")
	if err != nil {
		t.Fatal(err)
	}
	h.send(tea.PasteMsg{Content: code})
	h.key("enter")
	if h.m.call != nil || h.m.current != nil || h.m.input.Value() != "" || len(records(t, store)) != 0 {
		t.Fatal("the console acted on input before its session was open")
	}

	close(release)
	h.run(h.m.Init())
	if h.m.current == nil || h.m.current.trace.Outcome != gateway.OutcomeSuccess {
		t.Fatalf("the code pasted and the enter pressed while the session opened were not acted on: status %q", h.status())
	}
	if n := len(records(t, store)); n != 1 {
		t.Fatalf("history holds %d exchanges, want the one made with the held keys", n)
	}
	prof := s.Client.Profile()
	h.mustSee(prof.URL(), "VERIFIED")
	h.mustNotSee("starting the emulator…")
}

// Keys held while the session opens are acted on in the order they were
// pressed.
func TestHeldKeysKeepTheirOrder(t *testing.T) {
	p := newPeer(t)
	opening, release := slowOpening(Opened{Session: p.session(t, "demo")})
	h := newHarness(t, Options{Opening: opening}, 80, 24)
	h.key("i")
	h.typeText("abc")
	h.key("esc", "?")
	if h.m.overlay != overlayNone || h.m.focus == focusInput {
		t.Fatal("keys acted before the session was open")
	}
	close(release)
	h.run(h.m.Init())
	if got := h.m.input.Value(); got != "abc" {
		t.Fatalf("the input holds %q, want the text typed while the session opened", got)
	}
	if h.m.focus == focusInput || h.m.overlay != overlayHelp {
		t.Fatalf("esc then ? were not acted on after the text: focus %d, overlay %d", h.m.focus, h.m.overlay)
	}
}

// ctrl+c is never held: a console whose session is slow to open (a
// history another process holds locked) still quits at once.
func TestCtrlCQuitsWhileTheSessionOpens(t *testing.T) {
	opening, _ := slowOpening(Opened{})
	h := newHarness(t, Options{Opening: opening}, 80, 24)
	h.key("q")
	if h.quit {
		t.Fatal("q quit before the session was open: it is held like any key")
	}
	h.key("ctrl+c")
	if !h.quit {
		t.Fatal("ctrl+c did not quit while the session was opening")
	}
}

// When not even the built-in demo opens, the console quits: its caller
// says why.
func TestConsoleQuitsWhenNothingOpens(t *testing.T) {
	opening, release := slowOpening(Opened{OpenError: errors.New("emulator directory /data/emulator: permission denied")})
	h := newHarness(t, Options{Opening: opening}, 80, 24)
	close(release)
	h.run(h.m.Init())
	if !h.quit {
		t.Fatal("the console kept running without a session")
	}
}

// History that failed to open is said once the session is open, not
// before: until then it is not known.
func TestHistoryOffIsSaidOnceKnown(t *testing.T) {
	p := newPeer(t)
	locked := errors.New("history database is locked")
	opening, release := slowOpening(Opened{Session: p.session(t, "demo"), HistoryError: locked})
	h := newHarness(t, Options{Opening: opening}, 80, 24)
	h.mustNotSee("history off")
	close(release)
	h.run(h.m.Init())
	h.mustSee("history off", "history is off: "+locked.Error())
}

// In a real program the first frame is on screen while the session opens,
// and a key pressed then is acted on once it is open.
func TestProgramDrawsBeforeTheSessionIsOpen(t *testing.T) {
	p := newPeer(t)
	store := newStore(t)
	opening, release := slowOpening(Opened{Session: p.session(t, "demo"), History: store})
	m := New(Options{Opening: opening, Clipboard: &fakeClipboard{}})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	waitFor(t, tm, "EMULATOR", "starting the emulator…")
	tm.Send(keyMsg("ctrl+n"))
	close(release)
	waitFor(t, tm, "minted an auth_user code")
	tm.Send(keyMsg("enter"))
	waitFor(t, tm, "VERIFIED")
	tm.Send(keyMsg("ctrl+c"))
	tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	if n := len(records(t, store)); n != 1 {
		t.Fatalf("history holds %d exchanges, want 1", n)
	}
}
