package gateway

import (
	"fmt"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Charsets the gateway accepts, as the charset parameter spells them.
const (
	CharsetUTF8 = "utf-8"
	CharsetGBK  = "GBK"
)

// NormalizeCharset turns what a user types into the spelling the gateway
// expects, or says what is accepted.
func NormalizeCharset(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "utf-8", "utf8":
		return CharsetUTF8, nil
	case "gbk":
		return CharsetGBK, nil
	}
	return "", fmt.Errorf("charset %q is not supported; use utf-8 or GBK", s)
}

// encodeCharset gives the bytes of s in charset: what is signed and sent.
func encodeCharset(s, charset string) ([]byte, error) {
	if charset != CharsetGBK {
		return []byte(s), nil
	}
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("%q cannot be written in GBK: %w; use charset utf-8", s, err)
	}
	return b, nil
}

// decodeGBK reads GBK bytes for display. Bytes that are not GBK either come
// out as replacement characters rather than failing: this is only for reading.
func decodeGBK(b []byte) string {
	s, err := simplifiedchinese.GBK.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(s)
}
