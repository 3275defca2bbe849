package keys

import (
	"bytes"
	"strconv"
)

// plusAsSpace recognises a key whose '+' characters became spaces, as they do
// when key text travels through URL or form decoding (a query string, a web
// form, some configuration tools). Base64 keys hold '+' often, and once each
// is a space the text still looks like a key but no longer reads as one. It
// returns the error that says so, or nil when the spaces are not the cause.
func plusAsSpace(data []byte) error {
	repaired, n := spacesToPlus(data)
	if n == 0 {
		return nil
	}
	blocks, err := decode(repaired)
	if err != nil || len(blocks) == 0 {
		return nil
	}
	it := classify(blocks[0])
	if it.problem != nil || it.kind == KindUnknown {
		return nil
	}
	spaces := "a space"
	if n > 1 {
		spaces = strconv.Itoa(n) + " spaces"
	}
	return newError(errDamaged,
		"it is damaged: it has %s inside where '+' belongs, as URL or form decoding leaves it; with '+' in their place it reads as %s, so put them back (or copy the key again from the file Alipay's key tool saved)",
		spaces, foundPhrase([]*item{it}))
}

// spacesToPlus replaces each space that sits between two base64 characters
// of a line with '+', and says how many it replaced. Spaces at the start or
// end of a line, and the spaces of PEM header lines, are left alone.
func spacesToPlus(data []byte) ([]byte, int) {
	lines := bytes.Split(data, []byte("\n"))
	n := 0
	for i, line := range lines {
		if bytes.Contains(line, []byte("-----")) || bytes.Contains(line, []byte(":")) {
			continue
		}
		var out []byte
		for j := 1; j < len(line)-1; j++ {
			if line[j] == ' ' && isBase64Char(line[j-1]) && line[j-1] != '=' && isBase64Char(line[j+1]) {
				if out == nil {
					out = bytes.Clone(line)
				}
				out[j] = '+'
				n++
			}
		}
		if out != nil {
			lines[i] = out
		}
	}
	if n == 0 {
		return data, 0
	}
	return bytes.Join(lines, []byte("\n")), n
}
