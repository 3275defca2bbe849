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
	// A '+' may also have ended a line, where its space looks like
	// trailing whitespace: try without those first.
	for _, lineEnds := range []bool{false, true} {
		repaired, n := spacesToPlus(data, lineEnds)
		if n == 0 {
			continue
		}
		if it := readable(repaired); it != nil {
			return plusAsSpaceError(it, n)
		}
	}
	return nil
}

// readable classifies data, and returns its first item when it reads with
// no problem.
func readable(data []byte) *item {
	blocks, err := decode(data)
	if err != nil || len(blocks) == 0 {
		return nil
	}
	it := classify(blocks[0])
	if it.problem != nil || it.kind == KindUnknown {
		return nil
	}
	return it
}

func plusAsSpaceError(it *item, n int) error {
	spaces := "a space"
	if n > 1 {
		spaces = strconv.Itoa(n) + " spaces"
	}
	return newError(errDamaged,
		"it is damaged: it has %s inside where '+' belongs, as URL or form decoding leaves it; with '+' in their place it reads as %s, so put them back (or copy the key again from the file Alipay's key tool saved)",
		spaces, foundPhrase([]*item{it}))
}

// spacesToPlus replaces each space that sits between two base64 characters
// of a line with '+', and says how many it replaced; with lineEnds, also the
// spaces that end a line of base64. Spaces at the start of a line, and the
// spaces of PEM header lines, are left alone.
func spacesToPlus(data []byte, lineEnds bool) ([]byte, int) {
	lines := bytes.Split(data, []byte("\n"))
	n := 0
	for i, line := range lines {
		if bytes.Contains(line, []byte("-----")) || bytes.Contains(line, []byte(":")) {
			continue
		}
		var out []byte
		for j := 1; j < len(line); j++ {
			if line[j] != ' ' || !isBase64Char(line[j-1]) || line[j-1] == '=' {
				continue
			}
			// A run of spaces is a run of '+' when base64 resumes after it.
			end := j
			for end < len(line) && line[end] == ' ' {
				end++
			}
			atEnd := end == len(line) || line[end] == '\r'
			if !(atEnd && lineEnds) && (end == len(line) || !isBase64Char(line[end])) {
				j = end
				continue
			}
			if out == nil {
				out = bytes.Clone(line)
			}
			for k := j; k < end; k++ {
				out[k] = '+'
				n++
			}
			j = end
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
