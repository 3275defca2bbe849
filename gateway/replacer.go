package gateway

import "strings"

// replacer replaces old strings with new ones as strings.Replacer does:
// left to right, without overlaps, at each position the first old string,
// in order, that starts there. It finds each old string with strings.Index:
// a trace's secrets are a few long tokens, replaced in a few of many
// strings, so it costs nothing to build and skips text that holds none
// fast, where strings.Replacer builds a trie and steps through text a byte
// at a time.
type replacer struct{ old, new []string }

// newReplacer replaces pairs[i].old with pairs[i].new. An empty old
// string, which would match everywhere, is left out.
func newReplacer(pairs []pair) *replacer {
	r := &replacer{}
	for _, p := range pairs {
		if p.old != "" {
			r.old = append(r.old, p.old)
			r.new = append(r.new, p.new)
		}
	}
	return r
}

type pair struct{ old, new string }

// Replace returns s with every old string replaced; s itself when it holds
// none.
func (r *replacer) Replace(s string) string {
	var room [16]int
	next := room[:0] // where each old string is next found, or -1
	found := false
	for _, old := range r.old {
		i := strings.Index(s, old)
		next = append(next, i)
		found = found || i >= 0
	}
	if !found {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	at := 0
	for {
		k := -1
		for j, i := range next {
			if i >= 0 && (k < 0 || i < next[k]) {
				k = j
			}
		}
		if k < 0 {
			break
		}
		b.WriteString(s[at:next[k]])
		b.WriteString(r.new[k])
		at = next[k] + len(r.old[k])
		for j, i := range next {
			if i >= 0 && i < at {
				if n := strings.Index(s[at:], r.old[j]); n >= 0 {
					next[j] = at + n
				} else {
					next[j] = -1
				}
			}
		}
	}
	b.WriteString(s[at:])
	return b.String()
}
