package ui

import (
	"errors"
	"os"
	"runtime"

	"github.com/atotto/clipboard"
)

// Clipboard takes what the user copies.
type Clipboard interface {
	// WriteAll puts text on the clipboard. An error says why it could not;
	// the console then hands the text to the terminal instead (OSC 52).
	WriteAll(text string) error
}

// systemClipboard is the desktop clipboard through atotto/clipboard, unless
// it is known not to reach the user, in which case it refuses at once so
// the console falls back to OSC 52 without waiting on a tool that cannot work.
type systemClipboard struct {
	// unavailable says why the system clipboard is not used; empty when it is.
	unavailable string
	write       func(string) error
}

func (c systemClipboard) WriteAll(text string) error {
	if c.unavailable != "" {
		return errors.New(c.unavailable)
	}
	return c.write(text)
}

func newSystemClipboard() Clipboard {
	return systemClipboard{
		unavailable: systemClipboardProblem(runtime.GOOS, os.Getenv, clipboard.Unsupported),
		write:       clipboard.WriteAll,
	}
}

// systemClipboardProblem says why the system clipboard would not reach the
// person at the keyboard, or "" when it should. noTool is atotto/clipboard's
// finding that no clipboard program (xclip, xsel, wl-copy, ...) is installed.
func systemClipboardProblem(goos string, getenv func(string) string, noTool bool) string {
	ssh := getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != ""
	display := getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
	switch goos {
	case "darwin", "windows":
		// pbcopy and clip.exe always work, but over SSH they fill the
		// remote machine's clipboard, not the user's.
		if ssh {
			return "SSH session, where the system clipboard is the remote machine's"
		}
		return ""
	}
	// Termux and WSL have clipboards without an X or Wayland display.
	special := getenv("TERMUX_VERSION") != "" || getenv("WSL_DISTRO_NAME") != ""
	switch {
	case noTool:
		return "no clipboard program (xclip, xsel or wl-clipboard)"
	case ssh && !display:
		return "SSH session without a forwarded display"
	case !display && !special:
		return "no display ($DISPLAY and $WAYLAND_DISPLAY unset)"
	}
	return ""
}
