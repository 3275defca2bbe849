package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Chinese wraps between its characters, as it has no spaces, and as it is
// set: no line starts with closing punctuation or ends with opening
// punctuation; English still wraps at spaces.
func TestWrapWordsSetsChineseLines(t *testing.T) {
	for width := 11; width <= 40; width++ {
		for _, s := range []string{
			"SHA256withRSA 与 alipay-timestamp、alipay-nonce 和原始报文（170 字节）一致",
			"签名不匹配：报文被改动，或密钥不是此应用的支付宝公钥（沙箱与正式环境不同）。",
		} {
			lines := wrapWords(s, width)
			if got := strings.Join(lines, ""); strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(s, " ", "") {
				t.Fatalf("width %d: %q lost text: %q", width, s, lines)
			}
			for _, l := range lines {
				first, last := []rune(l)[0], []rune(l)[len([]rune(l))-1]
				if strings.ContainsRune(closesCJK, first) || strings.ContainsRune(opensCJK, last) {
					t.Errorf("width %d: line %q", width, l)
				}
				if w := ansi.StringWidth(l); w > width && !strings.Contains(l, "alipay-timestamp") && !strings.Contains(l, "SHA256withRSA") {
					t.Errorf("width %d: line %q is %d cells", width, l, w)
				}
			}
		}
	}
	if got := wrapWords("the body was altered", 10); strings.Join(got, "|") != "the body|was|altered" {
		t.Errorf("English: %q", got)
	}
}
