package gateway

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"aliauth/internal/jsonscan"
)

// rawTokensOneByOne is rawTokens as a search for each member in turn.
func rawTokensOneByOne(text []byte, found func(raw, decoded string)) {
	for _, member := range tokenMembers {
		for rest := text; ; {
			i := bytes.Index(rest, member)
			if i < 0 {
				break
			}
			rest = rest[i+len(member):]
			v := bytes.TrimLeft(rest, " \t\r\n")
			if len(v) == 0 || v[0] != ':' {
				continue
			}
			v = bytes.TrimLeft(v[1:], " \t\r\n")
			if len(v) == 0 || v[0] != '"' {
				continue
			}
			end, closed := jsonscan.SkipString(v, 0)
			if !closed {
				found(string(v[1:]), string(v[1:]))
				continue
			}
			raw := string(v[1 : end-1])
			decoded := raw
			if strings.IndexByte(raw, '\\') >= 0 && json.Unmarshal(v[:end], &decoded) != nil {
				decoded = raw
			}
			found(raw, decoded)
		}
	}
}

// FuzzRawTokens: one search for the members finds what searching for each
// in turn finds, in the same order.
func FuzzRawTokens(f *testing.F) {
	f.Add([]byte(`{"refresh_token":"r1","access_token":"a1","x":{"app_auth_token":"p","auth_token":"t","access_token" : "a2"}}`))
	f.Add([]byte(`{"app_refresh_token":"x\u0041","refresh_token":"cut`))
	f.Add([]byte(`"access_token""access_token":"_token"`))
	f.Fuzz(func(t *testing.T, text []byte) {
		var got, want []string
		rawTokens(text, func(raw, decoded []byte) { got = append(got, string(raw), string(decoded)) })
		rawTokensOneByOne(text, func(raw, decoded string) { want = append(want, raw, decoded) })
		if !slices.Equal(got, want) {
			t.Fatalf("rawTokens(%q) = %q, one by one %q", text, got, want)
		}
	})
}
