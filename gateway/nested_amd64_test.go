//go:build !purego

package gateway

import (
	"strings"
	"testing"
)

// classifyByBytes is classifyBlocks for one block, a byte at a time.
func classifyByBytes(block []byte) blockBits {
	var b blockBits
	for i, c := range block {
		switch c {
		case '"':
			b.quotes |= 1 << i
		case '\\':
			b.backslashes |= 1 << i
		case '{', '}', '[', ']':
			b.brackets |= 1 << i
		}
	}
	return b
}

// FuzzClassifyBlocks: the marks SSE2 gives every block are those a
// byte-at-a-time loop gives.
func FuzzClassifyBlocks(f *testing.F) {
	f.Add([]byte(`{"a":"\"b\\"},[]` + strings.Repeat("{[x]}\"\\", 20)))
	f.Add([]byte{0x7b, 0x5b, 0xfb, 0xdb, 0x7d, 0x5d, 0xfd, 0x22, 0xa2, 0x5c, 0xdc, 0x79, 0x7f, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		n := max(1, (len(data)+63)/64)
		buf := make([]byte, 64*n)
		copy(buf, data)
		got := make([]blockBits, n)
		classifyBlocks(got, buf)
		for k := range n {
			if want := classifyByBytes(buf[64*k : 64*k+64]); got[k] != want {
				t.Fatalf("block %d of %q: %+v, want %+v", k, buf, got[k], want)
			}
		}
	})
}
