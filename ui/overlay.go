package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"aliauth/gateway"
	"aliauth/internal/safetext"
)

// popup is an open overlay's content: lines no wider than the width it
// was laid out for, the line to keep in view (a list's cursor), or -1,
// and for each line the item a click on it picks, or -1 (items may be
// shorter than lines).
type popup struct {
	lines []string
	keep  int
	items []int
}

// overlayInner is the widest an overlay's content may be: the screen less
// the box's border and padding.
func (m *Model) overlayInner() int {
	return max(10, m.width-4)
}

// overlayRows is how many lines of an overlay fit inside its border.
func (m *Model) overlayRows() int {
	return max(3, m.height-2)
}

// popupContent lays the open overlay out for the screen.
func (m *Model) popupContent() popup {
	w := m.overlayInner()
	switch m.overlay {
	case overlayHelp:
		return popup{lines: m.helpView(w), keep: -1}
	case overlayCopy:
		return m.copyMenuView(w)
	case overlayProfiles:
		return m.profilesView(w)
	case overlayConfirmDelete:
		return popup{lines: m.confirmView(w), keep: -1}
	case overlayLog:
		return popup{lines: m.logView(w), keep: -1}
	case overlayFaults:
		return m.faultsView(w)
	case overlayDoctor:
		return popup{lines: strings.Split(m.doctorView(), "\n"), keep: -1}
	case overlayIdentity:
		return popup{lines: strings.Split(m.identityView(), "\n"), keep: -1}
	case overlayLineage:
		return popup{lines: strings.Split(m.lineageView(), "\n"), keep: -1}
	}
	return popup{keep: -1}
}

// overlayBox is the open overlay laid out on the screen: the box drawn,
// where it is, and for each line inside its border the item of the popup
// it shows (-1 for none), so a click can pick it.
type overlayBox struct {
	box   string
	x, y  int
	items []int
}

// layoutOverlay lays the open overlay out in a box that fits the screen:
// lines too wide are wrapped, a popup too tall scrolls, and its width is
// that of its widest line, so it keeps its size while it scrolls.
func (m *Model) layoutOverlay() overlayBox {
	p := m.popupContent()
	inner := m.overlayInner()
	var lines []string
	var items []int
	keep := -1
	for i, l := range p.lines {
		if i == p.keep {
			keep = len(lines)
		}
		item := -1
		if i < len(p.items) {
			item = p.items[i]
		}
		wrapped := []string{l}
		if lipgloss.Width(l) > inner {
			wrapped = strings.Split(ansi.Wrap(l, inner, " "), "\n")
		}
		for _, w := range wrapped {
			lines = append(lines, w)
			items = append(items, item)
		}
	}
	boxWidth := 0
	for _, l := range lines {
		boxWidth = max(boxWidth, lipgloss.Width(l))
	}
	rows := m.overlayRows()
	if len(lines) > rows {
		offset := min(m.overlayOffset, len(lines)-rows+1)
		if keep >= 0 {
			offset = min(max(0, keep-rows/2), len(lines)-rows+1)
		}
		more := tr("↑↓ scroll")
		if offset+rows-1 < len(lines) {
			more = tr("↓ more") + " · " + more
		}
		lines = append(lines[offset:offset+rows-1:offset+rows-1], m.styles.Dim.Render(more))
		items = append(items[offset:offset+rows-1:offset+rows-1], -1)
	}
	for i, l := range lines {
		lines[i] = fit(l, boxWidth)
	}
	box := m.styles.Overlay.Render(strings.Join(lines, "\n"))
	w, h := lipgloss.Size(box)
	return overlayBox{box: box, x: max(0, (m.width-w)/2), y: max(0, (m.height-h)/2), items: items}
}

// withOverlay draws the open overlay over the screen.
func (m *Model) withOverlay(base string) string {
	o := m.layoutOverlay()
	return lipgloss.NewCompositor(
		lipgloss.NewLayer(base),
		lipgloss.NewLayer(o.box).X(o.x).Y(o.y).Z(1),
	).Render()
}

// copyEntry is one line of the copy menu.
type copyEntry struct {
	b    key.Binding
	kind copyKind
	name string
}

// copyEntries are what the copy menu offers, in order.
func (m *Model) copyEntries() []copyEntry {
	k := m.keys
	return []copyEntry{
		{k.CopyAccess, copyAccess, "access token"},
		{k.CopyRefresh, copyRefresh, "refresh token"},
		{k.CopyUserID, copyUserID, "user_id"},
		{k.CopyOpenID, copyOpenID, "open_id"},
		{k.CopyUnionID, copyUnionID, "union_id"},
		{k.CopyStringToSign, copyStringToSign, "string to sign"},
		{k.CopyResponse, copyResponse, "raw response body"},
		{k.CopyCurl, copyCurl, "request as curl"},
		{k.CopyJSON, copyJSON, "whole trace as JSON"},
		{k.CopyJava, copyCode, "as Java code"},
		{k.CopyNode, copyCode + 1, "as Node.js code"},
		{k.CopyGo, copyCode + 2, "as Go code"},
		{k.CopyPython, copyCode + 3, "as Python code"},
		{k.CopyPHP, copyCode + 4, "as PHP code"},
	}
}

// copyMenuView lists what can be copied, with what each would copy (masked
// unless revealed) or why it cannot, the cursor on one of them.
func (m *Model) copyMenuView(width int) popup {
	st := &m.styles
	entries := m.copyEntries()
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = word(e.name)
	}
	w := labelWidth(names...)
	preview := min(48, width-w-6)
	lines := []string{st.Title.Render(tr("Copy"))}
	items := []int{-1}
	keep := -1
	src := m.copyView()
	for i, e := range entries {
		name := names[i] + strings.Repeat(" ", w-ansi.StringWidth(names[i]))
		shown, ok := m.copyPreview(e.kind, src)
		keyText := e.b.Help().Key
		var line string
		if !ok {
			line = st.Dim.Render(keyText + "  " + name + "  " + shown)
		} else {
			if preview < 8 {
				shown = ""
			} else if ansi.StringWidth(shown) > preview {
				shown = ansi.Truncate(shown, preview, "…")
			}
			line = st.Prompt.Render(keyText) + "  " + st.Value.Render(name) + "  " + st.Dim.Render(shown)
		}
		if i == m.copyCursor {
			line = st.RowSelected.Render(fit(ansi.Strip(line), min(width, w+5+max(0, preview))))
			keep = len(lines)
		}
		lines = append(lines, line)
		items = append(items, i)
	}
	lines = append(lines, "")
	for _, l := range wrapWords(tr("Copies real values even when masked on screen; code has placeholders for keys, and for tokens until v reveals them · enter or the key copies · esc closes"), width) {
		lines = append(lines, st.Dim.Render(l))
	}
	return popup{lines: lines, keep: keep, items: items}
}

// copyPreview is what an entry would copy, on one line and masked unless
// revealed; ok is false, with why, when there is nothing to copy.
func (m *Model) copyPreview(kind copyKind, src *traceView) (string, bool) {
	if kind == copyJSON {
		// Encoding a large trace for a preview would cost a frame.
		if src == nil {
			return tr("(none)"), false
		}
		if m.reveal {
			return tr("as --json --reveal prints it"), true
		}
		return tr("as --json prints it, secrets masked"), true
	}
	if lang, ok := kind.codeLang(); ok {
		if src == nil {
			return tr("(none)"), false
		}
		if _, err := newSDKCall(src.trace, m.reveal); err != nil {
			return tr("(none)"), false
		}
		what := map[sdkLang]string{sdkJava: "alipay-sdk-java-all", sdkNode: "alipay-sdk", sdkGo: "smartwalle/alipay",
			sdkPython: "alipay-sdk-python", sdkPHP: "alipay-sdk-php"}[lang]
		if m.reveal {
			return tr("%s, keys as placeholders", what), true
		}
		return tr("%s, keys and tokens as placeholders", what), true
	}
	item, err := m.buildCopy(kind)
	if err != nil {
		return tr("(none)"), false
	}
	shown := item.text
	switch {
	case m.reveal:
	case kind == copyAccess || kind == copyRefresh:
		shown = gateway.Mask(shown)
	case src != nil:
		shown = src.mask(shown)
	}
	return strings.Join(strings.Fields(safetext.Text(shown)), " "), true
}

// confirmView asks before deleting a history entry.
func (m *Model) confirmView(width int) []string {
	st := &m.styles
	what := tr("exchange #%s", formatCount(int(m.confirmID)))
	if s, ok := m.hist.summary(m.confirmID); ok {
		what += " (" + formatTime(s.Time) + ", " + word(gateway.CallName(s.Method, s.GrantType)) + ", " + word(s.Outcome.Phrase()) + ")"
	}
	lines := []string{st.Title.Render(tr("Delete from history?"))}
	lines = append(lines, wrapWords(what, width)...)
	return append(lines, "", st.Prompt.Render("y")+" "+tr("deletes it for good")+" · "+st.Prompt.Render("n")+" "+tr("keeps it"))
}
