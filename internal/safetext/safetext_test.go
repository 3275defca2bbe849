package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTextAndLine(t *testing.T) {
	for _, c := range []struct{ in, text, line string }{
		{"plain ascii", "plain ascii", "plain ascii"},
		{"支付宝 ok", "支付宝 ok", "支付宝 ok"},
		{"a\nb", "a\nb", "a␊b"},
		{"\x1b]52;c;aGk=\x07\x1b]0;TITLE\x07", "␛]52;c;aGk=␇␛]0;TITLE␇", "␛]52;c;aGk=␇␛]0;TITLE␇"},
		{"\x1b[2J\x1b[H", "␛[2J␛[H", "␛[2J␛[H"},
		{"over\rwrite", "over␍write", "over␍write"},
		{"tab\there", "tab here", "tab here"},
		{"del\x7f", "del␡", "del␡"},
		{"nul\x00", "nul␀", "nul␀"},
		{"c1 \u009b31m", "c1 �31m", "c1 �31m"},
		{"raw c1 \x9b31m", "raw c1 �31m", "raw c1 �31m"},
		{"bidi \u202eevil\u202c", "bidi �evil�", "bidi �evil�"},
		{"isolate \u2066x\u2069", "isolate �x�", "isolate �x�"},
		{"cut utf-8 \xe6\x94", "cut utf-8 ��", "cut utf-8 ��"},
		{"gbk \xb8\xb6", "gbk ��", "gbk ��"},
		{"nbsp\u00a0and é", "nbsp\u00a0and é", "nbsp\u00a0and é"},
	} {
		if got := Text(c.in); got != c.text {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.text)
		}
		if got := Line(c.in); got != c.line {
			t.Errorf("Line(%q) = %q, want %q", c.in, got, c.line)
		}
	}
}

// unsafe reports the first byte or character of s a terminal would act on.
func unsafe(s string, newlines bool) (string, bool) {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\ufffd"):
			return s[i : i+1], true
		case r == '\n' && newlines:
		case r < 0x20, r == 0x7f, unsafeRune(r):
			return string(r), true
		}
	}
	return "", false
}

func FuzzText(f *testing.F) {
	for _, seed := range []string{"", "ok", "\x1b]52;c;aGk=\x07", "a\r\nb", "\xc2\x9b", "\xe2\x80\xae", "\xff\xfe", "支付宝\x1b"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		text, line := Text(s), Line(s)
		if bad, ok := unsafe(text, true); ok {
			t.Fatalf("Text(%q) = %q keeps %q", s, text, bad)
		}
		if bad, ok := unsafe(line, false); ok {
			t.Fatalf("Line(%q) = %q keeps %q", s, line, bad)
		}
		if Text(text) != text || Line(line) != line {
			t.Fatalf("cleaning %q twice changes it", s)
		}
		// One stand-in per character, so widths computed over the raw text
		// hold for the cleaned text.
		if utf8.RuneCountInString(text) != utf8.RuneCountInString(s) || utf8.RuneCountInString(line) != utf8.RuneCountInString(s) {
			t.Fatalf("cleaning %q changed its number of characters", s)
		}
		if strings.Count(text, "\n") != strings.Count(s, "\n") || strings.Contains(line, "\n") {
			t.Fatalf("line breaks of %q not kept by Text or not removed by Line", s)
		}
	})
}
