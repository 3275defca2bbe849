package ui

import (
	"bytes"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// The console's own first frame is the frame Bubble Tea draws over it: in
// the alternate screen, the cursor hidden and put back where it was for
// Bubble Tea to save, every line of the screen in the terminal's colors.
func TestFirstFrameIsTheConsolesFrame(t *testing.T) {
	opening, _ := newSlowOpening(Session{}, nil, nil, nil)
	m := New(Options{Opening: opening})
	out := firstFrame(m, 80, 24, colorprofile.ANSI256)
	if !bytes.HasPrefix(out, []byte(ansi.SetModeAltScreenSaveCursor+ansi.HideCursor)) || !bytes.HasSuffix(out, []byte(ansi.RestoreCursor)) {
		t.Fatalf("the frame does not enter the alternate screen and give the cursor back: %q…%q", out[:20], out[len(out)-10:])
	}
	lines := strings.Split(ansi.Strip(string(out)), "\r\n")
	if len(lines) != 24 {
		t.Fatalf("%d lines, want the terminal's 24", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("line %d is %d wide", i, w)
		}
	}
	if want := ansi.Strip(m.View().Content); strings.Join(lines, "\n") != want {
		t.Errorf("the first frame is not the console's view:\n%s\nwant\n%s", strings.Join(lines, "\n"), want)
	}
	if !strings.Contains(lines[0], "EMULATOR") || !bytes.Contains(out, []byte("\x1b[")) {
		t.Fatalf("no header, or no styles: %q", lines[0])
	}
	// A terminal without colors gets none.
	plain := firstFrame(New(Options{Opening: opening}), 80, 24, colorprofile.Ascii)
	if bytes.Contains(plain, []byte("38;5;")) {
		t.Error("colors written to a terminal that shows none")
	}
}
