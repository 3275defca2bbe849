package ui

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"

	"aliauth/gateway"
	"aliauth/history"
)

// goldenSizes are the terminals every golden screen is drawn at: the
// smallest the console works in, the classic terminal, and a wide one.
var goldenSizes = [][2]int{{60, 15}, {80, 24}, {200, 50}}

// requireScreen compares the screen with its golden files: the text a
// person reads (text.golden), and the bytes a terminal receives with
// NO_COLOR set (no_color.golden: attributes such as reverse and bold, no
// colour) and without it (color.golden, 256 colours).
func requireScreen(t *testing.T, h *harness) {
	t.Helper()
	t.Run("text", func(t *testing.T) { golden.RequireEqual(t, screenText(h)) })
	for _, c := range []struct {
		name    string
		environ []string
	}{
		{"no_color", []string{"TERM=xterm-256color", "NO_COLOR=1"}},
		{"color", []string{"TERM=xterm-256color"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			w := &colorprofile.Writer{Forward: &out, Profile: colorprofile.Env(c.environ)}
			if _, err := w.WriteString(h.m.View().Content); err != nil {
				t.Fatal(err)
			}
			golden.RequireEqual(t, out.String())
		})
	}
}

func withHistory(t testing.TB, o *Options) { o.History = fixtureHistory(t) }

func inChinese(_ testing.TB, o *Options) { o.Lang = "zh-CN" }

// startScreen is the console before any call, on the fixed session the
// golden screens use.
func startScreen(t testing.TB, width, height int, edit ...func(*Options)) *harness {
	t.Helper()
	p := &peer{emu: newPeer(t).emu, url: "http://127.0.0.1:47391"}
	now := time.Date(2026, 5, 4, 12, 1, 0, 0, cst)
	opts := Options{Session: p.session(t, "default"), Now: func() time.Time { return now }}
	for _, f := range edit {
		f(&opts)
	}
	return newHarness(t, opts, width, height)
}

// fixtureHistory is a history holding the recorded traces, one a minute
// apart, with two profiles, so the history screens are the same on every run.
func fixtureHistory(t testing.TB) *history.Store {
	t.Helper()
	store := newStore(t)
	var traces []*gateway.Trace
	for i, name := range []string{"exchange_v2.json", "code_invalid_v2.json", "exchange_v3.json", "invalid_signature_v2.json",
		"bad_sign_v2.json", "code_invalid_v3.json"} {
		tr := loadTrace(t, name)
		tr.ID = 0
		tr.Time = time.Date(2026, 5, 4, 12, i, 0, 0, cst)
		if i%2 == 1 {
			tr.Profile = "sandbox"
		}
		traces = append(traces, tr)
	}
	if _, err := store.Import(context.Background(), traces, true); err != nil {
		t.Fatal(err)
	}
	return store
}

func TestGoldenScreens(t *testing.T) {
	cases := []struct {
		name  string
		trace string // empty: the start screen
		keys  []string
		opts  func(testing.TB, *Options)
		// pending is a key whose call is started and left under way.
		pending string
	}{
		{name: "start"},
		{name: "exchange_v2", trace: "exchange_v2.json"},
		{name: "exchange_v3_request", trace: "exchange_v3.json", keys: []string{"tab", "pgdown"}},
		{name: "code_invalid_v2", trace: "code_invalid_v2.json"},
		{name: "code_invalid_v3", trace: "code_invalid_v3.json"},
		{name: "invalid_signature_v2", trace: "invalid_signature_v2.json"},
		{name: "bad_sign_v2", trace: "bad_sign_v2.json"},
		{name: "body_pretty", trace: "exchange_v2.json", keys: []string{"end"}},
		{name: "body_raw", trace: "exchange_v2.json", keys: []string{"b", "end"}},
		{name: "search_response", trace: "exchange_v2.json", keys: []string{"/", "t", "o", "k", "e", "n", "enter", "n"}},
		{name: "search_typing", trace: "exchange_v2.json", keys: []string{"/", "a", "u", "t", "h"}},
		{name: "stale_during_refresh", trace: "exchange_v2.json", pending: "r"},
		{name: "help", trace: "exchange_v2.json", keys: []string{"?"}},
		{name: "help_scrolled", trace: "exchange_v2.json", keys: []string{"?", "end"}},
		{name: "faults", keys: []string{"f", "down", "right"}},
		{name: "history", keys: []string{"h"}, opts: withHistory},
		{name: "zh_start", opts: inChinese},
		{name: "zh_exchange_v2", trace: "exchange_v2.json", opts: inChinese},
		{name: "zh_code_invalid_v2", trace: "code_invalid_v2.json", opts: inChinese},
		{name: "zh_help", trace: "exchange_v2.json", keys: []string{"?"}, opts: inChinese},
		{name: "zh_copy_menu", trace: "exchange_v2.json", keys: []string{"c"}, opts: inChinese},
		{name: "zh_history", keys: []string{"h"}, opts: func(t testing.TB, o *Options) { withHistory(t, o); inChinese(t, o) }},
		{name: "history_filtered", keys: []string{"h", "c", "o", "d", "e", "down"}, opts: withHistory},
		{name: "history_detail", keys: []string{"h", "down", "enter"}, opts: withHistory},
		{name: "copy_menu", trace: "exchange_v2.json", keys: []string{"c", "down", "down"}},
		{name: "profiles", keys: []string{"p"}, opts: func(_ testing.TB, o *Options) {
			o.Profiles = []string{"default", "production", "sandbox-with-a-rather-long-name"}
			o.Check = func(name string) ProfileCheck {
				switch name {
				case "production":
					return ProfileCheck{About: "v3 · production · app 2021000000000000 · https://openapi.alipay.com",
						Problem: `read private key from env:ALIPAY_APP_PRIVATE_KEY: the variable is not set`}
				case "sandbox-with-a-rather-long-name":
					return ProfileCheck{About: "v2 · sandbox · app 9021000000000000 · https://openapi-sandbox.dl.alipaydev.com/gateway.do",
						Warnings: []string{"sign_type RSA is legacy SHA1withRSA"}}
				}
				return ProfileCheck{About: "v2 · the built-in emulator (not Alipay)"}
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, size := range goldenSizes {
				t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
					var h *harness
					if c.trace == "" {
						var edit []func(*Options)
						if c.opts != nil {
							edit = append(edit, func(o *Options) { c.opts(t, o) })
						}
						h = startScreen(t, size[0], size[1], edit...)
					} else {
						var edit []func(*Options)
						if c.opts != nil {
							edit = append(edit, func(o *Options) { c.opts(t, o) })
						}
						h = showing(t, loadTrace(t, c.trace), size[0], size[1], edit...)
					}
					h.key(c.keys...)
					if h.m.overlay == overlayProfiles && h.m.opts.Check != nil {
						h.run(checkProfilesCmd(h.m.opts.Check, h.m.profileNames()))
					}
					if c.pending != "" {
						h.m.Update(keyMsg(c.pending))
					}
					requireScreen(t, h)
				})
			}
		})
	}
}
