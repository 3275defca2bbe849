// Package jsonscan reads JSON text that encoding/json wrote (compact and
// valid) without decoding it: where a value ends, the members of an object
// and the elements of an array, a string's text, and the shape json.Marshal
// gives a Go type, so a reader can check that the text is what json.Marshal
// writes for that type before trusting what it finds there. Whatever it is
// not sure of it reports as false; the caller then decodes the text.
package jsonscan

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// SkipString returns the end of the string whose opening quote is at b[i]:
// the index just past its closing quote. A quote closes the string when an
// even number of backslashes precedes it, so only quotes need finding: it
// reads eight bytes at a time for them, which beats bytes.IndexByte on the
// short strings most JSON is made of.
func SkipString(b []byte, i int) (int, bool) {
	start := i + 1
	for i = start; ; i++ {
		found := false
		for i+8 <= len(b) {
			if m := hasByte(binary.LittleEndian.Uint64(b[i:]), '"'); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				found = true
				break
			}
			i += 8
		}
		if !found {
			for i < len(b) && b[i] != '"' {
				i++
			}
			if i >= len(b) {
				return 0, false
			}
		}
		backslashes := 0
		for j := i - 1; j >= start && b[j] == '\\'; j-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return i + 1, true
		}
	}
}

const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// hasByte marks the bytes of w equal to b with their high bit. Only the
// lowest mark is exact (a borrow may mark bytes above it), and it is the
// only one SkipString reads.
func hasByte(w uint64, b byte) uint64 {
	x := w ^ (lowBits * uint64(b))
	return (x - lowBits) &^ x & highBits
}

// SkipValue returns the end of the value that starts at b[i].
func SkipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return SkipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, ok := SkipString(b, j)
				if !ok {
					return 0, false
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	for _, lit := range []string{"true", "false", "null"} {
		if bytes.HasPrefix(b[i:], []byte(lit)) {
			return i + len(lit), true
		}
	}
	return skipNumber(b, i)
}

// skipNumber returns the end of the number that starts at b[i], as JSON
// writes numbers: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func skipNumber(b []byte, i int) (int, bool) {
	digits := func(j int) int {
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		return j
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digits(i)
	default:
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		if j := digits(i + 1); j > i+1 {
			i = j
		} else {
			return 0, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return 0, false
		}
		i = j
	}
	return i, true
}

// Member is one member of an object: its key as written between the
// quotes, where the key's opening quote is, and where its value starts.
type Member struct {
	Key      []byte
	KeyStart int
	Start    int
}

// KeyEscaped reports whether the key is written with escapes, so that Key
// is not its text.
func (m Member) KeyEscaped() bool { return bytes.IndexByte(m.Key, '\\') >= 0 }

// Members reads the members of an object one by one, in one pass: a reader
// that reads a member's value itself says where it ended (Over); one that
// does not, has it skipped (Skip, or the next Next).
type Members struct {
	b       []byte
	i       int  // where the next member, or the end, is
	pending bool // a member's value starts at i and is not yet passed
	bad     bool
}

// Object starts reading the members of the object whose opening brace is
// at b[i].
func Object(b []byte, i int) Members {
	if i >= len(b) || b[i] != '{' {
		return Members{bad: true}
	}
	return Members{b: b, i: i + 1}
}

// Next returns the next member, skipping the value of the one before if it
// was not passed.
func (it *Members) Next() (Member, bool) {
	if it.pending {
		it.Skip()
	}
	b := it.b
	if it.bad || it.i >= len(b) || b[it.i] == '}' {
		return Member{}, false
	}
	if b[it.i] != '"' {
		it.bad = true
		return Member{}, false
	}
	keyEnd, ok := SkipString(b, it.i)
	if !ok || keyEnd >= len(b) || b[keyEnd] != ':' {
		it.bad = true
		return Member{}, false
	}
	key := b[it.i+1 : keyEnd-1]
	m := Member{Key: key, KeyStart: it.i, Start: keyEnd + 1}
	it.i, it.pending = m.Start, true
	return m, true
}

// Skip passes the value of the member Next returned and returns where it
// ends.
func (it *Members) Skip() (int, bool) {
	end, ok := SkipValue(it.b, it.i)
	if !ok {
		it.bad = true
		return 0, false
	}
	return end, it.Over(end)
}

// Over says that the value of the member Next returned ends at end.
func (it *Members) Over(end int) bool {
	b := it.b
	it.pending = false
	switch {
	case it.bad || end >= len(b):
		it.bad = true
	case b[end] == ',' && end+1 < len(b) && b[end+1] == '"':
		it.i = end + 1
	case b[end] == '}':
		it.i = end
	default:
		it.bad = true
	}
	return !it.bad
}

// End returns where the object ends, just past its closing brace, once Next
// has reported false; it reports false when the object was not as
// encoding/json writes objects.
func (it *Members) End() (int, bool) {
	if it.pending {
		it.Skip()
	}
	if it.bad || it.i >= len(it.b) || it.b[it.i] != '}' {
		return 0, false
	}
	return it.i + 1, true
}

// Elements reads the elements of an array one by one, as Members reads an
// object's members.
type Elements struct {
	b       []byte
	i       int
	pending bool
	bad     bool
}

// Array starts reading the elements of the array whose opening bracket is
// at b[i].
func Array(b []byte, i int) Elements {
	if i >= len(b) || b[i] != '[' {
		return Elements{bad: true}
	}
	return Elements{b: b, i: i + 1}
}

// Next returns where the next element starts.
func (it *Elements) Next() (int, bool) {
	if it.pending {
		it.Skip()
	}
	if it.bad || it.i >= len(it.b) || it.b[it.i] == ']' {
		return 0, false
	}
	it.pending = true
	return it.i, true
}

// Skip passes the element Next returned and returns where it ends.
func (it *Elements) Skip() (int, bool) {
	end, ok := SkipValue(it.b, it.i)
	if !ok {
		it.bad = true
		return 0, false
	}
	return end, it.Over(end)
}

// Over says that the element Next returned ends at end.
func (it *Elements) Over(end int) bool {
	b := it.b
	it.pending = false
	switch {
	case it.bad || end >= len(b):
		it.bad = true
	case b[end] == ',' && end+1 < len(b) && b[end+1] != ']':
		it.i = end + 1
	case b[end] == ']':
		it.i = end
	default:
		it.bad = true
	}
	return !it.bad
}

// End returns where the array ends, just past its closing bracket, once
// Next has reported false.
func (it *Elements) End() (int, bool) {
	if it.pending {
		it.Skip()
	}
	if it.bad || it.i >= len(it.b) || it.b[it.i] != ']' {
		return 0, false
	}
	return it.i + 1, true
}

// AppendText appends the text of the string s (quotes included) to dst, as
// json.Unmarshal decodes it. It reports false for a string it cannot be
// sure to decode so: text that is not UTF-8, control characters, escapes
// JSON does not define, and UTF-16 surrogates, which json.Marshal never
// writes.
func AppendText(dst, s []byte) ([]byte, bool) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return dst, false
	}
	s = s[1 : len(s)-1]
	for {
		i := bytes.IndexByte(s, '\\')
		if i < 0 {
			i = len(s)
		}
		if !plainText(s[:i]) {
			return dst, false
		}
		dst = append(dst, s[:i]...)
		if i == len(s) {
			return dst, true
		}
		r, n, ok := Escape(s[i:])
		if !ok {
			return dst, false
		}
		dst = utf8.AppendRune(dst, r)
		s = s[i+n:]
	}
}

// plainText reports whether b is UTF-8 without control characters or
// quotes, so a JSON string holds it as it is.
func plainText(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == '"' {
			return false
		}
	}
	return utf8.Valid(b)
}

// Escape decodes the escape at the start of b, returning the character it
// stands for and its length. It reports false for an escape JSON does not
// define and for UTF-16 surrogates, which json.Marshal never writes.
func Escape(b []byte) (rune, int, bool) {
	if len(b) < 2 {
		return 0, 0, false
	}
	switch b[1] {
	case '"', '\\', '/':
		return rune(b[1]), 2, true
	case 'b':
		return '\b', 2, true
	case 'f':
		return '\f', 2, true
	case 'n':
		return '\n', 2, true
	case 'r':
		return '\r', 2, true
	case 't':
		return '\t', 2, true
	case 'u':
		if len(b) < 6 {
			return 0, 0, false
		}
		var r rune
		for _, c := range b[2:6] {
			switch {
			case '0' <= c && c <= '9':
				c -= '0'
			case 'a' <= c && c <= 'f':
				c -= 'a' - 10
			case 'A' <= c && c <= 'F':
				c -= 'A' - 10
			default:
				return 0, 0, false
			}
			r = r<<4 | rune(c)
		}
		if utf8.RuneLen(r) < 0 { // a surrogate
			return 0, 0, false
		}
		return r, 6, true
	}
	return 0, 0, false
}

// Escapes calls f with the character each escape in the text b stands for,
// in order, and reports false when f does, or when an escape is not one
// AppendText decodes. b is JSON text whose strings hold escapes only where
// a backslash is.
func Escapes(b []byte, f func(rune) bool) bool {
	for {
		i := bytes.IndexByte(b, '\\')
		if i < 0 {
			return true
		}
		r, n, ok := Escape(b[i:])
		if !ok || !f(r) {
			return false
		}
		b = b[i+n:]
	}
}

// AppendString appends s to dst as encoding/json writes a string: quoted,
// with ", \ and control characters escaped, <, > and & escaped when html is
// set (as json.Marshal does, and an Encoder unless told not to), U+2028 and
// U+2029 escaped, and bytes that are not UTF-8 written as \ufffd.
func AppendString(dst []byte, s string, html bool) []byte {
	dst = append(dst, '"')
	dst = AppendEscaped(dst, s, html)
	return append(dst, '"')
}

// AppendEscaped appends s as AppendString does, without the quotes: as
// part of a string.
func AppendEscaped(dst []byte, s string, html bool) []byte {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!html || c != '<' && c != '>' && c != '&') {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(dst, s[start:]...)
}
