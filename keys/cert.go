package keys

import (
	"bytes"
	"crypto/md5"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"
)

// SkippedCert is a certificate of a file that Go's crypto/x509 cannot parse,
// such as the SM2 certificate of Alipay's root bundle.
type SkippedCert struct {
	Index                 int    `json:"index"`                             // position among the file's certificates, counting from 1
	SignatureAlgorithmOID string `json:"signature_algorithm_oid,omitempty"` // read from the raw DER; "" when even that is unreadable
	Reason                string `json:"reason"`                            // a sentence saying why it was skipped
}

// ParseCertificates returns every certificate of a PEM file in file order, or
// the one certificate of a DER or base64 input. A certificate Go cannot parse
// (an SM2 one, say) is not fatal: it is returned in skipped with its position,
// signature algorithm and reason. Blocks that are not certificates (a key in
// the same file) are ignored. The error says what the input is when it holds
// no certificate Go can read.
func ParseCertificates(data []byte) (certs []*x509.Certificate, skipped []SkippedCert, err error) {
	items, err := parseItems(data)
	if err != nil {
		return nil, nil, err
	}
	entries := certificateItems(items)
	if len(entries) == 0 {
		return nil, nil, wrongKind(items, KindCertificate)
	}
	for i, it := range entries {
		if it.cert != nil {
			certs = append(certs, it.cert)
			continue
		}
		skipped = append(skipped, SkippedCert{Index: i + 1, SignatureAlgorithmOID: it.sigOID, Reason: it.problem.Error()})
	}
	if len(certs) == 0 {
		if len(entries) == 1 {
			return nil, skipped, newError(ErrNotKey, "the certificate cannot be read: %s", skipped[0].Reason)
		}
		return nil, skipped, newError(ErrNotKey, "none of the %d certificates can be read; the first: %s", len(entries), skipped[0].Reason)
	}
	return certs, skipped, nil
}

// LoadCertificate reads the source (see ReadSource) and returns its first
// certificate: alipayCertPublicKey_RSA2.crt holds the Alipay certificate
// followed by the CA that issued it, and the first one counts. Its public key
// is the Alipay public key in certificate mode; CertSN gives its serial number.
func LoadCertificate(source string) (*x509.Certificate, error) {
	data, describe, err := readSource(source)
	if err != nil {
		return nil, within("certificate", describe, err)
	}
	cert, err := firstCertificate(data)
	if err != nil {
		return nil, within("certificate", describe, err)
	}
	return cert, nil
}

func firstCertificate(data []byte) (*x509.Certificate, error) {
	items, err := parseItems(data)
	if err != nil {
		return nil, err
	}
	entries := certificateItems(items)
	if len(entries) == 0 {
		return nil, wrongKind(items, KindCertificate)
	}
	if entries[0].cert == nil {
		return nil, certProblem(entries[0], items)
	}
	return entries[0].cert, nil
}

// CertSN is a certificate's serial number as Alipay computes it (app_cert_sn,
// alipay_cert_sn): the lowercase hex MD5 of the issuer name in Java's RFC 2253
// form ("CN=...,OU=...,O=...,C=...": the issuer's attributes in reverse order)
// immediately followed by the certificate's serial number in decimal. It
// matches the official SDKs (Java's AntCertificationUtil.getCertSN, PHP's
// getCertSN). It is "" for a nil certificate.
func CertSN(c *x509.Certificate) string {
	if c == nil || c.SerialNumber == nil {
		return ""
	}
	sum := md5.Sum([]byte(issuerString(c) + c.SerialNumber.String()))
	return hex.EncodeToString(sum[:])
}

// issuerString is the issuer name as the serial number uses it.
func issuerString(c *x509.Certificate) string {
	if name, ok := rfc2253Name(c.RawIssuer); ok {
		return name
	}
	return c.Issuer.String()
}

// RootCertSN is the serial number of a root certificate file as Alipay
// computes it (alipay_root_cert_sn): the CertSN of every certificate whose
// signature algorithm is RSA (OID prefix 1.2.840.113549.1.1), in file order,
// joined with "_". Certificates of other algorithms are left out, including
// the SM2 one of the real alipayRootCert.crt that Go cannot parse; the
// signature algorithm is read from the raw DER. A certificate that claims RSA
// but cannot be parsed is an error naming its position.
func RootCertSN(data []byte) (string, error) {
	items, err := parseItems(data)
	if err != nil {
		return "", err
	}
	entries := certificateItems(items)
	if len(entries) == 0 {
		return "", wrongKind(items, KindCertificate)
	}
	var sns []string
	for i, it := range entries {
		switch {
		case it.sigOID == "":
			return "", newError(ErrNotKey,
				"certificate %d of %d cannot be read at all (%s); the root certificate file is damaged: download alipayRootCert.crt again from the Alipay console",
				i+1, len(entries), it.problem)
		case !strings.HasPrefix(it.sigOID, oidRSASignature):
			continue
		case it.cert == nil:
			return "", newError(ErrNotKey,
				"certificate %d of %d claims %s but cannot be parsed (%s); the root certificate file is damaged: download alipayRootCert.crt again from the Alipay console",
				i+1, len(entries), signatureName(it.sigOID), it.problem)
		}
		sns = append(sns, CertSN(it.cert))
	}
	if len(sns) == 0 {
		return "", newError(ErrWrongKind,
			"none of its %d certificates is signed with RSA, so it gives no root serial number; pass alipayRootCert.crt as downloaded from the Alipay console",
			len(entries))
	}
	return strings.Join(sns, "_"), nil
}

// LoadRootCertSN reads the source (see ReadSource) and returns RootCertSN of
// it. Errors name the source.
func LoadRootCertSN(source string) (string, error) {
	data, describe, err := readSource(source)
	if err != nil {
		return "", within("root certificate", describe, err)
	}
	sn, err := RootCertSN(data)
	if err != nil {
		return "", within("root certificate", describe, err)
	}
	return sn, nil
}

// certificateItems returns the certificates among items, readable or not.
func certificateItems(items []*item) []*item {
	var entries []*item
	for _, it := range items {
		if it.kind == KindCertificate {
			entries = append(entries, it)
		}
	}
	return entries
}

// selfSigned reports whether a certificate names itself as its issuer.
func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject)
}

// certReason says why a certificate Go could not parse is skipped.
func certReason(sigOID string, err error) string {
	if strings.HasPrefix(sigOID, oidRSASignature) {
		return fmt.Sprintf("it claims %s but Go's crypto/x509 cannot parse it (%v): the certificate is damaged", signatureName(sigOID), err)
	}
	return fmt.Sprintf("Go's crypto/x509 cannot parse it (%v); its signature algorithm is %s", err, signatureName(sigOID))
}
