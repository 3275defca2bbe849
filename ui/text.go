package ui

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"aliauth/internal/safetext"
)

// fit truncates or pads a styled line to exactly width cells, so panes line
// up side by side whatever their content.
func fit(s string, width int) string {
	w := ansi.StringWidth(s)
	if w > width {
		s = ansi.Truncate(s, width, "…")
		w = ansi.StringWidth(s)
	}
	if w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

// cells is how many terminal cells r takes once cleaned. CJK, the usual
// non-ASCII text in a gateway answer, is answered without a table lookup.
func cells(r rune) int {
	switch {
	case r < 0x300:
		return 1
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3000 && r <= 0x303E, r >= 0xFF01 && r <= 0xFF60:
		return 2
	}
	return ansi.StringWidth(string(r))
}

// wrapOffsets splits text into lines of at most width cells, breaking at
// newlines and wherever a line is full, and returns the byte offset where
// each line starts followed by len(text). It is one pass over the text: a
// megabyte of compact JSON takes a few milliseconds, done once per trace
// and width.
func wrapOffsets(text string, width int) []int {
	width = max(1, width)
	starts := make([]int, 1, len(text)/width+2)
	col := 0
	for i := 0; i < len(text); {
		b := text[i]
		if b == '\n' {
			i++
			starts = append(starts, i)
			col = 0
			continue
		}
		size, w := 1, 1
		if b >= utf8.RuneSelf {
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			w = cells(r)
		}
		if col+w > width && col > 0 {
			starts = append(starts, i)
			col = 0
		}
		col += w
		i += size
	}
	if starts[len(starts)-1] == len(text) && len(starts) > 1 {
		return starts
	}
	return append(starts, len(text))
}

// wrapHard splits plain text into lines of at most width cells, breaking
// anywhere: for tokens, signatures and strings to sign, where every
// character counts and no word boundary is meaningful.
func wrapHard(s string, width int) []string {
	s = safetext.Text(s)
	starts := wrapOffsets(s, width)
	out := make([]string, 0, len(starts)-1)
	for i := 0; i+1 < len(starts); i++ {
		out = append(out, strings.TrimSuffix(s[starts[i]:starts[i+1]], "\n"))
	}
	if len(out) == 0 {
		out = append(out, "")
	}
	return out
}

// wrapWords splits prose into lines of at most width cells at spaces, and
// between the characters of Chinese, which has no spaces to break at;
// breaking words only when one is longer than a line.
func wrapWords(s string, width int) []string {
	s = safetext.Text(s)
	if !hasWide(s) {
		return strings.Split(ansi.Wrap(s, max(1, width), ""), "\n")
	}
	// A zero-width space after each wide character is a place ansi.Wrap
	// may break; it is removed once the lines are cut. As Chinese is
	// set, a line neither starts with closing punctuation nor ends with
	// opening punctuation.
	var b strings.Builder
	runes := []rune(s)
	for i, r := range runes {
		b.WriteRune(r)
		if cells(r) == 2 && !strings.ContainsRune(opensCJK, r) && (i+1 == len(runes) || !strings.ContainsRune(closesCJK, runes[i+1])) {
			b.WriteRune(zeroWidthSpace)
		}
	}
	wrapped := strings.ReplaceAll(ansi.Wrap(b.String(), max(1, width), string(zeroWidthSpace)), string(zeroWidthSpace), "")
	return strings.Split(wrapped, "\n")
}

const zeroWidthSpace = '\u200b'

// closesCJK and opensCJK are the punctuation a Chinese line may not start
// and may not end with.
const (
	closesCJK = "，。、；：！？）」』】》〉”’…"
	opensCJK  = "（「『【《〈“‘"
)

// hasWide reports text with characters two cells wide, such as Chinese.
func hasWide(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xe1 { // the lead byte of U+1000 and above
			for _, r := range s[i:] {
				if cells(r) == 2 {
					return true
				}
			}
			return false
		}
	}
	return false
}

// labelWidth is the width of the widest label, for aligning a column.
func labelWidth(labels ...string) int {
	w := 0
	for _, l := range labels {
		w = max(w, ansi.StringWidth(safetext.Line(l)))
	}
	return w
}
