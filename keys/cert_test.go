package keys

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// The serial numbers the official Alipay SDKs compute for the real
// certificates (see ../../shared/testdata/alipay-certs/README.md).
const (
	realRootSN      = "687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6"
	realAlipaySN    = "b09baa7d1d5b198c713b230c5a6ec8e7"
	realAppCertSN   = "f5476a255774929671073404f7af2b90"
	sm2SignatureOID = "1.2.156.10197.1.501"
)

func TestRealCertSN(t *testing.T) {
	for name, want := range map[string]string{"alipayPublicCert.crt": realAlipaySN, "appPublicCert.crt": realAppCertSN} {
		realCert(t, name)
		cert, err := LoadCertificate(filepath.Join(realCertDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := CertSN(cert); got != want {
			t.Errorf("CertSN(%s) = %s, want %s", name, got, want)
		}
	}
}

func TestRealRootCertSN(t *testing.T) {
	data := realCert(t, "alipayRootCert.crt")
	sn, err := RootCertSN(data)
	if err != nil {
		t.Fatal(err)
	}
	if sn != realRootSN {
		t.Errorf("RootCertSN = %s, want %s", sn, realRootSN)
	}
	sn, err = LoadRootCertSN(filepath.Join(realCertDir, "alipayRootCert.crt"))
	if err != nil || sn != realRootSN {
		t.Errorf("LoadRootCertSN = %s, %v", sn, err)
	}
	// Line endings and a byte order mark change nothing.
	crlf := "\ufeff" + strings.ReplaceAll(string(data), "\n", "\r\n")
	if sn, err := RootCertSN([]byte(crlf)); err != nil || sn != realRootSN {
		t.Errorf("RootCertSN of the CRLF file = %s, %v", sn, err)
	}
}

// TestRealRootBundleSkipsSM2 checks that the SM2 certificate Go cannot parse
// is skipped with its reason, and the three others are returned.
func TestRealRootBundleSkipsSM2(t *testing.T) {
	certs, skipped, err := ParseCertificates(realCert(t, "alipayRootCert.crt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(certs) != 3 {
		t.Errorf("got %d certificates, want 3", len(certs))
	}
	if len(skipped) != 1 {
		t.Fatalf("skipped = %+v, want the SM2 certificate", skipped)
	}
	s := skipped[0]
	if s.Index != 1 || s.SignatureAlgorithmOID != sm2SignatureOID || !strings.Contains(s.Reason, "SM2 with SM3") {
		t.Errorf("skipped = %+v", s)
	}
	if certs[0].Subject.CommonName != "Ant Financial Certification Authority R1" {
		t.Errorf("first readable certificate is %q", certs[0].Subject.CommonName)
	}
}

func TestRealAlipayCertIsFirstOfTwo(t *testing.T) {
	data := realCert(t, "alipayPublicCert.crt")
	certs, skipped, err := ParseCertificates(data)
	if err != nil || len(certs) != 2 || len(skipped) != 0 {
		t.Fatalf("ParseCertificates: %d certs, %d skipped, %v", len(certs), len(skipped), err)
	}
	pub, format, err := ParsePublicKey(data)
	if err != nil || format != FormatCertificatePEM {
		t.Fatalf("ParsePublicKey: %q, %v", format, err)
	}
	if !pub.Equal(certs[0].PublicKey) {
		t.Error("the public key is not the first certificate's")
	}
}

func TestRealRootBundleIsNotAPublicKey(t *testing.T) {
	_, _, err := ParsePublicKey(realCert(t, "alipayRootCert.crt"))
	wantMessage(t, err, "certificate 1 of 4 cannot be read", "SM2 with SM3", "root certificate bundle", "alipayCertPublicKey_RSA2.crt")
	_, err = LoadCertificate(filepath.Join(realCertDir, "alipayRootCert.crt"))
	wantMessage(t, err, `read certificate file "`+filepath.Join(realCertDir, "alipayRootCert.crt")+`": certificate 1 of 4 cannot be read`)
}

// pemBlocks splits a PEM file into its DER blocks.
func pemBlocks(t *testing.T, data []byte) [][]byte {
	t.Helper()
	var ders [][]byte
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return ders
		}
		ders = append(ders, b.Bytes)
	}
}

func joinPEM(ders ...[]byte) []byte {
	var out []byte
	for _, der := range ders {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	return out
}

// corruptTBS keeps a certificate's signature algorithm and signature but
// replaces what was signed, so that only the raw DER says what it claims.
func corruptTBS(t *testing.T, der []byte) []byte {
	t.Helper()
	var cert struct {
		TBS, Algorithm, Signature asn1.RawValue
	}
	if _, err := asn1.Unmarshal(der, &cert); err != nil {
		t.Fatal(err)
	}
	cert.TBS = asn1.RawValue{FullBytes: []byte{0x30, 0x03, 0x02, 0x01, 0x01}}
	out, err := asn1.Marshal(cert)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRootCertSNCorruptRSACertificate(t *testing.T) {
	ders := pemBlocks(t, realCert(t, "alipayRootCert.crt"))
	ders[3] = corruptTBS(t, ders[3])
	bundle := joinPEM(ders...)

	_, err := RootCertSN(bundle)
	wantMessage(t, err, "certificate 4 of 4 claims SHA-1 with RSA (1.2.840.113549.1.1.5) but cannot be parsed", "download alipayRootCert.crt again")
	if !errors.Is(err, ErrNotKey) {
		t.Errorf("not ErrNotKey: %v", err)
	}

	// ParseCertificates still returns what it can, and says what it skipped.
	certs, skipped, err := ParseCertificates(bundle)
	if err != nil || len(certs) != 2 || len(skipped) != 2 {
		t.Fatalf("ParseCertificates: %d certs, %+v, %v", len(certs), skipped, err)
	}
	if skipped[1].Index != 4 || skipped[1].SignatureAlgorithmOID != "1.2.840.113549.1.1.5" || !strings.Contains(skipped[1].Reason, "damaged") {
		t.Errorf("skipped[1] = %+v", skipped[1])
	}

	// A non-RSA certificate that cannot be parsed is left out, as the SM2 one.
	ders = pemBlocks(t, realCert(t, "alipayRootCert.crt"))
	ders[2] = corruptTBS(t, ders[2]) // the ECDSA one
	if sn, err := RootCertSN(joinPEM(ders...)); err != nil || sn != realRootSN {
		t.Errorf("RootCertSN with a corrupt ECDSA certificate = %s, %v", sn, err)
	}

	// A block that is not even DER cannot say what it is: an error.
	ders = pemBlocks(t, realCert(t, "alipayRootCert.crt"))
	ders[1] = []byte{0x30, 0x03, 0x01, 0x02}
	_, err = RootCertSN(joinPEM(ders...))
	wantMessage(t, err, "certificate 2 of 4 cannot be read at all")

	// A block cut short in the middle of the file is never skipped silently.
	text := string(realCert(t, "alipayRootCert.crt"))
	second := strings.Index(text[10:], "-----BEGIN") + 10
	cut := text[:second+200] + text[strings.LastIndex(text, "-----BEGIN"):]
	_, err = RootCertSN([]byte(cut))
	wantMessage(t, err, "PEM block 2", "cut short")
}

func TestRootCertSNWithoutRSA(t *testing.T) {
	_, err := RootCertSN(fixture(t, "ec_p256_cert.pem"))
	wantMessage(t, err, "none of its 1 certificates is signed with RSA")
	_, err = RootCertSN(fixture(t, "rsa2048_pkcs8.txt"))
	wantMessage(t, err, "this is a private key (PKCS#8 base64), not a certificate")
}

func TestParseCertificatesRefuses(t *testing.T) {
	tests := []struct {
		name, data string
		parts      []string
	}{
		{"public key", string(fixture(t, "rsa2048_public.txt")), []string{"this is a public key (PKIX base64), not a certificate", "appCertPublicKey_<app id>.crt"}},
		{"request", string(fixture(t, "rsa2048_csr.pem")), []string{"certificate signing request", "not a certificate", "Alipay console"}},
		{"SM2 only", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: pemBlocks(t, realCert(t, "alipayRootCert.crt"))[0]})),
			[]string{"the certificate cannot be read", "SM2 with SM3"}},
		{"PKCS#7", string(fixture(t, "rsa2048_cert.p7b")), []string{"PKCS#7", "openssl pkcs7 -print_certs"}},
		{"empty", "", []string{"it is empty"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			certs, _, err := ParseCertificates([]byte(tc.data))
			if len(certs) != 0 {
				t.Error("got certificates")
			}
			wantMessage(t, err, tc.parts...)
		})
	}
}

func TestParseCertificatesSkipsKeys(t *testing.T) {
	data := append(fixture(t, "rsa2048_pkcs8.pem"), fixture(t, "rsa2048_cert.pem")...)
	certs, _, err := ParseCertificates(data)
	if err != nil || len(certs) != 1 {
		t.Fatalf("ParseCertificates of key + certificate: %d, %v", len(certs), err)
	}
	for _, name := range []string{"rsa2048_cert.der"} {
		certs, _, err := ParseCertificates(fixture(t, name))
		if err != nil || len(certs) != 1 {
			t.Errorf("%s: %d, %v", name, len(certs), err)
		}
		if _, _, err := ParseCertificates([]byte(b64(fixture(t, name)))); err != nil {
			t.Errorf("%s as base64: %v", name, err)
		}
	}
}

// TestIssuerStringAsJava checks the issuer string against Java's
// X500Principal.getName() (RFC 2253), which the official SDKs hash.
func TestIssuerStringAsJava(t *testing.T) {
	str := func(tag int, s string) asn1.RawValue {
		return asn1.RawValue{Class: asn1.ClassUniversal, Tag: tag, Bytes: []byte(s)}
	}
	atv := func(oid asn1.ObjectIdentifier, v asn1.RawValue) attributeTypeAndValue {
		return attributeTypeAndValue{Type: oid, Value: v}
	}
	var (
		cn     = asn1.ObjectIdentifier{2, 5, 4, 3}
		ou     = asn1.ObjectIdentifier{2, 5, 4, 11}
		o      = asn1.ObjectIdentifier{2, 5, 4, 10}
		c      = asn1.ObjectIdentifier{2, 5, 4, 6}
		serial = asn1.ObjectIdentifier{2, 5, 4, 5}
		email  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}
		dc     = asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 25}
	)
	tests := []struct {
		name string
		rdns []relativeNameSET
		want string
	}{
		{"Alipay issuer", []relativeNameSET{
			{atv(c, str(19, "CN"))}, {atv(o, str(12, "Ant Financial"))}, {atv(ou, str(12, "Certification Authority"))},
			{atv(cn, str(12, "Ant Financial Certification Authority R1"))},
		}, "CN=Ant Financial Certification Authority R1,OU=Certification Authority,O=Ant Financial,C=CN"},
		{"special characters", []relativeNameSET{{atv(cn, str(12, `a,b=c+d<e>f#g;h"i\j`))}}, `CN=a\,b\=c\+d\<e\>f\#g\;h\"i\\j`},
		{"leading and trailing spaces", []relativeNameSET{{atv(cn, str(12, "  x y  "))}}, `CN=\ \ x y\ \ `},
		{"leading #", []relativeNameSET{{atv(o, str(19, "#1"))}}, `O=\#1`},
		{"NUL", []relativeNameSET{{atv(cn, str(12, "a\x00b"))}}, `CN=a\00b`},
		{"UTF-8 kept", []relativeNameSET{{atv(cn, str(12, "支付宝(中国)"))}}, "CN=支付宝(中国)"},
		{"invalid UTF-8", []relativeNameSET{{atv(cn, str(12, "a\xe6\x94b\xffc"))}}, "CN=a\ufffdb\ufffdc"},
		{"IA5String", []relativeNameSET{{atv(cn, str(22, "x.y"))}}, "CN=x.y"},
		{"no RFC 2253 keyword", []relativeNameSET{{atv(serial, str(19, "123"))}, {atv(email, str(22, "a@b"))}},
			"1.2.840.113549.1.9.1=#1603614062,2.5.4.5=#1303313233"},
		{"DC keyword", []relativeNameSET{{atv(dc, str(22, "com"))}}, "DC=com"},
		{"not a string", []relativeNameSET{{atv(cn, asn1.RawValue{Class: asn1.ClassUniversal, Tag: 2, Bytes: []byte{5}})}}, "CN=#020105"},
		{"multi-valued RDN", []relativeNameSET{{atv(ou, str(12, "b")), atv(cn, str(12, "a"))}}, "CN=a+OU=b"},
		{"empty", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			der, err := asn1.Marshal(tc.rdns)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := rfc2253Name(der)
			if !ok || got != tc.want {
				t.Errorf("rfc2253Name = %q (%v), want %q", got, ok, tc.want)
			}
		})
	}
}

// TestIssuerStringKeepsEncodedOrder: a SET that is not in DER order (asn1.Marshal
// would sort it) is written in the order it was encoded, as Java does.
func TestIssuerStringKeepsEncodedOrder(t *testing.T) {
	ou, _ := asn1.Marshal(attributeTypeAndValue{Type: asn1.ObjectIdentifier{2, 5, 4, 11}, Value: asn1.RawValue{Tag: 12, Bytes: []byte("b")}})
	cn, _ := asn1.Marshal(attributeTypeAndValue{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: asn1.RawValue{Tag: 12, Bytes: []byte("a")}})
	set := asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: append(ou, cn...)}
	der, err := asn1.Marshal([]asn1.RawValue{set})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := rfc2253Name(der); got != "OU=b+CN=a" {
		t.Errorf("rfc2253Name = %q, want OU=b+CN=a", got)
	}
}

// TestIssuerStringOfRealCerts: for plain names, Java's form and Go's
// pkix.Name.String agree.
func TestIssuerStringOfRealCerts(t *testing.T) {
	for _, name := range []string{"alipayRootCert.crt", "alipayPublicCert.crt", "appPublicCert.crt"} {
		certs, _, err := ParseCertificates(realCert(t, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range certs {
			if got, want := issuerString(c), c.Issuer.String(); got != want {
				t.Errorf("%s: issuer %q, Go says %q", name, got, want)
			}
		}
	}
}

func TestCertSNOfGoCertificate(t *testing.T) {
	cert, err := LoadCertificate("testdata/rsa2048_cert.pem")
	if err != nil {
		t.Fatal(err)
	}
	if len(CertSN(cert)) != 32 {
		t.Errorf("CertSN = %q", CertSN(cert))
	}
	if CertSN(nil) != "" || CertSN(&x509.Certificate{Issuer: pkix.Name{}}) != "" {
		t.Error("CertSN of nothing is not empty")
	}
}
