package keys

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Format says how key material was encoded: its structure, then how it was
// wrapped (PEM, bare base64 or raw DER). The structures are PKCS#8 and PKCS#1
// for private keys, PKIX and "PKCS#1 public" for public keys and "X.509
// certificate" for certificates; a public key taken from a certificate has the
// certificate's format. Other values name what was found when it cannot be
// used, such as "encrypted PKCS#8 PEM" or "SEC1 PEM".
type Format string

// The formats of usable RSA keys and certificates.
const (
	FormatPKCS8Base64       Format = "PKCS#8 base64" // what Alipay's key tool writes by default
	FormatPKCS8PEM          Format = "PKCS#8 PEM"    // "-----BEGIN PRIVATE KEY-----"
	FormatPKCS8DER          Format = "PKCS#8 DER"
	FormatPKCS1Base64       Format = "PKCS#1 base64"
	FormatPKCS1PEM          Format = "PKCS#1 PEM" // "-----BEGIN RSA PRIVATE KEY-----"
	FormatPKCS1DER          Format = "PKCS#1 DER"
	FormatPKIXBase64        Format = "PKIX base64" // what the Alipay console shows and takes
	FormatPKIXPEM           Format = "PKIX PEM"    // "-----BEGIN PUBLIC KEY-----"
	FormatPKIXDER           Format = "PKIX DER"
	FormatPKCS1PublicBase64 Format = "PKCS#1 public base64"
	FormatPKCS1PublicPEM    Format = "PKCS#1 public PEM" // "-----BEGIN RSA PUBLIC KEY-----"
	FormatPKCS1PublicDER    Format = "PKCS#1 public DER"
	FormatCertificatePEM    Format = "X.509 certificate PEM" // "-----BEGIN CERTIFICATE-----", the .crt files of certificate mode
	FormatCertificateBase64 Format = "X.509 certificate base64"
	FormatCertificateDER    Format = "X.509 certificate DER"
)

// Kind says what key material is.
type Kind string

// The kinds of key material.
const (
	KindPrivateKey         Kind = "private key"
	KindPublicKey          Kind = "public key"
	KindCertificate        Kind = "certificate"
	KindCertificateBundle  Kind = "certificate bundle" // several certificates in one file, as alipayRootCert.crt
	KindCertificateRequest Kind = "certificate request"
	// KindAESKey is the base64 AES key of content encryption (接口内容加密),
	// often pasted where a key of another kind belongs.
	KindAESKey  Kind = "AES key"
	KindUnknown Kind = "unknown"
)

// MinBits is the size of RSA key Alipay's RSA2 sign type requires.
const MinBits = 2048

// minUsableBits is the size under which Go's crypto/rsa refuses a key.
const minUsableBits = 1024

// What to pass, for the end of wrong-kind messages.
const (
	needPrivate = "pass the app private key (Alipay's key tool saves it as 应用私钥RSA2048.txt)"
	needPublic  = "pass a public key (the Alipay public key, 支付宝公钥, is on the app's page in the Alipay console)"
	needCert    = "certificate mode takes the .crt files downloaded from the Alipay console " +
		"(appCertPublicKey_<app id>.crt, alipayCertPublicKey_RSA2.crt, alipayRootCert.crt)"
	genHint = "generate an RSA pair with aliauth keys gen or Alipay's key tool"
)

// ParsePrivateKey reads an RSA private key: bare base64 (PKCS#8, as Alipay's
// key tool writes it, or PKCS#1), PEM ("PRIVATE KEY" or "RSA PRIVATE KEY") or
// DER. Whitespace, line breaks, surrounding quotes and a byte order mark are
// tolerated; in a file of several PEM blocks the first private key counts.
//
// It refuses, saying what the input is and what to pass instead: public keys
// and certificates, encrypted keys (ErrEncrypted), EC, SM2 and other non-RSA
// keys (ErrNotRSA), keys under 1024 bits (ErrWeakKey), and input that is not a
// key (ErrNotKey). Keys of 1024 bits and more load; see CheckStrength.
func ParsePrivateKey(data []byte) (*rsa.PrivateKey, Format, error) {
	items, err := parseItems(data)
	if err != nil {
		return nil, "", err
	}
	it := first(items, KindPrivateKey)
	if it == nil {
		return nil, "", wrongKind(items, KindPrivateKey)
	}
	if it.problem != nil {
		return nil, "", it.problem
	}
	if !it.isRSA() || it.priv == nil {
		return nil, "", notRSA(it)
	}
	if err := usable(it.bits); err != nil {
		return nil, "", err
	}
	return it.priv, it.format(), nil
}

// ParsePublicKey reads an RSA public key: bare base64 (PKIX, as the Alipay
// console shows it, or PKCS#1), PEM ("PUBLIC KEY" or "RSA PUBLIC KEY"), DER, or
// a certificate, whose public key it returns (the first certificate of the
// file; the Format then says it was a certificate). It refuses private keys,
// certificate requests, non-RSA keys and keys under 1024 bits, with errors as
// ParsePrivateKey's.
func ParsePublicKey(data []byte) (*rsa.PublicKey, Format, error) {
	items, err := parseItems(data)
	if err != nil {
		return nil, "", err
	}
	var it *item
	for _, candidate := range items {
		if candidate.kind == KindPublicKey || candidate.kind == KindCertificate {
			it = candidate
			break
		}
	}
	if it == nil {
		return nil, "", wrongKind(items, KindPublicKey)
	}
	if it.problem != nil {
		if it.kind == KindCertificate {
			return nil, "", certProblem(it, items)
		}
		return nil, "", it.problem
	}
	if !it.isRSA() || it.pub == nil {
		return nil, "", notRSA(it)
	}
	if err := usable(it.bits); err != nil {
		return nil, "", err
	}
	return it.pub, it.format(), nil
}

// LoadPrivateKey reads the source (see ReadSource) and parses it with
// ParsePrivateKey. Errors name the source:
// `read private key file "app.key": this is a public key (PKIX base64); ...`.
func LoadPrivateKey(source string) (*rsa.PrivateKey, Format, error) {
	data, describe, err := readSource(source)
	if err != nil {
		return nil, "", within("private key", describe, err)
	}
	key, format, err := ParsePrivateKey(data)
	if err != nil {
		return nil, "", within("private key", describe, err)
	}
	return key, format, nil
}

// LoadPublicKey reads the source (see ReadSource) and parses it with
// ParsePublicKey. Errors name the source.
func LoadPublicKey(source string) (*rsa.PublicKey, Format, error) {
	data, describe, err := readSource(source)
	if err != nil {
		return nil, "", within("public key", describe, err)
	}
	key, format, err := ParsePublicKey(data)
	if err != nil {
		return nil, "", within("public key", describe, err)
	}
	return key, format, nil
}

// CheckStrength reports whether an RSA key is long enough for Alipay's RSA2
// sign type (2048 bits); its error says how long the key is and what to do.
// Pass &priv.PublicKey for a private key.
func CheckStrength(pub *rsa.PublicKey) error {
	if pub == nil || pub.N == nil {
		return newError(ErrWeakKey, "no key to check")
	}
	if bits := pub.N.BitLen(); bits < MinBits {
		return newError(ErrWeakKey, "the RSA key has %d bits and Alipay RSA2 needs %d; %s", bits, MinBits, genHint)
	}
	return nil
}

// Match reports whether the public key belongs to the private key. Nil keys
// never match.
func Match(priv *rsa.PrivateKey, pub *rsa.PublicKey) bool {
	if priv == nil || pub == nil || priv.N == nil || pub.N == nil {
		return false
	}
	return priv.E == pub.E && priv.N.Cmp(pub.N) == 0
}

// Fingerprint identifies a public key without showing it, as ssh does:
// "SHA256:" and the unpadded standard base64 of the SHA-256 of its PKIX DER.
// It is "" for a nil key.
func Fingerprint(pub *rsa.PublicKey) string {
	if pub == nil || pub.N == nil {
		return ""
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return ""
	}
	return fingerprintDER(der)
}

func fingerprintDER(spki []byte) string {
	if len(spki) == 0 {
		return ""
	}
	sum := sha256.Sum256(spki)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// parseItems decodes and classifies every block of data, dropping blocks that
// are not material in themselves (EC PARAMETERS).
func parseItems(data []byte) ([]*item, error) {
	blocks, err := decode(data)
	if err != nil {
		if cause := plusAsSpace(data); cause != nil {
			return nil, cause
		}
		return nil, err
	}
	items := make([]*item, 0, len(blocks))
	for _, b := range blocks {
		if it := classify(b); it.kind != "" {
			items = append(items, it)
		}
	}
	if len(items) == 0 {
		return nil, newError(ErrNotKey, "not a key: the PEM holds only parameters, no key or certificate")
	}
	if p := items[0].problem; p != nil && errors.Is(p, errDamaged) {
		if cause := plusAsSpace(data); cause != nil {
			items[0].problem = cause
		}
	}
	return items, nil
}

func first(items []*item, kind Kind) *item {
	for _, it := range items {
		if it.kind == kind {
			return it
		}
	}
	return nil
}

// usable refuses RSA keys Go cannot use at all.
func usable(bits int) error {
	if bits < minUsableBits {
		return newError(ErrWeakKey,
			"this RSA key has only %d bits, too short to use (Go refuses keys under %d bits and Alipay RSA2 needs %d); %s",
			bits, minUsableBits, MinBits, genHint)
	}
	return nil
}

// wrongKind says what the input is, when it holds nothing of the kind needed.
func wrongKind(items []*item, need Kind) error {
	it := items[0]
	if it.problem != nil && (it.kind == KindUnknown || it.kind == KindCertificateBundle || it.kind == KindAESKey || it.kind == need) {
		return it.problem
	}
	what := foundPhrase(items)
	switch need {
	case KindPrivateKey:
		switch it.kind {
		case KindPublicKey:
			return newError(ErrWrongKind, "this is %s; %s", what, needPrivate)
		case KindCertificate, KindCertificateBundle, KindCertificateRequest:
			return newError(ErrWrongKind, "this is %s, which holds only public keys; %s", what, needPrivate)
		}
	case KindPublicKey:
		switch it.kind {
		case KindPrivateKey:
			return newError(ErrWrongKind, "this is %s, where a public key is needed; %s", what, needPublic)
		case KindCertificateRequest:
			return newError(ErrWrongKind,
				"this is %s: upload it in the Alipay console to get the certificates, then pass a certificate or a public key", what)
		}
	default:
		if it.kind == KindCertificateRequest {
			return newError(ErrWrongKind,
				"this is %s, not a certificate: upload it in the Alipay console, which issues the certificates; %s", what, needCert)
		}
		return newError(ErrWrongKind, "this is %s, not a certificate; %s", what, needCert)
	}
	if need == KindPrivateKey {
		return newError(ErrWrongKind, "this is %s; %s", what, needPrivate)
	}
	return newError(ErrWrongKind, "this is %s; %s", what, needPublic)
}

// foundPhrase names what the input holds: "a public key (PKIX base64)".
func foundPhrase(items []*item) string {
	it := items[0]
	switch it.kind {
	case KindCertificate:
		n := 0
		for _, other := range items {
			if other.kind == KindCertificate {
				n++
			}
		}
		if n > 1 {
			return fmt.Sprintf("a certificate bundle (%d certificates, %s)", n, it.format())
		}
		if it.cert != nil && it.cert.Subject.CommonName != "" {
			return fmt.Sprintf("a certificate (%s, issued to %q)", it.format(), it.cert.Subject.CommonName)
		}
		return fmt.Sprintf("a certificate (%s)", it.format())
	case KindCertificateRequest:
		return fmt.Sprintf("a certificate signing request (%s)", it.format())
	case KindPrivateKey, KindPublicKey:
		if it.algorithm != "" && !it.isRSA() {
			return fmt.Sprintf("%s %s %s (%s)", article(it.algorithm), it.algorithm, it.kind, it.format())
		}
		return fmt.Sprintf("a %s (%s)", it.kind, it.format())
	}
	return fmt.Sprintf("%s %s (%s)", article(string(it.kind)), it.kind, it.format())
}

// notRSA explains that Alipay RSA2 needs an RSA key.
func notRSA(it *item) error {
	alg := it.algorithm
	if alg == "" {
		alg = "unknown"
	}
	extra := ""
	switch {
	case alg == "SM2":
		extra = " (SM2 keys are for Alipay's SM2 sign type, which this tool does not use)"
	case alg == "RSA-PSS":
		extra = " (an RSA-PSS key is restricted to PSS signatures; Alipay uses PKCS#1 v1.5)"
	}
	hint := genHint
	if it.kind != KindPrivateKey {
		hint = "pass an RSA public key or certificate (the Alipay public key, 支付宝公钥, is on the app's page in the Alipay console)"
	}
	if it.kind == KindCertificate {
		return newError(ErrNotRSA, "the certificate's public key is %s (%s); Alipay RSA2 needs an RSA key%s; %s",
			alg, it.format(), extra, hint)
	}
	return newError(ErrNotRSA, "this is %s %s %s (%s); Alipay RSA2 needs an RSA key%s; %s",
		article(alg), alg, it.kind, it.format(), extra, hint)
}

// certProblem explains why the first certificate of a file cannot give a
// public key, recognising the root bundle given in the wrong place.
func certProblem(it *item, items []*item) error {
	certs := 0
	for _, other := range items {
		if other.kind == KindCertificate {
			certs++
		}
	}
	msg := fmt.Sprintf("certificate 1 of %d cannot be read: %s", certs, it.problem.Error())
	if certs > 1 && isRootBundle(items) {
		msg += "; this looks like the Alipay root certificate bundle (alipayRootCert.crt), which gives a serial number, not a key: " +
			"pass the Alipay public key certificate (alipayCertPublicKey_RSA2.crt)"
	}
	return newError(ErrNotKey, "%s", msg)
}

// isRootBundle reports whether every certificate Go could read is self-signed.
func isRootBundle(items []*item) bool {
	seen := false
	for _, it := range items {
		if it.cert == nil {
			continue
		}
		if !selfSigned(it.cert) {
			return false
		}
		seen = true
	}
	return seen
}

func article(word string) string {
	if word != "" && strings.ContainsRune("AEFHILMNORSXaeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}
