package gateway

import (
	"strings"
	"testing"
)

// FuzzReplacerIsStringsReplacer: the replacer Redact uses replaces exactly
// as strings.Replacer does, overlapping and repeated old strings included.
func FuzzReplacerIsStringsReplacer(f *testing.F) {
	f.Add("abcabcab", "abc", "bca", "ab", "X")
	f.Add("aaaa", "aa", "aaa", "a", "")
	f.Add("authusrB0123 authusrB01234", "authusrB0123", "authusrB01234", "0123", "…")
	f.Add("no match here", "zz", "yy", "xx", "w")
	f.Fuzz(func(t *testing.T, s, a, b, c, rep string) {
		var pairs []pair
		var args []string
		for i, old := range []string{a, b, c} {
			if old == "" {
				continue
			}
			pairs = append(pairs, pair{old, rep + strings.Repeat("!", i)})
			args = append(args, old, rep+strings.Repeat("!", i))
		}
		if len(pairs) == 0 {
			return
		}
		want := strings.NewReplacer(args...).Replace(s)
		if got := newReplacer(pairs).Replace(s); got != want {
			t.Fatalf("Replace(%q) with %q = %q, strings.Replacer gives %q", s, args, got, want)
		}
	})
}
