package gateway

import "encoding/binary"

// blockBits marks three kinds of byte in 64 bytes of a body: bit i stands
// for byte i.
type blockBits struct {
	quotes      uint64 // '"'
	backslashes uint64 // '\\'
	brackets    uint64 // '{', '}', '[' or ']'
}

// classifyPortable is classifyBlocks in plain Go, eight bytes at a time: it
// fills out[k] from buf[64k:64k+64], and buf holds at least 64*len(out)
// bytes.
func classifyPortable(out []blockBits, buf []byte) {
	for k := range out {
		block := (*[64]byte)(buf[64*k:])
		var b blockBits
		for w := range 8 {
			x := binary.LittleEndian.Uint64(block[8*w:])
			// '[' and ']' are '{' and '}' without the 0x20 bit.
			folded := x | lowBits*0x20
			b.quotes |= gatherHighBits(zeroBytes(x^lowBits*'"')) << (8 * w)
			b.backslashes |= gatherHighBits(zeroBytes(x^lowBits*'\\')) << (8 * w)
			b.brackets |= gatherHighBits(zeroBytes(folded^lowBits*'{')|zeroBytes(folded^lowBits*'}')) << (8 * w)
		}
		out[k] = b
	}
}

// zeroBytes marks the zero bytes of x with their high bit, exactly: no
// carry crosses from one byte into the next.
func zeroBytes(x uint64) uint64 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	return ^((x&low7 + low7) | x) & highBits
}

// gatherHighBits packs the high bits of m's eight bytes into one byte, the
// lowest byte's first. The multiplication moves each into the top byte at a
// place of its own, and no two partial products meet.
func gatherHighBits(m uint64) uint64 {
	return m * 0x0002040810204081 >> 56
}
