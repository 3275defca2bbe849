//go:build !purego

package gateway

// classifyBlocks fills out[k] with the marks of buf[64k:64k+64]; buf holds
// at least 64*len(out) bytes. SSE2, which every amd64 processor has,
// compares sixteen bytes at once.
//
//go:noescape
func classifyBlocks(out []blockBits, buf []byte)
