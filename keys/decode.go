package keys

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// How a piece of DER was wrapped in the input; the second word of a Format.
const (
	wrapPEM    = "PEM"
	wrapBase64 = "base64"
	wrapDER    = "DER"
)

// block is one piece of DER found in the input.
type block struct {
	der       []byte
	wrap      string // wrapPEM, wrapBase64 or wrapDER
	label     string // the PEM type ("PRIVATE KEY"), empty for base64 and DER
	encrypted bool   // a PEM block with "Proc-Type: 4,ENCRYPTED"
	// aes marks base64 of 16, 24 or 32 bytes: an AES key, not DER.
	aes bool
}

const pemBegin = "-----BEGIN"

// expectation is the tail of every "not a key" message.
const expectation = `expected base64 (as Alipay's key tool writes it, starting with "MII") or PEM ("-----BEGIN ...")`

// decode finds the DER in data, whatever wraps it: PEM blocks (all of them, in
// order), bare base64 (with any whitespace, line breaks or surrounding quotes),
// or raw DER. A UTF-8 or UTF-16 byte order mark is dropped. Its errors say
// what was found instead, never quoting more than one character of the input.
func decode(data []byte) ([]block, error) {
	data = dropBOM(data)
	text := bytes.TrimSpace(data)
	if len(text) == 0 {
		return nil, newError(ErrNotKey, "it is empty; %s", expectation)
	}
	if bytes.Contains(data, []byte(pemBegin)) {
		return decodePEM(data)
	}
	if isBase64Text(text) {
		if b, ok := aesKey(text); ok {
			return []block{b}, nil
		}
		return decodeBase64(text)
	}
	if data[0] == 0x30 && !utf8.Valid(data) {
		return []block{{der: data, wrap: wrapDER}}, nil
	}
	return nil, newError(ErrNotKey, "not a key: %s; found %s", expectation, describeGarbage(text))
}

// dropBOM removes a UTF-8 byte order mark, and converts UTF-16 text with a
// byte order mark (as some Windows editors save) to UTF-8.
func dropBOM(data []byte) []byte {
	if rest, ok := bytes.CutPrefix(data, []byte("\xef\xbb\xbf")); ok {
		return rest
	}
	if len(data) >= 2 && (data[0] == 0xff && data[1] == 0xfe || data[0] == 0xfe && data[1] == 0xff) {
		little := data[0] == 0xff
		units := make([]uint16, 0, len(data)/2)
		for i := 2; i+1 < len(data); i += 2 {
			if little {
				units = append(units, uint16(data[i])|uint16(data[i+1])<<8)
			} else {
				units = append(units, uint16(data[i])<<8|uint16(data[i+1]))
			}
		}
		return []byte(string(utf16.Decode(units)))
	}
	return data
}

// unescapeNewlines turns the two characters `\n` into a line break: PEM kept in
// an environment variable or a .env file often has its line breaks written so.
func unescapeNewlines(data []byte) []byte {
	if !bytes.Contains(data, []byte(`\n`)) {
		return data
	}
	data = bytes.ReplaceAll(data, []byte(`\r\n`), []byte("\n"))
	return bytes.ReplaceAll(data, []byte(`\n`), []byte("\n"))
}

// decodePEM returns every PEM block in data, in order. A block that Go's
// encoding/pem refuses (its line breaks lost, say) is read leniently; a block
// cut short or with damaged base64 is an error naming its position, never
// silently skipped.
func decodePEM(data []byte) ([]block, error) {
	data = unescapeNewlines(data)
	var blocks []block
	rest := data
	for {
		start := bytes.Index(rest, []byte(pemBegin))
		if start < 0 {
			break
		}
		rest = rest[start:]
		n := len(blocks) + 1
		label := pemLabel(rest[len(pemBegin):])
		open := bytes.Index(rest[len(pemBegin):], []byte("-----"))
		if open < 0 {
			return nil, newError(ErrNotKey,
				"PEM block %d has a damaged -----BEGIN line; copy everything from -----BEGIN to -----END", n)
		}
		bodyStart := len(pemBegin) + open + len("-----")
		end := bytes.Index(rest[bodyStart:], []byte("-----END"))
		next := bytes.Index(rest[bodyStart:], []byte(pemBegin))
		if end < 0 || next >= 0 && next < end {
			return nil, newError(ErrNotKey,
				"PEM block %d (%q) has no -----END line: it is cut short; copy everything from -----BEGIN to -----END", n, label)
		}
		end += bodyStart
		// The block ends with the dashes that close the END line.
		closing := bytes.Index(rest[end+len("-----END"):], []byte("-----"))
		if closing < 0 {
			return nil, newError(ErrNotKey,
				"PEM block %d (%q) has a damaged -----END line; copy everything from -----BEGIN to -----END", n, label)
		}
		stop := end + len("-----END") + closing + len("-----")
		segment, body := rest[:stop], rest[bodyStart:end]
		rest = rest[stop:]
		if p, _ := pem.Decode(segment); p != nil {
			encrypted := strings.Contains(p.Headers["Proc-Type"], "ENCRYPTED")
			blocks = append(blocks, block{der: p.Bytes, wrap: wrapPEM, label: p.Type, encrypted: encrypted})
			continue
		}
		b, err := lenientPEM(body, label)
		if err != nil {
			return nil, newError(ErrNotKey, "PEM block %d (%q) is damaged: %v; copy the block again from where it came from", n, label, err)
		}
		blocks = append(blocks, b)
	}
	return blocks, nil
}

// pemLabel reads the type after "-----BEGIN" up to the closing dashes.
func pemLabel(afterBegin []byte) string {
	line := afterBegin
	if i := bytes.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	if i := bytes.Index(line, []byte("-----")); i >= 0 {
		line = line[:i]
	}
	label := strings.TrimSpace(string(line))
	if len(label) > 40 || !utf8.ValidString(label) {
		label = label[:min(len(label), 40)]
		label = strings.ToValidUTF8(label, "")
	}
	return label
}

// lenientPEM reads the body of one PEM block whose layout encoding/pem
// refuses: line breaks turned into spaces, a whole block on one line, stray
// indentation.
func lenientPEM(body []byte, label string) (block, error) {
	if bytes.Contains(body, []byte("Proc-Type:")) {
		if bytes.Contains(body, []byte("ENCRYPTED")) {
			return block{wrap: wrapPEM, label: label, encrypted: true}, nil
		}
		return block{}, fmt.Errorf("its headers cannot be read")
	}
	der, err := decodeBase64Body(body)
	if err != nil {
		return block{}, err
	}
	return block{der: der, wrap: wrapPEM, label: label}, nil
}

// isBase64Text reports whether text is made of base64 characters, whitespace
// and the surrounding quotes or `\n` escapes of a pasted string.
func isBase64Text(text []byte) bool {
	clean := cleanBase64(text)
	if len(clean) == 0 {
		return false
	}
	for _, c := range clean {
		if !isBase64Char(c) {
			return false
		}
	}
	return true
}

// cleanBase64 drops whitespace, surrounding quotes and `\n` escapes.
func cleanBase64(text []byte) []byte {
	text = bytes.TrimSpace(text)
	if len(text) >= 2 && (text[0] == '"' && text[len(text)-1] == '"' || text[0] == '\'' && text[len(text)-1] == '\'') {
		text = text[1 : len(text)-1]
	}
	text = bytes.ReplaceAll(text, []byte(`\r`), nil)
	text = bytes.ReplaceAll(text, []byte(`\n`), nil)
	clean := make([]byte, 0, len(text))
	for i := 0; i < len(text); {
		c := text[i]
		if c >= utf8.RuneSelf {
			// Copying from a web page, a chat or a document brings
			// non-breaking and full-width spaces; they are whitespace too.
			r, size := utf8.DecodeRune(text[i:])
			if isUnicodeSpace(r) {
				i += size
				continue
			}
		}
		if !isSpace(c) {
			clean = append(clean, c)
		}
		i++
	}
	return clean
}

// isUnicodeSpace reports the spaces beyond ASCII that pasted text carries:
// no-break, full-width, zero-width spaces and a stray byte order mark.
func isUnicodeSpace(r rune) bool {
	return r == '\u00a0' || r == '\u3000' || r == '\ufeff' || (r >= '\u2000' && r <= '\u200b') || r == '\u202f' || r == '\u205f'
}

// aesKeySizes are the lengths, in bytes, of the AES keys the Alipay console
// issues for content encryption (接口内容加密方式): AES-128 by default.
var aesKeySizes = map[int]bool{16: true, 24: true, 32: true}

// aesKey recognises the base64 of an AES key: too short to be any RSA key,
// and exactly an AES key's length.
func aesKey(text []byte) (block, bool) {
	clean := cleanBase64(text)
	if len(clean) > 44 {
		return block{}, false
	}
	raw, err := decodeBase64Body(text)
	if err != nil || !aesKeySizes[len(raw)] {
		return block{}, false
	}
	return block{der: raw, wrap: wrapBase64, aes: true}, true
}

func decodeBase64(text []byte) ([]block, error) {
	if clean := cleanBase64(text); len(clean) < 64 {
		return nil, newError(ErrNotKey, "not a key: %s; found %d characters of text, too short to be a key", expectation, len(clean))
	}
	der, err := decodeBase64Body(text)
	if err != nil {
		return nil, newError(ErrNotKey, "the base64 text is damaged: %v; copy the whole key again", err)
	}
	if len(der) == 0 || der[0] != 0x30 {
		found := "base64 text that does not decode to a key"
		if isHex(text) {
			found = "hexadecimal text; keys are base64: convert it with xxd -r -p FILE | base64 -w0"
		}
		return nil, newError(ErrNotKey, "not a key: %s; found %s", expectation, found)
	}
	return []block{{der: der, wrap: wrapBase64}}, nil
}

// decodeBase64Body decodes base64 in the standard or URL alphabet, with or
// without padding, ignoring whitespace.
func decodeBase64Body(text []byte) ([]byte, error) {
	clean := cleanBase64(text)
	for i, c := range clean {
		if !isBase64Char(c) {
			return nil, fmt.Errorf("%q at position %d is not a base64 character", rune(c), i+1)
		}
	}
	body := bytes.TrimRight(clean, "=")
	if len(clean)-len(body) > 2 {
		return nil, fmt.Errorf("it ends with too many '=' characters")
	}
	if i := bytes.IndexByte(body, '='); i >= 0 {
		return nil, fmt.Errorf("'=' at position %d, inside the text: two keys pasted together?", i+1)
	}
	if len(body)%4 == 1 {
		return nil, fmt.Errorf("%d base64 characters cannot be whole bytes: it is cut short or has a character too many", len(body))
	}
	enc := base64.RawStdEncoding
	if bytes.ContainsAny(body, "-_") {
		if bytes.ContainsAny(body, "+/") {
			return nil, fmt.Errorf("it mixes the two base64 alphabets (+/ and -_)")
		}
		enc = base64.RawURLEncoding
	}
	der := make([]byte, enc.DecodedLen(len(body)))
	n, err := enc.Decode(der, body)
	if err != nil {
		return nil, fmt.Errorf("it cannot be decoded (%v)", err)
	}
	return der[:n], nil
}

// describeGarbage says what the input is instead of a key, without quoting it:
// the input may be someone's secret in the wrong shape.
func describeGarbage(text []byte) string {
	s := string(text)
	switch {
	case strings.HasPrefix(s, "ssh-") || strings.HasPrefix(s, "ecdsa-sha2-"):
		return "an OpenSSH public key line; Alipay takes PKIX keys: convert it with ssh-keygen -e -m PKCS8 -f KEY.pub"
	case strings.HasPrefix(s, "PuTTY-User-Key-File"):
		return "a PuTTY key; export it with puttygen KEY.ppk -O private-openssh -o key.pem, then convert that to PKCS#8"
	case strings.HasPrefix(s, "{") || strings.HasPrefix(s, "["):
		return "JSON; pass the key itself, not the file that contains it"
	case !utf8.Valid(text):
		if text[0] == 0x30 {
			return "binary data that is not a DER key"
		}
		return fmt.Sprintf("%d bytes of binary data", len(text))
	}
	for i, r := range s {
		if r < utf8.RuneSelf && (isBase64Char(byte(r)) || isSpace(byte(r))) {
			continue
		}
		return fmt.Sprintf("text with %q at position %d, a character base64 does not use", r, i+1)
	}
	return fmt.Sprintf("%d characters of text", utf8.RuneCount(text))
}

func isHex(text []byte) bool {
	clean := cleanBase64(text)
	if len(clean) < 64 || len(clean)%2 != 0 {
		return false
	}
	_, err := hex.DecodeString(string(clean))
	return err == nil && (clean[0] == '3' && clean[1] == '0')
}
