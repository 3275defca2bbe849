// Package safetext makes text that aliauth does not control safe to show on
// a terminal. A gateway, a proxy, a pasted response or a history file can
// carry bytes that a terminal obeys rather than shows: an escape sequence
// that rewrites the clipboard (OSC 52) or the window title, moves the cursor
// or clears the screen, a carriage return that overwrites what was printed,
// a bidirectional override that reorders it. Every human output path, the
// command line and the console alike, passes such text through Text or Line
// before it is printed; JSON output does not need it (encoding/json escapes
// control characters) and exports must stay byte-faithful.
package safetext

import (
	"strings"
	"unicode/utf8"
)

// Text is s with every character a terminal would act on shown as a visible
// stand-in, keeping line breaks: C0 controls as their control pictures (ESC
// as ␛, BEL as ␇, CR as ␍), DEL as ␡, C1 controls, bidirectional overrides
// and bytes that are not UTF-8 as �, and a tab as a space. Each stand-in
// takes one cell, as the character it replaces was counted. Text returns s
// itself when there is nothing to replace, which is nearly always.
func Text(s string) string {
	return clean(s, true)
}

// Line is Text for a value that must stay on one line (an id, a token, a
// header): line breaks are shown as ␊ too, so a value cannot forge a line
// of output of its own.
func Line(s string) string {
	return clean(s, false)
}

func clean(s string, keepNewlines bool) string {
	i := firstUnsafe(s, keepNewlines)
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20:
			b.WriteRune(0x2400 + r) // the control pictures block mirrors C0
		case r == 0x7f:
			b.WriteRune('␡')
		case unsafeRune(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// firstUnsafe is the offset of the first byte that needs replacing, or
// len(s). ASCII is checked a byte at a time; anything else is decoded.
func firstUnsafe(s string, keepNewlines bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && !(c == '\n' && keepNewlines)) || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			return i
		}
		i += size
	}
	return len(s)
}

// unsafeRune reports the non-ASCII characters a terminal acts on: the C1
// controls (0x9b alone starts a control sequence on some terminals) and the
// bidirectional embeddings, overrides and isolates, which reorder what is
// drawn after them.
func unsafeRune(r rune) bool {
	return (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}
