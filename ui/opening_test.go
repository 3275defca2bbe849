package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/history"
)

// demoPreview is the demo profile as configured, before its emulator
// starts: no address, no keys.
var demoPreview = gateway.Profile{Name: "demo", Emulator: true, Protocol: gateway.V2, AppID: emulator.DemoAppID}

// slowOpening is an Opening that opens s (with openErr) once session is
// closed, and store (or historyErr) once history is.
type slowOpening struct {
	session, history chan struct{}
}

func newSlowOpening(s Session, openErr error, store *history.Store, historyErr error) (*Opening, slowOpening) {
	w := slowOpening{session: make(chan struct{}), history: make(chan struct{})}
	return &Opening{
		Profile: demoPreview,
		Session: func() (Session, error) {
			<-w.session
			return s, openErr
		},
		History: func() (*history.Store, error) {
			<-w.history
			return store, historyErr
		},
	}, w
}

// both opens the session and history.
func (w slowOpening) both() {
	close(w.session)
	close(w.history)
}

// The first frame needs nothing opened: it says where the console points
// while the emulator starts, and what a key pressed meanwhile does waits
// for the session, on which it then acts.
func TestFirstFrameComesBeforeTheSessionAndHeldKeysActAfter(t *testing.T) {
	p := newPeer(t)
	store := newStore(t)
	s := p.session(t, "demo")
	opening, open := newSlowOpening(s, nil, store, nil)
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

	open.both()
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
	opening, open := newSlowOpening(p.session(t, "demo"), nil, nil, nil)
	h := newHarness(t, Options{Opening: opening}, 80, 24)
	h.key("i")
	h.typeText("abc")
	h.key("esc", "?")
	if h.m.overlay != overlayNone || h.m.focus == focusInput {
		t.Fatal("keys acted before the session was open")
	}
	open.both()
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
	opening, _ := newSlowOpening(Session{}, nil, nil, nil)
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
	opening, open := newSlowOpening(Session{}, errors.New("emulator directory /data/emulator: permission denied"), nil, nil)
	h := newHarness(t, Options{Opening: opening}, 80, 24)
	open.both()
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
	opening, open := newSlowOpening(p.session(t, "demo"), nil, nil, locked)
	h := newHarness(t, Options{Opening: opening}, 80, 24)
	h.mustNotSee("history off")
	open.both()
	h.run(h.m.Init())
	h.mustSee("history off", "history is off: "+locked.Error())
}

// In a real program the first frame is on screen while the session opens,
// and a key pressed then is acted on once it is open.
func TestProgramDrawsBeforeTheSessionIsOpen(t *testing.T) {
	p := newPeer(t)
	store := newStore(t)
	opening, open := newSlowOpening(p.session(t, "demo"), nil, store, nil)
	m := New(Options{Opening: opening, Clipboard: &fakeClipboard{}})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	waitFor(t, tm, "EMULATOR", "starting the emulator…")
	tm.Send(keyMsg("ctrl+n"))
	open.both()
	waitFor(t, tm, "minted an auth_user code")
	tm.Send(keyMsg("enter"))
	waitFor(t, tm, "VERIFIED")
	tm.Send(keyMsg("ctrl+c"))
	tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	if n := len(records(t, store)); n != 1 {
		t.Fatalf("history holds %d exchanges, want 1", n)
	}
}

// An older history takes seconds to bring up to date, once: the session is
// ready before it. The header then says where the console points and that
// history is opening, and a key pressed meanwhile says it waits.
func TestKeysWaitForAHistoryStillOpening(t *testing.T) {
	p := newPeer(t)
	store := newStore(t)
	s := p.session(t, "demo")
	opening, open := newSlowOpening(s, nil, store, nil)
	h := newHarness(t, Options{Opening: opening}, 120, 30)
	wait := h.m.openingCmds() // the session's, then history's
	close(open.session)
	h.run(wait[0])
	prof := s.Client.Profile()
	h.mustSee(prof.URL(), "opening history…")
	h.key("h")
	if h.m.screen != screenMain || !strings.Contains(h.status(), "history is still opening") {
		t.Fatalf("screen %d, status %q: h acted before history was open, or said nothing", h.m.screen, h.status())
	}
	close(open.history)
	h.run(wait[1])
	if h.m.screen != screenHistory {
		t.Fatal("h, held while history opened, did not open it")
	}
	h.mustNotSee("opening history…")
}

// A key pressed while both open, then history is slow: once the session is
// open the console says what the key waits for.
func TestKeysHeldBeforeTheSessionSayTheyWaitForHistory(t *testing.T) {
	p := newPeer(t)
	opening, open := newSlowOpening(p.session(t, "demo"), nil, newStore(t), nil)
	h := newHarness(t, Options{Opening: opening}, 120, 30)
	wait := h.m.openingCmds()
	h.key("h")
	if strings.Contains(h.status(), "history is still opening") {
		t.Fatal("said history is slow before the session was open")
	}
	close(open.session)
	h.run(wait[0])
	if !strings.Contains(h.status(), "history is still opening") {
		t.Fatalf("status %q: the held key's wait is not explained", h.status())
	}
	close(open.history)
	h.run(wait[1])
	if h.m.screen != screenHistory {
		t.Fatal("h, held while both opened, did not open history")
	}
}
