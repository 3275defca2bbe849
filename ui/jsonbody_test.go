package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Tokens cover the text exactly: each token's bytes are what the scanner
// read, separators included, and only whitespace lies between them.
func TestTokenizeJSONKeepsEveryByte(t *testing.T) {
	text := `{"a_response" : {"code":"10000","x":[1, 2.5e3,true,null,{},[]],"s":"\u00e9\/ 支付宝"} ,"sign":"abc"}`
	toks, ok := tokenizeJSON(text)
	if !ok {
		t.Fatal("valid JSON was refused")
	}
	prev := 0
	for _, tk := range toks {
		if strings.TrimSpace(text[prev:tk.from]) != "" {
			t.Fatalf("bytes %q between tokens were skipped", text[prev:tk.from])
		}
		prev = tk.to
	}
	if prev != len(text) {
		t.Fatalf("the tokens end at %d of %d", prev, len(text))
	}
	kinds := map[string]jsonKind{}
	for _, tk := range toks {
		kinds[text[tk.from:tk.to]] = tk.kind
	}
	for piece, want := range map[string]jsonKind{`"a_response"`: jsonKey, `"code"`: jsonKey, `"10000"`: jsonString, `2.5e3`: jsonNumber,
		`true`: jsonLiteral, `null`: jsonLiteral, `"sign"`: jsonKey, `"abc"`: jsonString, `:`: jsonPunct} {
		if kinds[piece] != want {
			t.Errorf("%s is kind %d, want %d", piece, kinds[piece], want)
		}
	}
	for _, bad := range []string{`{"a":`, `<html>`, `{"a":1} {"b":2}`, ``} {
		if _, ok := tokenizeJSON(bad); ok {
			t.Errorf("%q was taken for JSON", bad)
		}
	}
}

// The pretty body never breaks a key, keeps every line within the pane,
// and marks exactly the lines that hold signed bytes.
func TestPrettyBodyWrapsBetweenTokens(t *testing.T) {
	text := `{"alipay_system_oauth_token_response":{"access_token":"authusrB` + strings.Repeat("0123456789", 9) +
		`","user_id":"2088000000000042","nested":{"empty":{},"list":[1,2]}},"sign":"` + strings.Repeat("QUJD", 30) + `"}`
	from := strings.Index(text, `{"access_token"`)
	to := strings.Index(text, `,"sign"`)
	body := &bodyText{text: text, markFrom: from, markTo: to}
	toks, lines, ok := body.json()
	if !ok {
		t.Fatal("not JSON")
	}
	st := NewStyles(true)
	for _, width := range []int{30, 58, 80, 200} {
		b := newPrettyBlock(body, toks, lines, width)
		c := &drawContext{styles: &st}
		var keys []string
		for i := range b.lineCount() {
			line := b.line(i, c)
			plain := ansi.Strip(line)
			if w := ansi.StringWidth(plain); w > width {
				t.Fatalf("width %d: line %d is %d wide: %q", width, i, w, plain)
			}
			if plain != b.plainLine(i) && strings.TrimLeft(plain, "▌ ") != strings.TrimLeft(b.plainLine(i), " ") {
				t.Fatalf("plain line %q differs from the drawn %q", b.plainLine(i), plain)
			}
			marked := strings.HasPrefix(plain, "▌")
			signed := strings.Contains(plain, "access_token") || strings.Contains(plain, "user_id")
			unsigned := strings.Contains(plain, `"sign"`)
			if signed && !marked || unsigned && marked {
				t.Errorf("width %d: line %q marked %v", width, plain, marked)
			}
			for _, k := range []string{`"access_token"`, `"user_id"`, `"nested"`, `"empty"`, `"sign"`} {
				if strings.Contains(plain, k) {
					keys = append(keys, k)
				}
			}
		}
		if len(keys) != 5 {
			t.Errorf("width %d: whole keys found %v; a key was broken", width, keys)
		}
	}
}
