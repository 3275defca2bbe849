package doctor

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// makeFixtures regenerates testdata/setup: go test ./doctor -run TestMakeFixtures -make-fixtures.
// The keys are throwaway keys made for these tests only.
var makeFixtures = flag.Bool("make-fixtures", false, "regenerate the key and certificate fixtures in testdata/setup")

// fixtureNow is the moment the tests judge certificates at: the fixtures'
// validity is laid out around it.
var fixtureNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func TestMakeFixtures(t *testing.T) {
	if !*makeFixtures {
		t.Skip("run with -make-fixtures to regenerate testdata/setup")
	}
	dir := filepath.Join("testdata", "setup")
	gen := func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pemOf := func(kind string, der []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}) }
	b64 := func(der []byte) []byte { return []byte(base64.StdEncoding.EncodeToString(der) + "\n") }
	pkcs8 := func(k *rsa.PrivateKey) []byte { der, _ := x509.MarshalPKCS8PrivateKey(k); return der }
	spki := func(k *rsa.PublicKey) []byte { der, _ := x509.MarshalPKIXPublicKey(k); return der }

	app, alipay, other, rootKey, caKey, otherCAKey := gen(), gen(), gen(), gen(), gen(), gen()
	write("app_private_key.txt", b64(pkcs8(app)))
	write("app_private_key.pem", pemOf("PRIVATE KEY", pkcs8(app)))
	write("app_private_key_pkcs1.txt", b64(x509.MarshalPKCS1PrivateKey(app)))
	write("app_private_key_pkcs1_as_pkcs8.pem", pemOf("PRIVATE KEY", x509.MarshalPKCS1PrivateKey(app)))
	write("app_private_key_plus_as_space.txt", []byte(strings.ReplaceAll(string(b64(pkcs8(app))), "+", " ")))
	write("app_public_key.txt", b64(spki(&app.PublicKey)))
	write("alipay_private_key.pem", pemOf("PRIVATE KEY", pkcs8(alipay)))
	write("alipay_public_key.txt", b64(spki(&alipay.PublicKey)))
	write("other_public_key.txt", b64(spki(&other.PublicKey)))
	aes := make([]byte, 16)
	rand.Read(aes)
	write("aes_key.txt", b64(aes))
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: name("2021000000000001")}, app)
	if err != nil {
		t.Fatal(err)
	}
	write("app.csr", pemOf("CERTIFICATE REQUEST", csr))

	serial := int64(1000)
	issue := func(subject pkix.Name, pub *rsa.PublicKey, issuer *x509.Certificate, issuerKey *rsa.PrivateKey, ca bool, from, to time.Time) *x509.Certificate {
		serial++
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: subject, NotBefore: from, NotAfter: to,
			IsCA: ca, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature}
		if ca {
			tmpl.KeyUsage |= x509.KeyUsageCertSign
		}
		if issuer == nil {
			issuer, issuerKey = tmpl, caKeyFor(pub, rootKey, otherCAKey)
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, pub, issuerKey)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(der)
		return c
	}
	year := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	root := issue(name("aliauth test Root CA"), &rootKey.PublicKey, nil, nil, true, year(2020, 1, 1), year(2040, 1, 1))
	ca := issue(name("aliauth test Class 2 CA"), &caKey.PublicKey, root, rootKey, true, year(2020, 1, 1), year(2038, 1, 1))
	otherRoot := issue(name("aliauth test Other Root CA"), &otherCAKey.PublicKey, nil, nil, true, year(2020, 1, 1), year(2040, 1, 1))
	certs := func(cs ...*x509.Certificate) []byte {
		var out []byte
		for _, c := range cs {
			out = append(out, pemOf("CERTIFICATE", c.Raw)...)
		}
		return out
	}
	write("alipayRootCert.crt", certs(root))
	write("alipayCertPublicKey_RSA2.crt", certs(issue(name("aliauth test Alipay public key"), &alipay.PublicKey, ca, caKey, false, year(2025, 1, 1), year(2035, 1, 1)), ca))
	write("alipayCertPublicKey_other_ca.crt", certs(issue(name("aliauth test Alipay public key"), &alipay.PublicKey, otherRoot, otherCAKey, false, year(2025, 1, 1), year(2035, 1, 1))))
	write("appCertPublicKey_2021000000000001.crt", certs(issue(name("2088000000000000-2021000000000001"), &app.PublicKey, ca, caKey, false, year(2025, 1, 1), year(2035, 1, 1))))
	write("appCertPublicKey_expired.crt", certs(issue(name("2088000000000000-2021000000000001"), &app.PublicKey, ca, caKey, false, year(2019, 1, 1), year(2020, 1, 1))))
	write("appCertPublicKey_expiring.crt", certs(issue(name("2088000000000000-2021000000000001"), &app.PublicKey, ca, caKey, false, year(2025, 6, 20), fixtureNow.AddDate(0, 0, 19))))
}

// caKeyFor picks the key that signs a self-signed certificate: its own.
func caKeyFor(pub *rsa.PublicKey, keys ...*rsa.PrivateKey) *rsa.PrivateKey {
	for _, k := range keys {
		if k.PublicKey.Equal(pub) {
			return k
		}
	}
	return nil
}

func name(cn string) pkix.Name {
	return pkix.Name{Country: []string{"CN"}, Organization: []string{"aliauth test"}, OrganizationalUnit: []string{"doctor"}, CommonName: cn}
}
