//go:build !amd64 || purego

package gateway

import "aliauth/internal/jsonscan"

// structural marks the bytes skipNested must look at.
var structural = [256]bool{'{': true, '}': true, '[': true, ']': true, '"': true}

// skipNested skips a nested object or array, leaving s.pos just past it. It
// follows strings and brackets only, so the value's end is found exactly,
// and leaves finer validation to the decoder that reads the content
// afterwards. Strings, most of a large response, are crossed eight bytes at
// a time by jsonscan.SkipString; amd64 reads 64 bytes at a time
// (nested_amd64.go).
func (s *scanner) skipNested() error {
	buf, pos := s.buf, s.pos
	closers := make([]byte, 0, 16)
	for pos < len(buf) {
		switch c := buf[pos]; c {
		case '{', '[':
			if len(closers) >= maxDepth {
				s.pos = pos
				return s.fail("nesting too deep")
			}
			closers = append(closers, c+2) // '{'+2 is '}', '['+2 is ']'
			pos++
		case '}', ']':
			if len(closers) == 0 || closers[len(closers)-1] != c {
				s.pos = pos
				return s.fail("mismatched bracket")
			}
			closers = closers[:len(closers)-1]
			pos++
			if len(closers) == 0 {
				s.pos = pos
				return nil
			}
		case '"':
			end, ok := jsonscan.SkipString(buf, pos)
			if !ok {
				s.pos = len(buf)
				return s.fail("unterminated string")
			}
			pos = end
		default:
			pos++
			for pos < len(buf) && !structural[buf[pos]] {
				pos++
			}
		}
	}
	s.pos = pos
	return s.fail("unterminated value")
}
