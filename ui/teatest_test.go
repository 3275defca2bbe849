package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"aliauth/gateway"
)

// These tests run the console as a real Bubble Tea program, keys in and
// frames out, against the in-process emulator.

func waitFor(t *testing.T, tm *teatest.TestModel, what ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(out []byte) bool {
		for _, w := range what {
			if !bytes.Contains(out, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

func TestProgramExchangeRefreshUserInfo(t *testing.T) {
	p := newPeer(t)
	store := newStore(t)
	clip := &fakeClipboard{}
	m := New(Options{Session: p.session(t, "default"), History: store, Clipboard: clip})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	waitFor(t, tm, "EMULATOR")

	tm.Send(keyMsg("ctrl+n"))
	// The welcome line says "enter exchanges it" too: wait for the code.
	waitFor(t, tm, "minted an auth_user code")
	tm.Send(keyMsg("enter"))
	waitFor(t, tm, "VERIFIED", "TOKENS")
	tm.Send(keyMsg("r"))
	waitFor(t, tm, "refresh (latest tokens) succeeded")
	tm.Send(keyMsg("u"))
	waitFor(t, tm, "user info (latest tokens) succeeded")
	tm.Send(keyMsg("c"))
	tm.Send(keyMsg("a"))
	waitFor(t, tm, "copied access token")
	tm.Send(keyMsg("q"))

	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	if final.current == nil || final.current.trace.Method != gateway.MethodUserInfo {
		t.Fatal("the last call shown is not the user info call")
	}
	if clip.last() != final.current.trace.Request.Params["auth_token"] {
		t.Errorf("copied %q, want the access token user info used", clip.last())
	}
	if n := len(records(t, store)); n != 3 {
		t.Errorf("history holds %d calls, want 3", n)
	}
}

func TestProgramHistoryBrowse(t *testing.T) {
	p := newPeer(t)
	store := newStore(t)
	m := New(Options{Session: p.session(t, "default"), History: store, Clipboard: &fakeClipboard{}})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 30))
	waitFor(t, tm, "EMULATOR")
	tm.Send(keyMsg("ctrl+n"))
	waitFor(t, tm, "minted an auth_user code")
	tm.Send(keyMsg("enter"))
	waitFor(t, tm, "VERIFIED")
	tm.Send(keyMsg("h"))
	waitFor(t, tm, "1 exchange")
	tm.Type("code")
	waitFor(t, tm, "1 match")
	tm.Send(keyMsg("enter"))
	waitFor(t, tm, "history #1: r refreshes")
	tm.Send(keyMsg("ctrl+c"))

	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	if final.screen != screenDetail || final.detail.trace.ID != 1 {
		t.Fatalf("screen %d", final.screen)
	}
}

func TestProgramResizes(t *testing.T) {
	p := newPeer(t)
	m := New(Options{Session: p.session(t, "default"), Clipboard: &fakeClipboard{}})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	waitFor(t, tm, "EMULATOR")
	tm.Send(tea.WindowSizeMsg{Width: 40, Height: 10})
	waitFor(t, tm, "60×15")
	tm.Send(tea.WindowSizeMsg{Width: 200, Height: 50})
	tm.Send(keyMsg("ctrl+n"))
	waitFor(t, tm, "minted an auth_user code")
	tm.Send(keyMsg("enter"))
	waitFor(t, tm, "VERIFIED")
	tm.Send(keyMsg("ctrl+c"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	lines := strings.Split(final.View().Content, "\n")
	if final.width != 200 || len(lines) != 50 || !strings.Contains(lines[3], "│") {
		t.Fatalf("final width %d", final.width)
	}
}
