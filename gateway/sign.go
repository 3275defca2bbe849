package gateway

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"time"
)

// cst is China Standard Time, the zone of every gateway timestamp whatever the
// zone of the machine.
var cst = time.FixedZone("CST", 8*60*60)

// TimestampLayout is the v2 timestamp format, yyyy-MM-dd HH:mm:ss.
const TimestampLayout = "2006-01-02 15:04:05"

// Timestamp formats t as the v2 gateway expects it: in China Standard Time.
func Timestamp(t time.Time) string {
	return t.In(cst).Format(TimestampLayout)
}

// ParseTimestamp reads a v2 timestamp (China Standard Time).
func ParseTimestamp(s string) (time.Time, error) {
	t, err := time.ParseInLocation(TimestampLayout, strings.TrimSpace(s), cst)
	if err != nil {
		return time.Time{}, fmt.Errorf("timestamp %q is not yyyy-MM-dd HH:mm:ss", s)
	}
	return t, nil
}

// StringToSign builds the v2 string to sign: every parameter but sign, empty
// values dropped, sorted by key in byte order, joined as key=value with &,
// values raw.
func StringToSign(params map[string]string) string {
	keys := make([]string, 0, len(params))
	size := 0
	for k, v := range params {
		if k == "sign" || v == "" {
			continue
		}
		keys = append(keys, k)
		size += len(k) + len(v) + 2
	}
	sort.Strings(keys)
	var b strings.Builder
	b.Grow(size)
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(params[k])
	}
	return b.String()
}

// ParseSignType reads a sign type as a user types it.
func ParseSignType(s string) (SignType, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "RSA2":
		return RSA2, nil
	case "RSA":
		return RSA, nil
	}
	return "", fmt.Errorf("sign type %q is not supported; use RSA2 (SHA256withRSA) or RSA (SHA1withRSA)", s)
}

func (s SignType) hash(content []byte) (crypto.Hash, []byte) {
	if s == RSA {
		sum := sha1.Sum(content)
		return crypto.SHA1, sum[:]
	}
	sum := sha256.Sum256(content)
	return crypto.SHA256, sum[:]
}

// Sign signs content, encoded in charset, with PKCS#1 v1.5 over SHA-256 (RSA2)
// or SHA-1 (RSA), and returns the standard base64 of the signature. PKCS#1
// v1.5 is deterministic: the same content and key give the bytes the official
// SDKs give.
func Sign(key *rsa.PrivateKey, signType SignType, charset, content string) (string, error) {
	raw, err := encodeCharset(content, charset)
	if err != nil {
		return "", err
	}
	return SignBytes(key, signType, raw)
}

// SignBytes signs bytes that are already in the request charset.
func SignBytes(key *rsa.PrivateKey, signType SignType, content []byte) (string, error) {
	h, digest := signType.hash(content)
	sig, err := rsa.SignPKCS1v15(nil, key, h, digest)
	if err != nil {
		return "", fmt.Errorf("sign with the app private key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// VerifyBytes checks a base64 signature over content with the given key.
func VerifyBytes(key *rsa.PublicKey, signType SignType, content []byte, sign string) error {
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sign))
	if err != nil {
		return fmt.Errorf("the signature is not base64: %w", err)
	}
	h, digest := signType.hash(content)
	if err := rsa.VerifyPKCS1v15(key, h, digest, sig); err != nil {
		return fmt.Errorf("the signature does not match the content: %w", err)
	}
	return nil
}
