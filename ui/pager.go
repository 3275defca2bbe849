package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"

	tea "charm.land/bubbletea/v2"

	"aliauth/gateway"
)

// o opens what the focused pane holds in the user's pager or editor: the
// response body (indented when it is JSON), or, from the request pane, the
// whole trace as JSON. Secrets are masked unless revealed, as on screen.
// The file is private to the user and removed once the program exits; the
// console is restored after.

// pagerFileMsg is the file written for the pager, or why it could not be.
type pagerFileMsg struct {
	path string
	argv []string
	err  error
}

// pagerDoneMsg is the pager exiting.
type pagerDoneMsg struct {
	path string
	argv []string
	err  error
}

// openInPager writes what the focused pane holds to a file for the pager.
func (m *Model) openInPager() tea.Cmd {
	v, f := m.current, m.focus
	if m.screen == screenDetail {
		v, f = m.detail, m.detailFocus
	}
	if v == nil {
		return m.fail(tr("nothing to open yet: exchange a code first"))
	}
	t, reveal := v.trace, m.reveal
	body := f != focusRequest
	if body && t.Response == nil {
		return m.fail(tr("this call got no response body; tab to the request pane and o opens the trace"))
	}
	m.say(statusLine{tr("opening it in %s…", pagerName(os.Getenv)), statusInfo})
	return func() tea.Msg {
		var data []byte
		var err error
		if body {
			data = []byte(t.Response.BodyText())
			if !reveal {
				data = []byte(masker(t.Secrets())(string(data)))
			}
			var indented bytes.Buffer
			if json.Indent(&indented, data, "", "  ") == nil {
				data = indented.Bytes()
			}
		} else {
			shown := t
			if !reveal {
				shown = t.Redact(gateway.Mask)
			}
			data, err = json.MarshalIndent(shown, "", "  ")
		}
		if err != nil {
			return pagerFileMsg{err: err}
		}
		name := "aliauth-trace-*.json"
		if body {
			name = "aliauth-body-*.txt"
			if json.Valid(data) {
				name = "aliauth-body-*.json"
			}
		}
		path, err := writeTemp(name, append(data, '\n'))
		return pagerFileMsg{path: path, argv: pagerCommand(os.Getenv, exec.LookPath), err: err}
	}
}

// writeTemp writes data to a new file only the user can read.
func writeTemp(pattern string, data []byte) (string, error) {
	f, err := os.CreateTemp("", pattern)
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// pagerCommand is how the file is opened: $PAGER, else $EDITOR, else less,
// else vi; each may carry its own arguments.
func pagerCommand(getenv func(string) string, lookPath func(string) (string, error)) []string {
	for _, v := range []string{"PAGER", "EDITOR"} {
		if argv := strings.Fields(getenv(v)); len(argv) > 0 {
			return argv
		}
	}
	for _, p := range []string{"less", "more", "vi"} {
		if _, err := lookPath(p); err == nil {
			return []string{p}
		}
	}
	return nil
}

// pagerName names the program for the status line.
func pagerName(getenv func(string) string) string {
	for _, v := range []string{"PAGER", "EDITOR"} {
		if argv := strings.Fields(getenv(v)); len(argv) > 0 {
			return argv[0] + " ($" + v + ")"
		}
	}
	return tr("the pager")
}

// pagerFile runs the pager on the file written, handing it the terminal.
func (m *Model) pagerFile(msg pagerFileMsg) tea.Cmd {
	switch {
	case msg.err != nil:
		return m.fail(tr("open in the pager: %s", word(msg.err.Error())))
	case len(msg.argv) == 0:
		return tea.Batch(removeCmd(msg.path), m.fail(tr("no pager: set $PAGER or $EDITOR (less, vi and more are not installed)")))
	}
	c := exec.Command(msg.argv[0], append(msg.argv[1:], msg.path)...)
	return m.exec(c, func(err error) tea.Msg { return pagerDoneMsg{path: msg.path, argv: msg.argv, err: err} })
}

// pagerDone removes the file once the pager has exited.
func (m *Model) pagerDone(msg pagerDoneMsg) tea.Cmd {
	var exitErr *exec.ExitError
	switch {
	case msg.err == nil, errors.As(msg.err, &exitErr):
		// A pager quitting with a status is still a pager that ran.
		m.say(statusLine{tr("back from %s", msg.argv[0]), statusInfo})
	default:
		m.say(statusLine{tr("run %s: %s (set $PAGER or $EDITOR)", msg.argv[0], word(msg.err.Error())), statusError})
	}
	return removeCmd(msg.path)
}

func removeCmd(path string) tea.Cmd {
	return func() tea.Msg {
		os.Remove(path)
		return nil
	}
}
