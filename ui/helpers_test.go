package ui

import (
	"context"
	"crypto/rsa"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/history"
	"aliauth/keys"
)

// cst pins the local zone, so absolute times render the same everywhere.
var cst = time.FixedZone("CST", 8*3600)

func TestMain(m *testing.M) {
	time.Local = cst
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

var (
	keyOnce              sync.Once
	alipayKey, appKey    *rsa.PrivateKey
	errLoadingTestingKey error
)

// testKeys are the gateway package's test keys, shared so no test waits
// for a 2048-bit key to be generated.
func testKeys(t testing.TB) (alipay, app *rsa.PrivateKey) {
	t.Helper()
	keyOnce.Do(func() {
		dir := filepath.Join("..", "gateway", "testdata")
		if alipayKey, _, errLoadingTestingKey = keys.LoadPrivateKey(filepath.Join(dir, "alipay_private_key.pem")); errLoadingTestingKey != nil {
			return
		}
		appKey, _, errLoadingTestingKey = keys.LoadPrivateKey(filepath.Join(dir, "app_private_key.pem"))
	})
	if errLoadingTestingKey != nil {
		t.Fatal(errLoadingTestingKey)
	}
	return alipayKey, appKey
}

// peer is an in-process emulator on loopback HTTP.
type peer struct {
	emu *emulator.Emulator
	url string
}

func newPeer(t testing.TB) *peer {
	t.Helper()
	alipay, app := testKeys(t)
	emu, err := emulator.New(emulator.Config{AlipayKey: alipay, DemoAppKey: app})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	return &peer{emu: emu, url: srv.URL}
}

// session builds a session for the emulator; edit adjusts the profile.
func (p *peer) session(t testing.TB, name string, edit ...func(*gateway.Profile)) Session {
	t.Helper()
	prof := gateway.Profile{
		Name:            name,
		Emulator:        true,
		Protocol:        gateway.V2,
		Gateway:         p.url + "/gateway.do",
		Endpoint:        p.url,
		AppID:           emulator.DemoAppID,
		PrivateKey:      p.emu.DemoApp().PrivateKey,
		AlipayPublicKey: p.emu.AlipayPublicKey(),
		AlipayKeySource: "the emulator",
	}
	for _, f := range edit {
		f(&prof)
	}
	c, err := gateway.NewClient(prof)
	if err != nil {
		t.Fatal(err)
	}
	mint := func(_ context.Context, scope string) (string, error) {
		return p.emu.MintCode(emulator.DemoAppID, scope, "")
	}
	s := Session{Client: c, MintCode: mint, StoreSecrets: true, Faults: p.emu}
	if !prof.Emulator {
		s.MintCode, s.Faults = nil, nil
	}
	return s
}

func v3(p *gateway.Profile) { p.Protocol = gateway.V3 }

func newStore(t testing.TB) *history.Store {
	t.Helper()
	s, err := history.Open(context.Background(), filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fakeClipboard records what is copied, or refuses with err.
type fakeClipboard struct {
	mu     sync.Mutex
	copied []string
	err    error
}

func (c *fakeClipboard) WriteAll(text string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	c.copied = append(c.copied, text)
	return nil
}

func (c *fakeClipboard) last() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.copied) == 0 {
		return ""
	}
	return c.copied[len(c.copied)-1]
}

// harness drives a Model by calling Update directly and running the
// commands it returns, as Bubble Tea would, but synchronously. Timers do
// not fire by themselves: they are recorded, and a test fires them.
type harness struct {
	t      testing.TB
	m      *Model
	clip   *fakeClipboard
	timers []tea.Msg
	// osc52 is what was handed to the terminal's clipboard.
	osc52 []string
	quit  bool
}

func newHarness(t testing.TB, opts Options, width, height int) *harness {
	t.Helper()
	h := &harness{t: t, clip: &fakeClipboard{}}
	if opts.Clipboard == nil {
		opts.Clipboard = h.clip
	}
	h.m = New(opts)
	h.m.after = func(_ time.Duration, msg tea.Msg) tea.Cmd {
		h.timers = append(h.timers, msg)
		return nil
	}
	h.send(tea.WindowSizeMsg{Width: width, Height: height})
	return h
}

// send delivers a message and runs every command that follows from it.
func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(20 * time.Second):
		h.t.Fatal("a command did not finish in 20s")
	}
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
	case tea.QuitMsg:
		h.quit = true
	default:
		if s, ok := osc52(msg); ok {
			h.osc52 = append(h.osc52, s)
			return
		}
		h.send(msg)
	}
}

// osc52 recognises the message tea.SetClipboard produces: its type is
// unexported, a string named setClipboardMsg.
func osc52(msg tea.Msg) (string, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.String || v.Type().Name() != "setClipboardMsg" {
		return "", false
	}
	return v.String(), true
}

// key presses a key by name: "enter", "ctrl+n", "esc", or a single
// character.
func (h *harness) key(names ...string) {
	h.t.Helper()
	for _, name := range names {
		h.send(keyMsg(name))
	}
}

func keyMsg(name string) tea.KeyPressMsg {
	special := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "up": tea.KeyUp, "down": tea.KeyDown,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"backspace": tea.KeyBackspace, "f1": tea.KeyF1, "space": tea.KeySpace,
	}
	if name == "shift+tab" {
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	}
	if c, ok := special[name]; ok {
		return tea.KeyPressMsg{Code: c}
	}
	if rest, ok := strings.CutPrefix(name, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: rune(rest[0]), Mod: tea.ModCtrl}
	}
	r := []rune(name)[0]
	return tea.KeyPressMsg{Code: r, Text: name}
}

// typeText types text a character at a time.
func (h *harness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// view is the screen as text, without styling.
func (h *harness) view() string {
	return ansi.Strip(h.m.View().Content)
}

func (h *harness) mustSee(parts ...string) {
	h.t.Helper()
	v := h.view()
	for _, p := range parts {
		if !strings.Contains(v, p) {
			h.t.Fatalf("the screen does not show %q:\n%s", p, v)
		}
	}
}

func (h *harness) mustNotSee(parts ...string) {
	h.t.Helper()
	v := h.view()
	for _, p := range parts {
		if strings.Contains(v, p) {
			h.t.Fatalf("the screen shows %q, which it should not:\n%s", p, v)
		}
	}
}

// status is the status line's text.
func (h *harness) status() string { return h.m.status.text }

// exchange mints a code and exchanges it, as a newcomer would.
func (h *harness) exchange() *gateway.Trace {
	h.t.Helper()
	h.key("ctrl+n", "enter")
	if h.m.current == nil {
		h.t.Fatalf("no trace after the exchange; status %q", h.status())
	}
	return h.m.current.trace
}

// records lists what history holds, newest first.
func records(t testing.TB, s *history.Store) []history.Summary {
	t.Helper()
	list, err := s.List(context.Background(), history.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return list
}
