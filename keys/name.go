package keys

import (
	"encoding/asn1"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// attributeTypeAndValue keeps the value's raw DER: Java prints values that are
// not strings as their DER in hex, so the original encoding matters.
type attributeTypeAndValue struct {
	Type  asn1.ObjectIdentifier
	Value asn1.RawValue
}

// relativeNameSET is one RDN; encoding/asn1 reads a type named ...SET as SET OF.
type relativeNameSET []attributeTypeAndValue

// rfc2253Keywords are the attribute names Java's RFC 2253 form uses; any other
// attribute is written as its dotted OID.
var rfc2253Keywords = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.6":                    "C",
	"2.5.4.7":                    "L",
	"2.5.4.8":                    "ST",
	"2.5.4.9":                    "STREET",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"0.9.2342.19200300.100.1.25": "DC",
	"0.9.2342.19200300.100.1.1":  "UID",
}

// directoryStringTags are the string types Java writes as text (PrintableString,
// T61String, IA5String, GeneralString, BMPString, UTF8String).
var directoryStringTags = map[int]bool{19: true, 20: true, 22: true, 27: true, 30: true, 12: true}

// rfc2253Name writes a DER Name as Java's X500Principal.getName() does (RFC
// 2253): the RDNs from last to first joined with ",", each as KEYWORD=value
// ("+" between the values of a multi-valued RDN, in encoded order). This is the
// issuer string of the Alipay serial number, "CN=..,OU=..,O=..,C=..".
//
// It differs from Go's pkix.Name.String in what Java does differently: "=" and
// "#" are escaped anywhere in a value, attributes without an RFC 2253 keyword
// (SERIALNUMBER, emailAddress...) are written as OID=#hex of the value's
// original DER, and value bytes are read as UTF-8 whatever their string type.
func rfc2253Name(der []byte) (string, bool) {
	var rdns []relativeNameSET
	rest, err := asn1.Unmarshal(der, &rdns)
	if err != nil || len(rest) > 0 {
		return "", false
	}
	parts := make([]string, 0, len(rdns))
	for i := len(rdns) - 1; i >= 0; i-- {
		values := make([]string, len(rdns[i]))
		for j, atv := range rdns[i] {
			values[j] = rfc2253Value(atv)
		}
		parts = append(parts, strings.Join(values, "+"))
	}
	return strings.Join(parts, ","), true
}

func rfc2253Value(atv attributeTypeAndValue) string {
	oid := atv.Type.String()
	keyword, ok := rfc2253Keywords[oid]
	v := atv.Value
	if !ok || v.Class != asn1.ClassUniversal || v.IsCompound || !directoryStringTags[v.Tag] {
		if !ok {
			keyword = oid
		}
		return keyword + "=#" + hex.EncodeToString(v.FullBytes)
	}
	var b strings.Builder
	for _, r := range javaUTF8(v.Bytes) {
		switch {
		case strings.ContainsRune(`,=+<>#;"\`, r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == 0:
			b.WriteString(`\00`)
		default:
			b.WriteRune(r)
		}
	}
	escaped := []rune(b.String())
	lead := 0
	for lead < len(escaped) && (escaped[lead] == ' ' || escaped[lead] == '\r') {
		lead++
	}
	trail := len(escaped) - 1
	for trail >= 0 && (escaped[trail] == ' ' || escaped[trail] == '\r') {
		trail--
	}
	var out strings.Builder
	out.WriteString(keyword)
	out.WriteByte('=')
	for i, r := range escaped {
		if i < lead || i > trail {
			out.WriteByte('\\')
		}
		out.WriteRune(r)
	}
	return out.String()
}

// javaUTF8 decodes bytes as Java's UTF-8 decoder does: each maximal ill-formed
// subsequence becomes one U+FFFD.
func javaUTF8(p []byte) []rune {
	runes := make([]rune, 0, len(p))
	for len(p) > 0 {
		r, size := utf8.DecodeRune(p)
		if r != utf8.RuneError || size > 1 {
			runes = append(runes, r)
			p = p[size:]
			continue
		}
		runes = append(runes, utf8.RuneError)
		p = p[illFormedLength(p):]
	}
	return runes
}

// illFormedLength is the length of the maximal subpart of an ill-formed UTF-8
// sequence at the start of p: the lead byte and the continuation bytes that
// could still have completed it.
func illFormedLength(p []byte) int {
	lead := p[0]
	var need int
	lo, hi := byte(0x80), byte(0xbf)
	switch {
	case lead >= 0xc2 && lead <= 0xdf:
		need = 1
	case lead == 0xe0:
		need, lo = 2, 0xa0
	case lead == 0xed:
		need, hi = 2, 0x9f
	case lead >= 0xe1 && lead <= 0xef:
		need = 2
	case lead == 0xf0:
		need, lo = 3, 0x90
	case lead == 0xf4:
		need, hi = 3, 0x8f
	case lead >= 0xf1 && lead <= 0xf3:
		need = 3
	default:
		return 1
	}
	n := 1
	for n <= need && n < len(p) {
		c := p[n]
		if n == 1 && (c < lo || c > hi) || n > 1 && (c < 0x80 || c > 0xbf) {
			break
		}
		n++
	}
	return n
}
