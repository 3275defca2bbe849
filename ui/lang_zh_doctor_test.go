package ui

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"aliauth/config"
	"aliauth/doctor"
	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/keys"
)

// The doctor's findings and fixes and the configuration's checks and
// errors, made by the real doctor and configuration over real setups, read
// in Chinese with no English prose of their own left.

// zhDocReader reads texts in Chinese and counts the distinct ones read.
type zhDocReader struct {
	t    *testing.T
	read map[string]bool
}

func newZhDocReader(t *testing.T) *zhDocReader {
	speakChinese(t)
	c := &zhDocReader{t: t, read: map[string]bool{}}
	t.Cleanup(func() { t.Logf("%d distinct texts read in Chinese", len(c.read)) })
	return c
}

// sentence fails if text, read in Chinese, keeps English prose. quoted are
// what the text quotes from other libraries (a key's description, the
// gateway's detail, a Go error): their Chinese is their own catalog's, so
// they are cut out of both before looking. A text with no English prose of
// its own is not counted.
func (c *zhDocReader) sentence(where, text string, quoted ...string) {
	c.t.Helper()
	quoted = append(slices.Clone(quoted), verbatim...)
	slices.SortFunc(quoted, func(a, b string) int { return len(b) - len(a) })
	cut := func(s string) string {
		for _, q := range quoted {
			if q = strings.TrimSpace(q); len(q) > 3 {
				s = strings.ReplaceAll(strings.ReplaceAll(s, word(q), " · "), q, " · ")
			}
		}
		return s
	}
	if englishProse(cut(text)) == "" {
		return
	}
	c.read[text] = true
	zh := word(text)
	if left := englishProse(cut(zh)); left != "" {
		c.t.Errorf("%s: %q\n    reads %q\n    which keeps %q", where, text, zh, left)
	}
}

// name fails unless a short name (a check's subject, a group) reads in
// Chinese.
func (c *zhDocReader) name(where, text string) {
	c.t.Helper()
	if codeLineSubject.MatchString(text) {
		return // a line of the user's code: only its number says anything
	}
	c.read[text] = true
	if word(text) == text {
		c.t.Errorf("%s: %q has no Chinese", where, text)
	}
}

var codeLineSubject = regexp.MustCompile(`^line \d+$`)

// verbatim are what the doctor quotes of other programs as they are
// written: commands to run, and the error the Java SDK prints.
var verbatim = []string{
	`"algid parse error, not a sequence"`,
	"openssl pkcs8 -topk8 -nocrypt -in KEY -outform DER | base64 -w0",
	"openssl rsa -RSAPublicKey_in -in KEY -pubout -outform DER | base64 -w0",
	"openssl rsa -RSAPublicKey_in -in KEY -pubout",
}

// report reads every check of a report, and its summary.
func (c *zhDocReader) report(where string, r *doctor.Report, quoted ...string) {
	c.t.Helper()
	for _, k := range r.Checks {
		at := where + ": " + k.Group + "/" + k.Subject
		c.name(at, k.Subject)
		c.sentence(at, k.Finding, quoted...)
		c.sentence(at+" (fix)", k.Fix, quoted...)
	}
	c.summary(where, r)
}

// summary fails unless the report's one-line outcome reads in Chinese.
func (c *zhDocReader) summary(where string, r *doctor.Report) {
	c.t.Helper()
	s := r.Summary()
	c.read[s] = true
	if zh := word(s); zh == s || strings.ContainsAny(zh, "abcdefghijklmnopqrstuvwxyz") {
		c.t.Errorf("%s: the summary %q reads %q", where, s, zh)
	}
}

// err reads an error, with what it wraps quoted: the wrapped error is its
// own library's to word.
func (c *zhDocReader) err(where string, err error, quoted ...string) {
	c.t.Helper()
	if err == nil {
		c.t.Errorf("%s: no error", where)
		return
	}
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		quoted = append(quoted, e.Error())
	}
	c.sentence(where, err.Error(), quoted...)
}

// doctorNow is the moment the doctor's fixtures are laid out around.
var doctorNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// fixture is a key or certificate of the doctor's test setups.
func doctorFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(doctorFixturePath(name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func doctorFixturePath(name string) string {
	p, _ := filepath.Abs(filepath.Join("..", "doctor", "testdata", "setup", name))
	return p
}

// doctorSlots is the order a setup lists its material in.
var doctorSlots = []doctor.Slot{doctor.SlotPrivateKey, doctor.SlotAppPublicKey, doctor.SlotAlipayPublicKey,
	doctor.SlotAppCert, doctor.SlotAlipayCert, doctor.SlotRootCert, doctor.SlotEncryptKey}

// doctorMaterial configures a setup's material.
type doctorMaterial map[doctor.Slot][]byte

func (s doctorMaterial) with(slot doctor.Slot, data []byte) doctorMaterial {
	out := doctorMaterial{}
	for k, v := range s {
		out[k] = v
	}
	if data == nil {
		delete(out, slot)
	} else {
		out[slot] = data
	}
	return out
}

func doctorPublicKeyMode(t testing.TB) doctorMaterial {
	return doctorMaterial{doctor.SlotPrivateKey: doctorFixture(t, "app_private_key.txt"), doctor.SlotAppPublicKey: doctorFixture(t, "app_public_key.txt"),
		doctor.SlotAlipayPublicKey: doctorFixture(t, "alipay_public_key.txt")}
}

func doctorCertMode(t testing.TB) doctorMaterial {
	return doctorMaterial{doctor.SlotPrivateKey: doctorFixture(t, "app_private_key.txt"), doctor.SlotAppCert: doctorFixture(t, "appCertPublicKey_2021000000000001.crt"),
		doctor.SlotAlipayCert: doctorFixture(t, "alipayCertPublicKey_RSA2.crt"), doctor.SlotRootCert: doctorFixture(t, "alipayRootCert.crt")}
}

func doctorSetup(material doctorMaterial, edit ...func(*doctor.Setup)) doctor.Setup {
	s := doctor.Setup{Name: "profile test", Protocol: gateway.V2, URL: gateway.ProductionGateway, AppID: "2021000000000001", Reader: doctor.ReaderAliauth}
	for _, slot := range doctorSlots {
		if data, ok := material[slot]; ok {
			s.Material = append(s.Material, doctor.Material{Slot: slot, Source: "a test file", Data: data})
		}
	}
	for _, e := range edit {
		e(&s)
	}
	return s
}

// keysSayOf is what package keys says of a setup's material: the doctor's
// findings quote it.
func keysSayOf(s doctor.Setup) []string {
	var out []string
	sentence := func(err error) {
		if err != nil {
			out = append(out, err.Error(), strings.TrimSuffix(err.Error(), "."))
		}
	}
	for _, m := range s.Material {
		sentence(m.Err)
		id := keys.Identify(m.Data)
		out = append(out, id.Describe(), id.LabelMismatch, id.Fingerprint)
		out = append(out, id.Tolerated...)
		sentence(id.Problem)
		for _, c := range id.Certificates {
			out = append(out, c.Subject, c.PublicKeyAlgorithm)
		}
		if pub, _, err := keys.ParsePublicKey(m.Data); err == nil {
			out = append(out, keys.Fingerprint(pub))
		} else {
			sentence(err)
		}
		_, _, err := keys.ParsePrivateKey(m.Data)
		sentence(err)
		certs, _, err := keys.ParseCertificates(m.Data)
		sentence(err)
		for _, c := range certs {
			out = append(out, c.Subject.CommonName)
		}
		_, err = keys.RootCertSN(m.Data)
		sentence(err)
	}
	return out
}

// offline runs the doctor without the network, at the fixtures' moment.
func doctorOffline(s doctor.Setup, now time.Time, local *time.Location) *doctor.Report {
	return doctor.Run(context.Background(), s, doctor.Options{Offline: true, Now: func() time.Time { return now }, Local: local})
}

// Every finding and fix the doctor makes of keys, certificates and the
// environment, over the setups of every mistake it knows, reads in Chinese.
func TestDoctorFindingsReadInChinese(t *testing.T) {
	c := newZhDocReader(t)
	pub, cert := doctorPublicKeyMode(t), doctorCertMode(t)
	appPublic, _, err := keys.ParsePublicKey(doctorFixture(t, "app_public_key.txt"))
	if err != nil {
		t.Fatal(err)
	}
	pkcs1Public := []byte(base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(appPublic)))
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	weakKey := keys.EncodePrivatePKCS8PEM(weak)
	ecCert := ecdsaCertificatePEM(t)
	damaged := append([]byte("\u00a0"), doctorFixture(t, "app_private_key.txt")...)
	rootBundle := append(doctorFixture(t, "alipayRootCert.crt"), ecCert...)
	shanghai := time.FixedZone("CST", 8*3600)

	sandbox := func(s *doctor.Setup) { s.URL = gateway.SandboxGateway }
	sandboxApp := func(s *doctor.Setup) { s.URL, s.AppID = gateway.SandboxGateway, "9021000000000001" }
	java := func(s *doctor.Setup) { s.Reader = doctor.ReaderJava }
	node := func(keyType string) func(*doctor.Setup) {
		return func(s *doctor.Setup) { s.Reader, s.NodeKeyType = doctor.ReaderNode, keyType }
	}
	url := func(u string) func(*doctor.Setup) { return func(s *doctor.Setup) { s.URL = u } }
	v3 := func(s *doctor.Setup) { s.Protocol, s.URL = gateway.V3, gateway.ProductionEndpoint }
	appID := func(id string) func(*doctor.Setup) { return func(s *doctor.Setup) { s.AppID = id } }
	unreadable := func(s *doctor.Setup) {
		_, _, err := keys.ReadSource(filepath.Join(t.TempDir(), "missing.txt"))
		s.Material[0].Data, s.Material[0].Err = nil, err
	}
	setups := []struct {
		name  string
		setup doctor.Setup
		now   time.Time
		local *time.Location
	}{
		{"public key mode", doctorSetup(pub), doctorNow, time.UTC},
		{"public key mode in Shanghai", doctorSetup(pub), doctorNow, shanghai},
		{"certificate mode", doctorSetup(cert), doctorNow, time.UTC},
		{"the Node SDK out of China", doctorSetup(pub, node("")), doctorNow, time.UTC},
		{"the app key as Alipay key", doctorSetup(pub.with(doctor.SlotAlipayPublicKey, doctorFixture(t, "app_public_key.txt"))), doctorNow, time.UTC},
		{"the app key as Alipay key, no app public key", doctorSetup(pub.with(doctor.SlotAlipayPublicKey, doctorFixture(t, "app_public_key.txt")).with(doctor.SlotAppPublicKey, nil)), doctorNow, time.UTC},
		{"the app key as Alipay key, no private key", doctorSetup(pub.with(doctor.SlotAlipayPublicKey, doctorFixture(t, "app_public_key.txt")).with(doctor.SlotPrivateKey, nil)), doctorNow, time.UTC},
		{"the app key as Alipay key beside an app certificate", doctorSetup(doctorMaterial{doctor.SlotAppCert: doctorFixture(t, "appCertPublicKey_2021000000000001.crt"), doctor.SlotAlipayPublicKey: doctorFixture(t, "app_public_key.txt")}), doctorNow, time.UTC},
		{"PKCS#1 pasted as PKCS#8", doctorSetup(pub.with(doctor.SlotPrivateKey, doctorFixture(t, "app_private_key_pkcs1_as_pkcs8.pem"))), doctorNow, time.UTC},
		{"PKCS#1 for the Java SDK", doctorSetup(pub.with(doctor.SlotPrivateKey, doctorFixture(t, "app_private_key_pkcs1.txt")), java), doctorNow, time.UTC},
		{"PEM for the Java SDK", doctorSetup(pub.with(doctor.SlotPrivateKey, doctorFixture(t, "app_private_key.pem")), java), doctorNow, time.UTC},
		{"PKCS#1 public key for the Java SDK", doctorSetup(pub.with(doctor.SlotAlipayPublicKey, pkcs1Public), java), doctorNow, time.UTC},
		{"a certificate as the Java SDK's public key", doctorSetup(pub.with(doctor.SlotAlipayPublicKey, doctorFixture(t, "alipayCertPublicKey_RSA2.crt")), java), doctorNow, time.UTC},
		{"PKCS#1 with keyType PKCS8 in Node", doctorSetup(pub.with(doctor.SlotPrivateKey, doctorFixture(t, "app_private_key_pkcs1.txt")), node("PKCS8")), doctorNow, time.UTC},
		{"PKCS#8 without keyType in Node", doctorSetup(pub, node("")), doctorNow, time.UTC},
		{"PKCS#1 public key in Node", doctorSetup(pub.with(doctor.SlotAlipayPublicKey, pkcs1Public), node("PKCS8")), doctorNow, time.UTC},
		{"whitespace-damaged key", doctorSetup(pub.with(doctor.SlotPrivateKey, doctorFixture(t, "app_private_key_plus_as_space.txt"))), doctorNow, time.UTC},
		{"a no-break space pasted in", doctorSetup(pub.with(doctor.SlotPrivateKey, damaged)), doctorNow, time.UTC},
		{"a key that cannot be read", doctorSetup(pub, unreadable), doctorNow, time.UTC},
		{"a key pair that does not match", doctorSetup(pub.with(doctor.SlotAppPublicKey, doctorFixture(t, "other_public_key.txt"))), doctorNow, time.UTC},
		{"a 1024-bit key", doctorSetup(pub.with(doctor.SlotPrivateKey, weakKey).with(doctor.SlotAppPublicKey, nil)), doctorNow, time.UTC},
		{"a 1024-bit key, legacy RSA", doctorSetup(pub.with(doctor.SlotPrivateKey, weakKey).with(doctor.SlotAppPublicKey, nil), func(s *doctor.Setup) { s.SignType = "RSA" }), doctorNow, time.UTC},
		{"the AES key", doctorSetup(pub.with(doctor.SlotEncryptKey, doctorFixture(t, "aes_key.txt"))), doctorNow, time.UTC},
		{"a public key as the AES key", doctorSetup(pub.with(doctor.SlotEncryptKey, doctorFixture(t, "app_public_key.txt"))), doctorNow, time.UTC},
		{"the AES key as Alipay key", doctorSetup(pub.with(doctor.SlotAlipayPublicKey, doctorFixture(t, "aes_key.txt"))), doctorNow, time.UTC},
		{"a public key as private key", doctorSetup(pub.with(doctor.SlotPrivateKey, doctorFixture(t, "alipay_public_key.txt"))), doctorNow, time.UTC},
		{"the private key as Alipay key", doctorSetup(pub.with(doctor.SlotAlipayPublicKey, doctorFixture(t, "app_private_key.pem"))), doctorNow, time.UTC},
		{"another private key as Alipay key", doctorSetup(pub.with(doctor.SlotAlipayPublicKey, doctorFixture(t, "alipay_private_key.pem"))), doctorNow, time.UTC},
		{"the CSR as Alipay key", doctorSetup(pub.with(doctor.SlotAlipayPublicKey, doctorFixture(t, "app.csr"))), doctorNow, time.UTC},
		{"the root certificate as Alipay key", doctorSetup(pub.with(doctor.SlotAlipayPublicKey, doctorFixture(t, "alipayRootCert.crt"))), doctorNow, time.UTC},
		{"a bundle of roots as Alipay key", doctorSetup(pub.with(doctor.SlotAlipayPublicKey, rootBundle)), doctorNow, time.UTC},
		{"a private key as app public key", doctorSetup(pub.with(doctor.SlotAppPublicKey, doctorFixture(t, "alipay_private_key.pem"))), doctorNow, time.UTC},
		{"no Alipay key", doctorSetup(pub.with(doctor.SlotAlipayPublicKey, nil)), doctorNow, time.UTC},
		{"no private key", doctorSetup(pub.with(doctor.SlotPrivateKey, nil)), doctorNow, time.UTC},
		{"an Alipay key beside another Alipay certificate", doctorSetup(cert.with(doctor.SlotAlipayPublicKey, doctorFixture(t, "other_public_key.txt"))), doctorNow, time.UTC},
		{"expired certificate", doctorSetup(cert.with(doctor.SlotAppCert, doctorFixture(t, "appCertPublicKey_expired.crt"))), doctorNow, time.UTC},
		{"certificate expiring soon", doctorSetup(cert.with(doctor.SlotAppCert, doctorFixture(t, "appCertPublicKey_expiring.crt"))), doctorNow, time.UTC},
		{"every certificate expired, the roots too", doctorSetup(cert), time.Date(2041, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC},
		{"certificates not valid yet", doctorSetup(cert), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC},
		{"an ECDSA app certificate", doctorSetup(cert.with(doctor.SlotAppCert, ecCert)), doctorNow, time.UTC},
		{"certificate not chaining", doctorSetup(cert.with(doctor.SlotAlipayCert, doctorFixture(t, "alipayCertPublicKey_other_ca.crt"))), doctorNow, time.UTC},
		{"certificate not chaining, sandbox", doctorSetup(cert.with(doctor.SlotAlipayCert, doctorFixture(t, "alipayCertPublicKey_other_ca.crt")), sandboxApp), doctorNow, time.UTC},
		{"the CSR as certificate", doctorSetup(cert.with(doctor.SlotAppCert, doctorFixture(t, "app.csr"))), doctorNow, time.UTC},
		{"a key as certificate", doctorSetup(cert.with(doctor.SlotAppCert, doctorFixture(t, "app_public_key.txt"))), doctorNow, time.UTC},
		{"the root bundle as Alipay certificate", doctorSetup(cert.with(doctor.SlotAlipayCert, doctorFixture(t, "alipayRootCert.crt"))), doctorNow, time.UTC},
		{"a key as root bundle", doctorSetup(cert.with(doctor.SlotRootCert, doctorFixture(t, "app_public_key.txt"))), doctorNow, time.UTC},
		{"the Alipay certificate as root bundle", doctorSetup(cert.with(doctor.SlotRootCert, doctorFixture(t, "alipayCertPublicKey_RSA2.crt"))), doctorNow, time.UTC},
		{"certificate mode without the root", doctorSetup(cert.with(doctor.SlotRootCert, nil)), doctorNow, time.UTC},
		{"certificate mode without the Alipay certificate", doctorSetup(cert.with(doctor.SlotAlipayCert, nil)), doctorNow, time.UTC},
		{"certificate mode without the app certificate", doctorSetup(cert.with(doctor.SlotAppCert, nil)), doctorNow, time.UTC},
		{"certificate mode with the app certificate alone", doctorSetup(cert.with(doctor.SlotRootCert, nil).with(doctor.SlotAlipayCert, nil)), doctorNow, time.UTC},
		{"certificate mode with the Alipay certificate alone", doctorSetup(cert.with(doctor.SlotRootCert, nil).with(doctor.SlotAppCert, nil)), doctorNow, time.UTC},
		{"certificate mode with the root alone", doctorSetup(cert.with(doctor.SlotAppCert, nil).with(doctor.SlotAlipayCert, nil)), doctorNow, time.UTC},
		{"no gateway", doctorSetup(pub, url("")), doctorNow, time.UTC},
		{"no endpoint", doctorSetup(pub, v3, url("")), doctorNow, time.UTC},
		{"not a URL", doctorSetup(pub, url("openapi.alipay.com")), doctorNow, time.UTC},
		{"the retired sandbox", doctorSetup(pub, url("https://openapi.alipaydev.com/gateway.do")), doctorNow, time.UTC},
		{"http to Alipay", doctorSetup(pub, url("http://openapi.alipay.com/gateway.do")), doctorNow, time.UTC},
		{"http to a proxy", doctorSetup(pub, url("http://alipay-proxy.example.com/gateway.do")), doctorNow, time.UTC},
		{"v2 URL as v3 endpoint", doctorSetup(pub, func(s *doctor.Setup) { s.Protocol = gateway.V3 }), doctorNow, time.UTC},
		{"v3 endpoint with /v3", doctorSetup(pub, v3, url("https://openapi.alipay.com/v3")), doctorNow, time.UTC},
		{"v3 endpoint as v2 gateway", doctorSetup(pub, url(gateway.ProductionEndpoint)), doctorNow, time.UTC},
		{"a proxy", doctorSetup(pub, url("https://alipay-proxy.example.com/gateway.do")), doctorNow, time.UTC},
		{"the emulator", doctorSetup(pub, url("http://127.0.0.1:9/gateway.do"), func(s *doctor.Setup) { s.Emulator = true }), doctorNow, time.UTC},
		{"the sandbox", doctorSetup(pub, sandboxApp), doctorNow, time.UTC},
		{"production", doctorSetup(pub, v3), doctorNow, time.UTC},
		{"no app id", doctorSetup(pub, appID("")), doctorNow, time.UTC},
		{"not an app id", doctorSetup(pub, appID("app_id")), doctorNow, time.UTC},
		{"sandbox id on production", doctorSetup(pub, appID("9021000000000001")), doctorNow, time.UTC},
		{"production id on the sandbox", doctorSetup(pub, sandbox), doctorNow, time.UTC},
		{"legacy RSA on v3", doctorSetup(pub, v3, func(s *doctor.Setup) { s.SignType = "RSA" }), doctorNow, time.UTC},
		{"legacy RSA on v2", doctorSetup(pub, func(s *doctor.Setup) { s.SignType = "RSA" }), doctorNow, time.UTC},
		{"an unknown sign type", doctorSetup(pub, func(s *doctor.Setup) { s.SignType = "RSA3" }), doctorNow, time.UTC},
		{"an unknown charset", doctorSetup(pub, func(s *doctor.Setup) { s.Charset = "latin1" }), doctorNow, time.UTC},
	}
	for _, tc := range setups {
		quoted := keysSayOf(tc.setup)
		if _, err := gateway.NormalizeCharset(tc.setup.Charset); err != nil {
			quoted = append(quoted, err.Error())
		}
		c.report(tc.name, doctorOffline(tc.setup, tc.now, tc.local), quoted...)
	}
	if len(c.read) < 120 {
		t.Errorf("only %d texts read: the setups no longer reach the doctor's findings", len(c.read))
	}
}

// ecdsaCertificatePEM is a self-signed certificate of an ECDSA key, which
// Alipay's RSA2 cannot use.
func ecdsaCertificatePEM(t testing.TB) []byte {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "2088000000000000-2021000000000001"},
		NotBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// The clock compared with a gateway's Date header, each way it can be
// off, and when it cannot be compared, reads in Chinese.
func TestDoctorClockReadsInChinese(t *testing.T) {
	c := newZhDocReader(t)
	dated := func(skew time.Duration, date bool) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if date {
				w.Header().Set("Date", time.Now().Add(skew).UTC().Format(http.TimeFormat))
			} else {
				w.Header()["Date"] = nil
			}
		}))
		t.Cleanup(srv.Close)
		return srv.URL + "/gateway.do"
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for _, tc := range []struct {
		name, url string
	}{
		{"in time", dated(0, true)},
		{"a zone off", dated(8*time.Hour, true)},
		{"a zone off the other way", dated(-8*time.Hour, true)},
		{"half a minute off", dated(-30*time.Second, true)},
		{"drifting", dated(5*time.Minute, true)},
		{"far off", dated(-25*time.Minute, true)},
		{"no Date header", dated(0, false)},
		{"no answer", closed.URL + "/gateway.do"},
		{"an address that cannot be used", "http://127.0.0.1:9/%zz"},
	} {
		s := doctorSetup(doctorPublicKeyMode(t), func(s *doctor.Setup) { s.URL = tc.url })
		r := doctor.Run(context.Background(), s, doctor.Options{Now: func() time.Time { return doctorNow }, Local: time.UTC})
		var quoted []string
		for _, k := range r.Checks {
			if inner, ok := strings.CutPrefix(k.Finding, "not checked: the gateway did not answer ("); ok {
				quoted = append(quoted, inner[:strings.LastIndex(inner, "); the clock")])
			}
		}
		c.report(tc.name, r, append(quoted, keysSayOf(s)...)...)
	}
}

// doctorProbeEmulator runs the emulator on loopback, signing with the fixtures'
// Alipay key, with the app whose public key it is given registered as
// doctorProbeApp.
func doctorProbeEmulator(t *testing.T, appPublicKey string, cfg emulator.Config) (*emulator.Emulator, string) {
	t.Helper()
	alipay, _, err := keys.ParsePrivateKey(doctorFixture(t, "alipay_private_key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.AlipayKey = alipay
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	pub, _, err := keys.ParsePublicKey(doctorFixture(t, appPublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.RegisterApp(doctorProbeApp, pub, gateway.RSA2); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	return emu, srv.URL + "/gateway.do"
}

const doctorProbeApp = "2021000000000002"

// cannedGateway is a gateway that answers every call with body, unsigned, as
// Alipay's gateway answers some errors.
func cannedGateway(t *testing.T, body string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html;charset=utf-8")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/gateway.do"
}

// The live probe, each way the gateway can take or refuse it, reads in
// Chinese.
func TestDoctorProbeReadsInChinese(t *testing.T) {
	c := newZhDocReader(t)
	pub := doctorPublicKeyMode(t)
	_, good := doctorProbeEmulator(t, "app_public_key.txt", emulator.Config{})
	_, otherApp := doctorProbeEmulator(t, "other_public_key.txt", emulator.Config{})
	late := func() time.Time { return time.Now().Add(time.Hour) }
	_, strict := doctorProbeEmulator(t, "app_public_key.txt", emulator.Config{TimestampWindow: time.Minute, Now: late})
	_, certs := doctorProbeEmulator(t, "app_public_key.txt", emulator.Config{CertMode: true, Dir: t.TempDir()})
	faulty, faultyURL := doctorProbeEmulator(t, "app_public_key.txt", emulator.Config{})
	// A refusal the doctor has no special word for, and a gateway that takes
	// the dummy token: both as Alipay's v2 gateway writes an answer.
	refusal := cannedGateway(t, `{"alipay_user_info_share_response":{"code":"40006","msg":"Insufficient Permissions","sub_code":"isv.insufficient-user-permissions","sub_msg":"用户权限不足"}}`)
	taken := cannedGateway(t, `{"alipay_user_info_share_response":{"code":"10000","msg":"Success","user_id":"2088102104794936"}}`)

	at := func(u string) func(*doctor.Setup) {
		return func(s *doctor.Setup) { s.URL, s.AppID = u, doctorProbeApp }
	}
	tests := []struct {
		name  string
		setup doctor.Setup
		fault emulator.Fault
		opts  doctor.Options
	}{
		{"accepted", doctorSetup(pub, at(good)), emulator.Fault{}, doctor.Options{}},
		{"another app public key at the gateway", doctorSetup(pub, at(otherApp)), emulator.Fault{}, doctor.Options{}},
		{"the wrong Alipay key", doctorSetup(pub.with(doctor.SlotAlipayPublicKey, doctorFixture(t, "other_public_key.txt")), at(good)), emulator.Fault{}, doctor.Options{}},
		{"the app key as Alipay key", doctorSetup(pub.with(doctor.SlotAlipayPublicKey, doctorFixture(t, "app_public_key.txt")), at(good)), emulator.Fault{}, doctor.Options{}},
		{"an app the gateway does not know", doctorSetup(pub, at(good), func(s *doctor.Setup) { s.AppID = "2021000000000009" }), emulator.Fault{}, doctor.Options{}},
		{"a refused timestamp", doctorSetup(pub, at(strict)), emulator.Fault{}, doctor.Options{}},
		{"refused certificates", doctorSetup(doctorCertMode(t), at(certs)), emulator.Fault{}, doctor.Options{}},
		{"an unsigned answer", doctorSetup(pub, at(faultyURL)), emulator.Fault{Kind: emulator.FaultNoSign}, doctor.Options{}},
		{"a bad signature", doctorSetup(pub, at(faultyURL)), emulator.Fault{Kind: emulator.FaultBadSign}, doctor.Options{}},
		{"an HTTP error", doctorSetup(pub, at(faultyURL)), emulator.Fault{Kind: emulator.FaultStatus, Status: http.StatusBadGateway}, doctor.Options{}},
		{"a refusal", doctorSetup(pub, at(refusal)), emulator.Fault{}, doctor.Options{}},
		{"the dummy token taken", doctorSetup(pub, at(taken)), emulator.Fault{}, doctor.Options{}},
		{"offline", doctorSetup(pub), emulator.Fault{}, doctor.Options{Offline: true}},
		{"no usable private key", doctorSetup(pub.with(doctor.SlotPrivateKey, doctorFixture(t, "app_private_key_plus_as_space.txt")), at(good)), emulator.Fault{}, doctor.Options{}},
		{"no client", doctorSetup(pub, at(good), func(s *doctor.Setup) { s.Protocol, s.SignType = gateway.V3, "RSA" }), emulator.Fault{}, doctor.Options{}},
	}
	explained := func(code, sub string) []string {
		x, _ := gateway.Explain(code, sub)
		return []string{x.Meaning, x.Hint}
	}
	for _, tc := range tests {
		if tc.fault.Kind != "" {
			faulty.Arm(tc.fault)
		}
		o := tc.opts
		o.Probe, o.Local, o.Now = true, time.UTC, func() time.Time { return doctorNow }
		r := doctor.Run(context.Background(), tc.setup, o)
		quoted := append(keysSayOf(tc.setup), explained("40006", "isv.insufficient-user-permissions")...)
		for _, k := range r.Checks {
			if k.Group != doctor.GroupProbe {
				continue
			}
			// What follows these is the gateway's own account: a transport
			// error, a verification's detail, the strings-to-sign comparison.
			for _, head := range []string{"no usable answer: ", "not made: ", "the answer does not verify with the configured Alipay public key: ",
				"the gateway refused this app's signature (isv.invalid-signature): "} {
				if rest, ok := strings.CutPrefix(k.Finding, head); ok && rest != "offline" && !strings.HasPrefix(rest, "the app private key") {
					quoted = append(quoted, rest)
				}
			}
		}
		if !slices.ContainsFunc(r.Checks, func(k doctor.Check) bool { return k.Group == doctor.GroupProbe }) {
			t.Errorf("%s: the probe made no check", tc.name)
		}
		c.report(tc.name, r, quoted...)
	}
}

// Why an auth code failed, each cause held, ruled out or unknown, reads in
// Chinese, with what the console tells the doctor of where the code came
// from.
func TestDoctorTriageReadsInChinese(t *testing.T) {
	c := newZhDocReader(t)
	now := time.Now()
	failed := func(env string, edit ...func(*gateway.Trace)) *gateway.Trace {
		tr := &gateway.Trace{ID: 9, Time: now, AppID: "2021000000000001", Environment: env, GrantType: gateway.GrantAuthorizationCode,
			Error: &gateway.APIError{Code: "40002", Msg: "Invalid Arguments", SubCode: "isv.code-invalid", SubMsg: "授权码无效"}}
		for _, e := range edit {
			e(tr)
		}
		return tr
	}
	use := func(id int64, ago time.Duration, outcome gateway.Outcome) doctor.CodeUse {
		return doctor.CodeUse{ID: id, Time: now.Add(-ago), Profile: "sandbox", AppID: "2021000000000001", Outcome: outcome}
	}
	unmatched := func(tr *gateway.Trace) {
		tr.Error = &gateway.APIError{Code: "isv.unmatched-app-id", Msg: "授权码与应用不匹配"}
	}
	tests := []struct {
		name  string
		trace *gateway.Trace
		facts doctor.CodeFacts
	}{
		{"exchanged before", failed(gateway.EnvProduction), doctor.CodeFacts{Uses: []doctor.CodeUse{use(3, time.Minute, gateway.OutcomeSuccess)}}},
		{"sent before, unanswered", failed(gateway.EnvProduction), doctor.CodeFacts{Uses: []doctor.CodeUse{use(3, time.Minute, gateway.OutcomeTransportError)}}},
		{"sent before, refused", failed(gateway.EnvProduction), doctor.CodeFacts{Uses: []doctor.CodeUse{use(3, 10*time.Second, gateway.OutcomeGatewayError)}}},
		{"minted long ago", failed(gateway.EnvProduction), doctor.CodeFacts{Obtained: now.Add(-30 * time.Hour), ObtainedHow: "minted by the emulator"}},
		{"pasted minutes ago", failed(gateway.EnvProduction), doctor.CodeFacts{Obtained: now.Add(-10 * time.Minute), ObtainedHow: "pasted"}},
		{"pasted just now", failed(gateway.EnvProduction), doctor.CodeFacts{Obtained: now.Add(-5 * time.Second), ObtainedHow: "pasted", RedirectAppID: "2021000000000001"}},
		{"another app's code", failed(gateway.EnvProduction), doctor.CodeFacts{RedirectAppID: "2021000000000009"}},
		{"another app's code, says the gateway", failed(gateway.EnvProduction, unmatched), doctor.CodeFacts{}},
		{"a sandbox code on production", failed(gateway.EnvProduction, func(tr *gateway.Trace) { tr.AppID = "9021000000000001" }), doctor.CodeFacts{RedirectAppID: "9021000000000001"}},
		{"a production code on the sandbox", failed(gateway.EnvSandbox), doctor.CodeFacts{RedirectAppID: "2021000000000001"}},
	}
	for _, tc := range tests {
		checks := doctor.TriageCode(tc.trace, tc.facts)
		if len(checks) == 0 {
			t.Fatalf("%s: no triage", tc.name)
		}
		c.report(tc.name, &doctor.Report{Checks: checks})
	}
}

// The configuration the doctor reads from a user's code and files, and
// what it cannot follow there, reads in Chinese.
func TestDoctorCodeReadsInChinese(t *testing.T) {
	c := newZhDocReader(t)
	dir := filepath.Join("..", "doctor", "testdata", "code")
	files := map[string][]byte{}
	for _, name := range []string{"AlipayDemo.java", "AlipayClientConfig.java", "alipay.js", "application.yml"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Join(dir, name)] = data
	}
	files["alipay.env"] = []byte("ALIPAY_APP_ID=2021000000000001\nalipay.app-id=2021000000000002\nALIPAY_PRIVATE_KEY=${APP_PRIVATE_KEY}\nALIPAY_GATEWAY=https://openapi.alipay.com/gateway.do\n")
	files["alipay.json"] = []byte(`{"alipay": {"appId": "9021000000000001", "privateKey": "` + strings.TrimSpace(string(doctorFixture(t, "app_private_key.txt"))) + `"}}`)
	files["keys.js"] = []byte("const sdk = new AlipaySdk({ appId: '2021000000000001', privateKey: loadKey(), alipayPublicKey: `${prefix}key` });\n")
	for name, data := range files {
		s, err := doctor.FromCode(name, data, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		quoted := keysSayOf(s)
		// What was found is listed "app id (line 3), gateway (line 5), …":
		// a list joined by commas, which the console's reading does not take
		// apart. The list reaches the command line only (aliauth doctor on a
		// file); the console's doctor reads profiles.
		for _, k := range s.Findings {
			if _, found, ok := strings.Cut(k.Finding, ": "); ok && strings.HasPrefix(k.Finding, "read as ") {
				quoted = append(quoted, found)
			}
		}
		c.report(name, doctorOffline(s, doctorNow, time.UTC), quoted...)
	}
	for name, data := range map[string]string{"nothing.env": "PORT=8080\n", "broken.yml": "alipay: [\n", "broken.json": "{"} {
		_, err := doctor.FromCode(name, []byte(data), nil)
		c.err(name, err)
	}
	var st doctor.Status
	c.err("a status", st.UnmarshalJSON([]byte(`"fine"`)))
}

// The configuration, read by the doctor and on its own: a profile's
// description and problems, the file's warnings, and each error of the
// file, the variables, the keys and the login settings, read in Chinese.
func TestConfigurationReadsInChinese(t *testing.T) {
	c := newZhDocReader(t)
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	for _, v := range []string{"ALIAUTH_PROFILE", "ALIAUTH_GATEWAY", "ALIAUTH_ENDPOINT", "ALIAUTH_APP_ID", "ALIAUTH_PRIVATE_KEY", "ALIAUTH_ALIPAY_PUBLIC_KEY",
		"ALIAUTH_APP_CERT", "ALIAUTH_ALIPAY_CERT", "ALIAUTH_ALIPAY_ROOT_CERT", "ALIAUTH_PROTOCOL", "ALIAUTH_SIGN_TYPE", "ALIAUTH_CHARSET", "ALIAUTH_NO_STORE_SECRETS"} {
		t.Setenv(v, "")
	}
	ecPath := filepath.Join(dir, "ec.crt")
	if err := os.WriteFile(ecPath, ecdsaCertificatePEM(t), 0o600); err != nil {
		t.Fatal(err)
	}
	key := func(name string) string { return doctorFixturePath(name) }
	ok := config.Profile{Gateway: gateway.SandboxGateway, AppID: "9021000000000001", PrivateKey: key("app_private_key.txt"), AlipayPublicKey: key("alipay_public_key.txt")}
	edit := func(e func(*config.Profile)) *config.Profile {
		p := ok
		p.Name = "sandbox"
		e(&p)
		return &p
	}
	_, _, missingKey := keys.LoadPrivateKey(filepath.Join(dir, "missing.txt"))
	_, badRoot := keys.LoadRootCertSN(key("app_public_key.txt"))
	_, badCert := keys.LoadCertificate(key("app_public_key.txt"))
	badRedirect := gateway.CheckRedirectURI("ftp://example.com/cb")
	profiles := []struct {
		name    string
		profile *config.Profile
		quoted  []string
	}{
		{"the emulator", &config.Profile{Name: "demo", Emulator: true}, nil},
		{"the emulator in certificate mode", &config.Profile{Name: "emulator-v3", Emulator: true, Protocol: "v3", CertMode: true}, nil},
		{"the sandbox", edit(func(*config.Profile) {}), nil},
		{"production", edit(func(p *config.Profile) { p.Gateway, p.AppID = gateway.ProductionGateway, "2021000000000001" }), nil},
		{"a proxy", edit(func(p *config.Profile) { p.Gateway = "https://alipay-proxy.example.com/gateway.do" }), nil},
		{"no app id", edit(func(p *config.Profile) { p.AppID = "" }), []string{gateway.ErrNoAppID.Error()}},
		{"no private key", edit(func(p *config.Profile) { p.PrivateKey = "" }), []string{gateway.ErrNoPrivateKey.Error()}},
		{"v3 with legacy RSA", edit(func(p *config.Profile) { p.Protocol, p.SignType, p.Gateway = "v3", "RSA", "" }), []string{gateway.ErrV3NeedsRSA2.Error()}},
		{"the app key as Alipay key", edit(func(p *config.Profile) { p.AlipayPublicKey = key("app_public_key.txt") }), []string{gateway.ErrAppKeyAsAlipayKey.Error()}},
		{"certificate mode without its root", edit(func(p *config.Profile) {
			p.AlipayPublicKey, p.AppCert, p.AlipayCert = "", key("appCertPublicKey_2021000000000001.crt"), key("alipayCertPublicKey_RSA2.crt")
		}), []string{(&gateway.MissingCertificatesError{AlipayRootCert: true}).Error()}},
		{"a private key that is not there", edit(func(p *config.Profile) { p.PrivateKey = filepath.Join(dir, "missing.txt") }), []string{missingKey.Error()}},
		{"an app certificate of another key", edit(func(p *config.Profile) {
			p.PrivateKey, p.AlipayPublicKey, p.AppCert = key("alipay_private_key.pem"), "", key("appCertPublicKey_2021000000000001.crt")
		}), nil},
		{"an Alipay certificate of an ECDSA key", edit(func(p *config.Profile) { p.AlipayPublicKey, p.AlipayCert = "", ecPath }), nil},
		{"a key as root certificate", edit(func(p *config.Profile) { p.AlipayRootCert = key("app_public_key.txt") }), []string{badRoot.Error()}},
		{"a key as app certificate", edit(func(p *config.Profile) { p.AppCert = key("app_public_key.txt") }), []string{badCert.Error()}},
		{"a key as Alipay certificate", edit(func(p *config.Profile) { p.AlipayCert = key("app_public_key.txt") }), []string{badCert.Error()}},
		{"login settings that cannot be used", edit(func(p *config.Profile) {
			p.RedirectURI, p.Listen, p.AESKey, p.AppAuthToken = "ftp://example.com/cb", "nowhere", "env:ALIAUTH_TEST_UNSET_AES", "env:ALIAUTH_TEST_UNSET_TOKEN"
		}), []string{badRedirect.Error()}},
	}
	for _, tc := range profiles {
		about, problems := config.Check(tc.profile)
		c.sentence(tc.name, about)
		if about == word(about) {
			t.Errorf("%s: the description %q has no Chinese", tc.name, about)
		}
		for _, p := range problems {
			// The console shows a problem without its mark, as the command
			// line hands it over; the profile's own warnings are the gateway's.
			if text, ok := strings.CutPrefix(p, "✗ "); ok {
				c.sentence(tc.name, text, tc.quoted...)
			}
		}
	}

	// The file: readable by others with a key inline, and each way it can be
	// wrong.
	write := func(name, text string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inline := write("inline.toml", "[profiles.sandbox]\napp_id = \"9021000000000001\"\nprivate_key = '''\n"+string(doctorFixture(t, "app_private_key.pem"))+"'''\n", 0o644)
	f, err := config.Load(inline)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Warnings()) == 0 {
		t.Error("a file others can read, with a key inline, has no warning")
	}
	for _, w := range f.Warnings() {
		c.sentence("the file's warning", w)
	}
	for name, text := range map[string]string{
		"unknown.toml": "[profiles.sandbox]\napp_id = \"9021000000000001\"\nappid = \"x\"\n",
		"default.toml": "default = \"prod\"\n[profiles.sandbox]\napp_id = \"9021000000000001\"\n",
		"broken.toml":  "[profiles.sandbox\n",
	} {
		_, err := config.Load(write(name, text, 0o600))
		c.err(name, err, tomlSays(err))
	}
	_, err = config.Load(filepath.Join(dir, "absent.toml"))
	c.err("a file that is not there", err)
	_, err = config.Resolve(f, config.Settings{}, config.Settings{Profile: "prod"})
	c.err("a profile the file does not define", err)
	_, err = config.Resolve(&config.File{}, config.Settings{}, config.Settings{Profile: "prod"})
	c.err("a profile without a file", err)

	// The variables.
	t.Setenv("ALIAUTH_NO_STORE_SECRETS", "maybe")
	_, err = config.FromEnv()
	c.err("ALIAUTH_NO_STORE_SECRETS", err)
	t.Setenv("ALIAUTH_NO_STORE_SECRETS", "")
	t.Setenv("ALIAUTH_PROTOCOL", "v4")
	_, err = config.FromEnv()
	c.err("ALIAUTH_PROTOCOL", err)
	t.Setenv("ALIAUTH_PROTOCOL", "")

	// The AES key and the app_auth_token, each way they cannot be read.
	aesFile := write("aes.txt", "not a key\n", 0o600)
	t.Setenv("ALIAUTH_TEST_BAD_AES", "not a key")
	for _, source := range []string{"", "env:ALIAUTH_TEST_UNSET_AES", "env:ALIAUTH_TEST_BAD_AES", aesFile, filepath.Join(dir, "absent.key"), "notakey"} {
		_, err := config.LoadAESKey(source)
		c.err("aes_key "+source, err)
	}
	_, err = config.Open(edit(func(p *config.Profile) { p.AppAuthToken = "env:ALIAUTH_TEST_UNSET_TOKEN" }))
	c.err("app_auth_token", err)
	redirect := edit(func(p *config.Profile) { p.RedirectURI = "https://a.example.com/cb" })
	c.err("a redirect to another domain", redirect.CheckRedirect("https://b.example.com/cb"))

	// The doctor over profiles of the file: the built-in emulator, and one
	// that is not defined.
	cfg := write("config.toml", "[profiles.sandbox]\ngateway = \""+gateway.SandboxGateway+"\"\napp_id = \"9021000000000001\"\nprivate_key = \""+key("app_private_key.txt")+"\"\nalipay_public_key = \""+key("app_public_key.txt")+"\"\n", 0o600)
	l, err := config.NewLoader(cfg, config.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	for _, name := range []string{"demo", "sandbox"} {
		s, err := l.Setup(name)
		if err != nil {
			t.Fatal(err)
		}
		c.sentence(name, s.Name)
		c.report(name, doctorOffline(s, time.Now(), time.UTC), keysSayOf(s)...)
	}
	_, err = l.Setup("prod")
	c.err("the doctor on a profile the file does not define", err)
}

// tomlSays is what the TOML reader said of a file, which the error quotes.
func tomlSays(err error) string {
	if err == nil {
		return ""
	}
	_, said, _ := strings.Cut(err.Error(), ".toml: ")
	return said
}

// The doctor's screen in Chinese: the groups, the subjects, the findings
// and the summary line.
func TestDoctorScreenInChinese(t *testing.T) {
	speakChinese(t)
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default"), Doctor: p.doctorFor(), Lang: "zh-CN"}, 120, 40)
	h.key("esc", "D")
	h.mustSee("密钥和证书", "✓ 应用私钥", "✓ 时钟偏差", "本机时钟与网关的 Date 响应头一致", "0 个错误，0 个警告")
	if !strings.Contains(h.status(), "0 个错误，0 个警告") {
		t.Errorf("status %q", h.status())
	}
	h.key("p")
	h.mustSee("在线探测", "✓ 签名", "网关接受了此应用的签名")
	// Nothing on the screen is left in English, whichever library wrote it.
	for _, line := range strings.Split(ansi.Strip(h.m.doctorView()), "\n") {
		if e := englishProse(line); e != "" {
			t.Errorf("English %q left in %q", e, line)
		}
	}
}
