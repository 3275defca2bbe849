//go:build !amd64 || purego

package gateway

// classifyBlocks fills out[k] with the marks of buf[64k:64k+64]; buf holds
// at least 64*len(out) bytes.
func classifyBlocks(out []blockBits, buf []byte) { classifyPortable(out, buf) }
