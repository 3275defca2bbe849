package keys

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Info says what key material holds, for `aliauth keys inspect`. It never
// holds private key material: for a private key, Bits and Fingerprint describe
// its public half.
type Info struct {
	Kind         Kind          `json:"kind"`
	Format       Format        `json:"format"`
	Algorithm    string        `json:"algorithm,omitempty"`   // "RSA", "EC P-256", "SM2", "Ed25519"...
	Bits         int           `json:"bits,omitempty"`        // key size; for certificates, the first certificate's key
	Fingerprint  string        `json:"fingerprint,omitempty"` // see Fingerprint; of the public key (of the first certificate for certificates)
	Certificates []CertInfo    `json:"certificates,omitempty"`
	Skipped      []SkippedCert `json:"skipped,omitempty"`  // certificates Go cannot parse, such as SM2 ones
	RootSN       string        `json:"root_sn,omitempty"`  // for a file of several certificates including a root: RootCertSN
	Warnings     []string      `json:"warnings,omitempty"` // sentences: why it cannot be used with Alipay RSA2, or should not be
}

// CertInfo describes one certificate.
type CertInfo struct {
	Subject            string    `json:"subject"` // RFC 2253, as Java writes it
	Issuer             string    `json:"issuer"`  // RFC 2253, as Java writes it; the issuer part of SN
	NotBefore          time.Time `json:"not_before"`
	NotAfter           time.Time `json:"not_after"`
	SN                 string    `json:"sn"`     // the serial number as Alipay computes it (CertSN)
	Serial             string    `json:"serial"` // the certificate's own serial number, in decimal
	SignatureAlgorithm string    `json:"signature_algorithm"`
	PublicKeyAlgorithm string    `json:"public_key_algorithm"`
	Bits               int       `json:"bits,omitempty"`
	Fingerprint        string    `json:"fingerprint,omitempty"` // of its public key, see Fingerprint
	IsCA               bool      `json:"is_ca"`
	SelfSigned         bool      `json:"self_signed"`
	// Role is what the certificate is in certificate mode, read from its
	// subject: RoleApp, RoleAlipay or RoleAuthority; empty when it is none
	// of Alipay's.
	Role CertRole `json:"role,omitempty"`
}

// CertRole is the part a certificate plays in Alipay's certificate mode.
type CertRole string

const (
	// RoleApp is an app public key certificate (appCertPublicKey_<app id>.crt):
	// its SN is sent as app_cert_sn.
	RoleApp CertRole = "app"
	// RoleAlipay is the Alipay public key certificate
	// (alipayCertPublicKey_RSA2.crt): responses name its SN in alipay_cert_sn.
	RoleAlipay CertRole = "alipay"
	// RoleAuthority is a certificate authority, of the root bundle
	// (alipayRootCert.crt) or of a chain: root SNs join into
	// alipay_root_cert_sn.
	RoleAuthority CertRole = "authority"
)

// appCertCN is the common name Alipay gives app certificates: the
// merchant's 2088 partner id and the app id.
var appCertCN = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^2088\d{12}-\d{16}$`) })

// roleOf reads a certificate's role from its subject, as Alipay issues them
// (see ../shared/testdata/alipay-certs): app certificates are named
// "<partner id>-<app id>", Alipay's own "支付宝(中国)网络技术有限公司-<partner id>".
func roleOf(c *x509.Certificate) CertRole {
	switch {
	case c.IsCA || selfSigned(c) || strings.Contains(c.Subject.CommonName, "Certification Authority"):
		return RoleAuthority
	case appCertCN().MatchString(c.Subject.CommonName):
		return RoleApp
	case strings.HasPrefix(c.Subject.CommonName, "支付宝") || strings.HasPrefix(strings.ToLower(c.Subject.CommonName), "alipay"):
		return RoleAlipay
	}
	return ""
}

// Inspect says what data holds: kind, format, key size and fingerprint; for
// certificates their subjects, issuers, validity and Alipay serial numbers;
// for a root bundle the joined root serial number. Material that cannot be
// used with Alipay RSA2 (an encrypted key, an EC key, a 1024-bit key) is
// described, with Warnings saying why; the error is for input that is not key
// material at all.
func Inspect(data []byte) (Info, error) {
	items, err := parseItems(data)
	if err != nil {
		return Info{Kind: KindUnknown}, err
	}
	head := items[0]
	if head.problem != nil && errors.Is(head.problem, errDamaged) && head.kind != KindCertificate {
		return Info{Kind: KindUnknown}, head.problem
	}
	info := Info{Kind: head.kind, Format: head.format(), Algorithm: head.algorithm, Bits: head.bits, Fingerprint: fingerprintDER(head.spki)}
	if head.labelMismatch != "" {
		info.Warnings = append(info.Warnings, head.labelMismatch)
	}
	now := time.Now()
	entries := certificateItems(items)
	for i, it := range entries {
		if it.cert == nil {
			info.Skipped = append(info.Skipped, SkippedCert{Index: i + 1, SignatureAlgorithmOID: it.sigOID, Reason: it.problem.Error()})
			continue
		}
		info.Certificates = append(info.Certificates, certInfo(it.cert))
		if now.After(it.cert.NotAfter) {
			info.Warnings = append(info.Warnings, fmt.Sprintf("certificate %d of %d expired on %s",
				i+1, len(entries), it.cert.NotAfter.UTC().Format(time.DateOnly)))
		}
	}
	switch head.kind {
	case KindCertificate:
		if len(entries) > 1 {
			info.Kind = KindCertificateBundle
			if hasRoot(entries) {
				if sn, err := RootCertSN(data); err == nil {
					info.RootSN = sn
				} else {
					info.Warnings = append(info.Warnings, "no root serial number: "+err.Error())
				}
			}
		} else if head.cert != nil && !head.isRSA() {
			info.Warnings = append(info.Warnings, notRSA(head).Error())
		}
	case KindPrivateKey, KindPublicKey:
		switch {
		case head.problem != nil:
			info.Warnings = append(info.Warnings, head.problem.Error())
		case !head.isRSA():
			info.Warnings = append(info.Warnings, notRSA(head).Error())
		case head.bits < minUsableBits:
			info.Warnings = append(info.Warnings, usable(head.bits).Error())
		case head.bits < MinBits:
			info.Warnings = append(info.Warnings, CheckStrength(head.pub).Error())
		}
		if head.kind == KindPrivateKey && head.structure == "PKCS#1" && head.problem == nil {
			info.Warnings = append(info.Warnings,
				"this is PKCS#1; Alipay's Java SDK takes PKCS#8: convert it with openssl pkcs8 -topk8 -nocrypt -in KEY -out app_private_key.pem")
		}
	case KindCertificateRequest:
		info.Warnings = append(info.Warnings,
			"a certificate signing request is not used for signing: upload it in the Alipay console, which issues the certificates of certificate mode")
	default:
		if head.problem != nil {
			info.Warnings = append(info.Warnings, head.problem.Error())
		}
	}
	return info, nil
}

// hasRoot reports whether any readable certificate is self-signed.
func hasRoot(entries []*item) bool {
	for _, it := range entries {
		if it.cert != nil && selfSigned(it.cert) {
			return true
		}
	}
	return false
}

func certInfo(c *x509.Certificate) CertInfo {
	subject, ok := rfc2253Name(c.RawSubject)
	if !ok {
		subject = c.Subject.String()
	}
	info := CertInfo{
		Subject:            subject,
		Issuer:             issuerString(c),
		NotBefore:          c.NotBefore,
		NotAfter:           c.NotAfter,
		SN:                 CertSN(c),
		Serial:             c.SerialNumber.String(),
		SignatureAlgorithm: c.SignatureAlgorithm.String(),
		PublicKeyAlgorithm: c.PublicKeyAlgorithm.String(),
		Fingerprint:        fingerprintDER(c.RawSubjectPublicKeyInfo),
		IsCA:               c.IsCA,
		SelfSigned:         selfSigned(c),
		Role:               roleOf(c),
	}
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		info.Bits = k.N.BitLen()
	case *ecdsa.PublicKey:
		info.Bits = k.Curve.Params().BitSize
	case ed25519.PublicKey:
		info.Bits = 256
	}
	return info
}
