package gateway

import (
	"fmt"
	"strings"
	"testing"
)

// skipNestedByBytes is skipNested one byte at a time, written as plainly as
// it can be: the reference the block scan must agree with, extent and error
// alike.
func skipNestedByBytes(buf []byte, pos int) (int, error) {
	s := scanner{buf: buf}
	var closers []byte
	inString, escaped := false, false
	for i := pos; i < len(buf); i++ {
		c := buf[i]
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case inString:
			inString = c != '"'
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if len(closers) >= maxDepth {
				s.pos = i
				return 0, s.fail("nesting too deep")
			}
			closers = append(closers, c+2)
		case c == '}' || c == ']':
			if len(closers) == 0 || closers[len(closers)-1] != c {
				s.pos = i
				return 0, s.fail("mismatched bracket")
			}
			closers = closers[:len(closers)-1]
			if len(closers) == 0 {
				return i + 1, nil
			}
		}
	}
	s.pos = len(buf)
	return 0, s.fail("unterminated value")
}

// checkSkipNested fails t unless skipNested finds the extent, or the error,
// that the byte-at-a-time reference finds in data, which starts with a
// bracket.
func checkSkipNested(t *testing.T, data []byte) {
	t.Helper()
	wantEnd, wantErr := skipNestedByBytes(data, 0)
	s := scanner{buf: data}
	err := s.skipNested()
	if fmt.Sprint(err) != fmt.Sprint(wantErr) || (err == nil && s.pos != wantEnd) {
		t.Fatalf("%q:\nblock scan: end %d, %v\nbyte scan:  end %d, %v", data, s.pos, err, wantEnd, wantErr)
	}
}

// batchBytes is how far the amd64 scan classifies at a time (64 bytes times
// blocksPerBatch), a boundary its carries must cross.
const batchBytes = 2048

// The block scan carries what it knows from one 64-byte block to the next
// and from one batch of blocks to the next: whether a string is open, and a
// backslash ending a block. Each tricky piece is placed across every
// boundary of the first blocks and of the first batch (and of the byte
// scan's eight-byte words).
func TestSkipNestedAcrossBlockBoundaries(t *testing.T) {
	pieces := []string{
		`"a\"b{"]`,       // escaped quote, bracket inside the string
		`"\\"]`,          // escaped backslash, then the closing quote
		`"\\\"]"]`,       // three backslashes: the quote is escaped
		`"\\\\\\\\"]`,    // a long even run
		`"x\\\\\\\\\""]`, // a long odd run
		`"}]"`,           // brackets inside a string, no end
		`{"k":[1,{"v":"\/"}]}]`,
		`{"a":"b"}}`, // mismatched
		`"支付宝\"[{"]`,
		`\"]"]`, // a backslash outside a string does not escape
		`[[[[]]]]]`,
	}
	var pads []int
	for p := range 140 {
		pads = append(pads, p)
	}
	for p := batchBytes - 70; p < batchBytes+70; p++ {
		pads = append(pads, p)
	}
	for _, piece := range pieces {
		for _, pad := range pads {
			checkSkipNested(t, []byte("["+strings.Repeat(" ", pad)+piece+`,"sign":"x"}`))
		}
	}
}
