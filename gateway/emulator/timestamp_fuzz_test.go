package emulator

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzParseV2Timestamp: any text is refused or read as the very date and
// time its six fields name, in China Standard Time; padded says whether
// every field had its full width.
func FuzzParseV2Timestamp(f *testing.F) {
	for _, seed := range []string{
		"2024-01-05 09:03:07", "2024-1-5 9:3:7", "2017-010-01 12:00:00", "2024-02-30 12:00:00",
		"2024-01-05T09:03:07+08:00", "1717756911576", " 2024-01-05 09:03:07 ", "2024-01-05  09:03:07", "",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		at, padded, ok := parseV2Timestamp(s)
		if !ok {
			return
		}
		fields := strings.FieldsFunc(strings.TrimSpace(s), func(r rune) bool { return r == '-' || r == ' ' || r == ':' })
		at = at.In(chinaTime)
		got := []int{at.Year(), int(at.Month()), at.Day(), at.Hour(), at.Minute(), at.Second()}
		full := true
		for i, field := range fields {
			n, err := strconv.Atoi(field)
			if err != nil || n != got[i] {
				t.Fatalf("%q read as %v", s, at)
			}
			full = full && (len(field) == 2 || i == 0)
		}
		if len(fields) != 6 || full != padded {
			t.Fatalf("%q: %d fields, padded %v", s, len(fields), padded)
		}
	})
}
