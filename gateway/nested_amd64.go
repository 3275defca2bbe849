//go:build !purego

package gateway

import "math/bits"

// skipNested skips a nested object or array, leaving s.pos just past it. It
// follows strings and brackets only, so the value's end is found exactly,
// and leaves finer validation to the decoder that reads the content
// afterwards.
//
// It reads 64 bytes at a time, as a bit each. classifyBlocks marks the
// block's quotes, backslashes and brackets with SSE2, which every amd64
// processor has; a running XOR of the quotes that
// open and close strings gives which bytes are inside one; only the
// brackets outside strings are then looked at, one by one. A large response
// is mostly short strings, which the byte scan other architectures run
// (nested_other.go) crosses with a mispredicted branch each.
func (s *scanner) skipNested() error {
	buf := s.buf
	var (
		batch    [blocksPerBatch]blockBits
		tail     [64]byte
		closers  = make([]byte, 0, 16)
		inString uint64 // all ones when the next block starts inside a string
		carry    uint64 // the previous block's backslashes: its top bit precedes this block
	)
	for base := s.pos; base < len(buf); {
		blocks := batch[:min((len(buf)-base)/64, len(batch))]
		if len(blocks) > 0 {
			classifyBlocks(blocks, buf[base:])
		} else {
			// The last bytes, padded with zeros: no zero is marked.
			copy(tail[:], buf[base:])
			blocks = batch[:1]
			classifyBlocks(blocks, tail[:])
		}
		for _, b := range blocks {
			quotes := b.quotes
			if quotes&(b.backslashes<<1|carry>>63) != 0 {
				quotes = unescapedQuotes(buf, base, quotes, inString != 0)
			}
			carry = b.backslashes
			in := prefixXOR(quotes) ^ inString
			inString = uint64(int64(in) >> 63)
			for br := b.brackets &^ in; br != 0; br &= br - 1 {
				i := base + bits.TrailingZeros64(br)
				switch c := buf[i]; c {
				case '{', '[':
					if len(closers) >= maxDepth {
						s.pos = i
						return s.fail("nesting too deep")
					}
					closers = append(closers, c+2) // '{'+2 is '}', '['+2 is ']'
				case '}', ']':
					if len(closers) == 0 || closers[len(closers)-1] != c {
						s.pos = i
						return s.fail("mismatched bracket")
					}
					closers = closers[:len(closers)-1]
					if len(closers) == 0 {
						s.pos = i + 1
						return nil
					}
				}
			}
			base += 64
		}
	}
	s.pos = len(buf)
	return s.fail("unterminated value")
}

// blocksPerBatch is how many blocks skipNested classifies per call: 2 KB,
// ahead of the scan by at most that much past a node's end.
const blocksPerBatch = 32

// prefixXOR sets each bit of x to the XOR of it and every bit below: with
// the quotes that open and close strings as x, the bits inside a string,
// its opening quote included.
func prefixXOR(x uint64) uint64 {
	x ^= x << 1
	x ^= x << 2
	x ^= x << 4
	x ^= x << 8
	x ^= x << 16
	x ^= x << 32
	return x
}

// unescapedQuotes keeps the quotes of the block at base that open or close
// a string, walking them in order, for a block where one follows a
// backslash: inside a string a quote after an odd run of backslashes is
// escaped, and outside one every quote opens a string.
func unescapedQuotes(buf []byte, base int, quotes uint64, inString bool) uint64 {
	var kept uint64
	for q := quotes; q != 0; q &= q - 1 {
		j := bits.TrailingZeros64(q)
		if inString && escapedAt(buf, base+j) {
			continue
		}
		kept |= 1 << j
		inString = !inString
	}
	return kept
}

// escapedAt says whether an odd run of backslashes precedes buf[i]. Inside a
// string the run cannot reach past its opening quote.
func escapedAt(buf []byte, i int) bool {
	run := 0
	for i--; i >= 0 && buf[i] == '\\'; i-- {
		run++
	}
	return run%2 == 1
}

// blockBits marks three kinds of byte in 64 bytes of a body: bit i stands
// for byte i.
type blockBits struct {
	quotes      uint64 // '"'
	backslashes uint64 // '\\'
	brackets    uint64 // '{', '}', '[' or ']'
}

// classifyBlocks fills out[k] with the marks of buf[64k:64k+64]; buf holds
// at least 64*len(out) bytes. It is in nested_amd64.s.
//
//go:noescape
func classifyBlocks(out []blockBits, buf []byte)
