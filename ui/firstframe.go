package ui

import (
	"bytes"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"golang.org/x/term"
)

// Bubble Tea (v2.1) writes frames only on a ticker it starts with the
// program, 60 times a second, so its first frame waits up to 16.7 ms for
// the first tick: a third of the console's start. The console writes its
// first frame itself, a moment before Bubble Tea starts, and Bubble Tea
// draws the same frame over it on its first tick.

// drawFirstFrame writes m's first frame to the terminal out, sized to it,
// in the alternate screen Bubble Tea then takes over. It reports whether
// it wrote anything, for undoFirstFrame.
func drawFirstFrame(out *os.File, m *Model) bool {
	w, h, err := term.GetSize(int(out.Fd()))
	if err != nil || w <= 0 || h <= 0 {
		return false
	}
	_, err = out.Write(firstFrame(m, w, h, colorprofile.Detect(out, os.Environ())))
	return err == nil
}

// firstFrame is m's frame for a w×h terminal that shows colors as profile
// says: the alternate screen, cleared, the cursor hidden as Bubble Tea
// hides it, and the frame's lines. The cursor is put back where it was
// (the alternate screen keeps the main screen's coordinates), since
// Bubble Tea saves it when it enters the alternate screen again and puts
// it back there when the console quits.
func firstFrame(m *Model, w, h int, profile colorprofile.Profile) []byte {
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	var b bytes.Buffer
	b.WriteString(ansi.SetModeAltScreenSaveCursor + ansi.HideCursor + ansi.CursorHomePosition + ansi.EraseEntireScreen)
	frame := &colorprofile.Writer{Forward: &b, Profile: profile}
	_, _ = frame.WriteString(strings.ReplaceAll(m.View().Content, "\n", "\r\n"))
	b.WriteString(ansi.ResetStyle + ansi.RestoreCursor)
	return b.Bytes()
}

// undoFirstFrame leaves the alternate screen and shows the cursor, for a
// Bubble Tea that failed to start after the first frame was drawn (one
// that started restores the terminal itself).
func undoFirstFrame(out *os.File) {
	_, _ = out.WriteString(ansi.ShowCursor + ansi.ResetModeAltScreenSaveCursor)
}
