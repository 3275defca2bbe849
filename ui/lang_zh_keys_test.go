package ui

import (
	"bytes"
	"context"
	"crypto/rsa"
	"database/sql"
	"encoding/asn1"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
	"aliauth/history"
	"aliauth/keys"
)

// keysFixture reads a file of the keys package's test data.
func keysFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "keys", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// alipayCert reads a real Alipay certificate file; nil when the shared
// test data is not beside the repository.
func alipayCert(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "testdata", "alipay-certs", name))
	if err != nil {
		return nil
	}
	return data
}

// pemDERs splits a PEM file into the DER of its blocks.
func pemDERs(data []byte) [][]byte {
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

func certsPEM(ders ...[]byte) []byte {
	var out []byte
	for _, der := range ders {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	return out
}

// hollowCert keeps a certificate's signature algorithm but empties what was
// signed, so that it claims an algorithm and cannot be parsed.
func hollowCert(t *testing.T, der []byte) []byte {
	t.Helper()
	var cert struct{ TBS, Algorithm, Signature asn1.RawValue }
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

// keysTexts are the sentences the keys package writes for bad, wrong-kind,
// encrypted, cut-short and damaged key material and certificates, made by
// its public API; each is named for the case that makes it.
func keysTexts(t *testing.T) map[string]string {
	t.Helper()
	texts := map[string]string{}
	add := func(name string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		texts[name] = err.Error()
	}
	priv := func(data string) error { _, _, err := keys.ParsePrivateKey([]byte(data)); return err }
	pub := func(data string) error { _, _, err := keys.ParsePublicKey([]byte(data)); return err }
	certs := func(data []byte) error { _, _, err := keys.ParseCertificates(data); return err }
	rootSN := func(data []byte) error { _, err := keys.RootCertSN(data); return err }

	pkcs8 := strings.TrimSpace(keysFixture(t, "rsa2048_pkcs8.txt"))
	pem8 := keysFixture(t, "rsa2048_pkcs8.pem")
	public := keysFixture(t, "rsa2048_public.txt")
	cert := keysFixture(t, "rsa2048_cert.pem")
	csr := keysFixture(t, "rsa2048_csr.pem")

	// What is not key material at all.
	add("empty", priv(""))
	add("garbage text", priv("hello, world!"))
	add("short word", priv("hello"))
	add("JSON", priv(`{"app_id":"2021","private_key":"xyz"}`))
	add("ssh public key", priv("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ user@host"))
	add("PuTTY key", priv("PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\n"))
	add("binary", priv("\x00\x01\x02\xff\xfe\x80garbage"))
	add("binary DER-like", priv("\x30\x82\xff\xfe\x80\x00garbage"))
	add("hex", priv(strings.Repeat("3082010a02820101", 8)))
	add("base64 not DER", priv(strings.Repeat("QUJD", 30)))
	add("base64 too many =", priv(pkcs8+"===="))
	add("base64 two keys", priv(pkcs8+pkcs8))
	add("base64 odd length", priv(pkcs8[:1001]))
	add("base64 two alphabets", priv(strings.Replace(pkcs8, "/", "_", 1)))
	add("base64 cut short", priv(pkcs8[:1000]))
	add("base64 trailing bytes", priv(base64.StdEncoding.EncodeToString(append(mustDER(t, pkcs8), 0, 0, 0))))
	add("base64 plus as space", priv(keysFixture(t, "rsa2048_pkcs8_plus_as_space.txt")))
	add("PEM cut short", priv(pem8[:len(pem8)/2]))
	add("PEM damaged body", priv(strings.Replace(pem8, "\n", "\n!!", 3)))
	add("PEM damaged BEGIN", priv("-----BEGIN PRIVATE KEY\nMIIB\n"))
	add("PEM damaged END", priv("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY\n"))
	add("PEM bad headers", priv("-----BEGIN RSA PRIVATE KEY----- Proc-Type: 4,SIGNED MIIB -----END RSA PRIVATE KEY-----"))
	add("PEM not a SEQUENCE", priv("-----BEGIN PRIVATE KEY-----\nAgEB\n-----END PRIVATE KEY-----\n"))
	add("PEM not a key", priv("-----BEGIN PRIVATE KEY-----\nMAMBAf8=\n-----END PRIVATE KEY-----\n"))
	add("PEM only parameters", priv("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"))
	add("OpenSSH private key", priv("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"))
	add("PKCS#12", priv(keysFixture(t, "rsa2048.p12")))
	add("PKCS#7", priv(keysFixture(t, "rsa2048_cert.p7b")))
	add("AES key", priv(keysFixture(t, "aes128.txt")))
	add("encrypted PKCS#8", priv(keysFixture(t, "encrypted_pkcs8.pem")))
	add("encrypted PKCS#1", priv(keysFixture(t, "encrypted_pkcs1.pem")))

	// Material of the wrong kind, or not RSA, or too short.
	add("public key as private", priv(public))
	add("PKCS#1 public key as private", priv(keysFixture(t, "rsa2048_public_pkcs1.pem")))
	add("certificate as private", priv(cert))
	add("request as private", priv(csr))
	add("EC SEC1 private key", priv(keysFixture(t, "ec_p256_sec1.pem")))
	add("EC PKCS#8 private key", priv(keysFixture(t, "ec_p256_pkcs8.pem")))
	add("SM2 private key", priv(keysFixture(t, "sm2_pkcs8.pem")))
	add("Ed25519 private key", priv(keysFixture(t, "ed25519_pkcs8.pem")))
	add("512-bit key", priv(keysFixture(t, "rsa512_pkcs8.pem")))
	add("private key as public", pub(pkcs8))
	add("encrypted key as public", pub(keysFixture(t, "encrypted_pkcs8.pem")))
	add("EC public key", pub(keysFixture(t, "ec_p256_public.pem")))
	add("SM2 public key", pub(keysFixture(t, "sm2_public.pem")))
	add("Ed25519 public key", pub(keysFixture(t, "ed25519_public.pem")))
	add("EC certificate as public", pub(keysFixture(t, "ec_p256_cert.pem")))
	add("request as public", pub(csr))
	add("public key as certificate", certs([]byte(public)))
	add("request as certificate", certs([]byte(csr)))
	add("root SN of a key", rootSN([]byte(pkcs8)))
	add("root SN of EC", rootSN([]byte(keysFixture(t, "ec_p256_cert.pem"))))
	weak, _, err := keys.ParsePrivateKey([]byte(keysFixture(t, "rsa1024_pkcs8.pem")))
	if err != nil {
		t.Fatal(err)
	}
	add("1024-bit key", keys.CheckStrength(&weak.PublicKey))
	add("no key to check", keys.CheckStrength(&rsa.PublicKey{}))

	// Where the material comes from.
	dir := t.TempDir()
	write := func(name, data string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	loadPriv := func(source string) error { _, _, err := keys.LoadPrivateKey(source); return err }
	loadPub := func(source string) error { _, _, err := keys.LoadPublicKey(source); return err }
	publicFile := write("alipay_public_key.txt", public)
	privateFile := write("app_private_key.txt", pkcs8)
	t.Setenv("ALIAUTH_ZH_EMPTY", "")
	t.Setenv("ALIAUTH_ZH_PATH", publicFile)
	t.Setenv("ALIAUTH_ZH_CERT", cert)
	os.Unsetenv("ALIAUTH_ZH_UNSET")
	add("file: public key as private", loadPriv(publicFile))
	add("file: private key as public", loadPub(privateFile))
	add("file: missing", loadPriv(filepath.Join(dir, "nope.txt")))
	add("file: missing relative", loadPriv("keys/nope.txt"))
	add("file: directory", loadPriv(dir))
	add("file: empty", loadPriv(write("empty.txt", "")))
	add("file: garbage", loadPriv(write("notes.txt", "remember to rotate the keys!\n")))
	add("file: huge", loadPriv(write("big.bin", strings.Repeat("A", 1<<20+10))))
	add("file: certificate from a key", func() error { _, err := keys.LoadCertificate(privateFile); return err }())
	add("file: root SN missing", func() error { _, err := keys.LoadRootCertSN("alipayRootCert.crt"); return err }())
	add("env: not set", loadPriv("env:ALIAUTH_ZH_UNSET"))
	add("env: empty", loadPriv("env:ALIAUTH_ZH_EMPTY"))
	add("env: bad name", loadPriv("env:"))
	add("env: path to the wrong kind", loadPriv("env:ALIAUTH_ZH_PATH"))
	add("env: certificate as private", loadPriv("env:ALIAUTH_ZH_CERT"))
	add("env: read source not set", func() error { _, _, err := keys.ReadSource("env:ALIAUTH_ZH_UNSET"); return err }())
	add("inline: cut short", loadPriv(pkcs8[:400]))
	add("inline: public PEM as private", loadPriv(keysFixture(t, "rsa2048_public.pem")))
	add("inline: EC as private", loadPriv(keysFixture(t, "ec_p256_pkcs8.pem")))
	add("inline: SM2 as public", loadPub(keysFixture(t, "sm2_public.pem")))
	add("no source", loadPriv("  "))
	add("no source for a public key", loadPub(""))
	pair := t.TempDir()
	if _, err := keys.WritePair(pair, weak); err != nil {
		t.Fatal(err)
	}
	add("key pair exists", func() error { _, err := keys.WritePair(pair, weak); return err }())
	add("no key pair", func() error { _, err := keys.WritePair(pair, nil); return err }())

	// Real Alipay certificates, whole and damaged.
	if root := alipayCert(t, "alipayRootCert.crt"); root != nil {
		ders := pemDERs(root)
		add("root bundle as public key", pub(string(root)))
		add("root bundle file as public key", loadPub(write("alipayRootCert.crt", string(root))))
		add("SM2 certificate only", certs(certsPEM(ders[0])))
		add("SM2 certificates only", certs(certsPEM(ders[0], ders[0])))
		add("root bundle with a hollow RSA certificate", rootSN(certsPEM(ders[0], ders[1], ders[2], hollowCert(t, ders[3]))))
		add("root bundle with a block that is not DER", rootSN(certsPEM(ders[0], []byte{0x30, 0x03, 0x01, 0x02}, ders[2], ders[3])))
		add("root bundle of SM2 only", rootSN(certsPEM(ders[0])))
		add("hollow RSA certificate as public key", pub(string(certsPEM(hollowCert(t, ders[3])))))
		info, err := keys.Inspect(certsPEM(ders[0], ders[1], ders[2], hollowCert(t, ders[3])))
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range info.Warnings {
			texts["root bundle warning "+string(rune('1'+i))] = w
		}
		for i, s := range info.Skipped {
			texts["root bundle skipped "+string(rune('1'+i))] = s.Reason
		}
	}
	if alipay := alipayCert(t, "alipayPublicCert.crt"); alipay != nil {
		info, err := keys.Inspect(alipay)
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range info.Warnings {
			texts["expired certificate "+string(rune('1'+i))] = w
		}
	}

	// What inspecting and identifying material says of it.
	for name, data := range map[string]string{
		"PKCS#1 under the PKCS#8 header": keysFixture(t, "pkcs1_labelled_pkcs8.pem"),
		"PKCS#1 private key":             keysFixture(t, "rsa2048_pkcs1.pem"),
		"PKCS#8 under the PKCS#1 header": strings.ReplaceAll(pem8, "PRIVATE KEY", "RSA PRIVATE KEY"),
		"public key under a key header":  strings.ReplaceAll(keysFixture(t, "rsa2048_public.pem"), "PUBLIC KEY", "PRIVATE KEY"),
		"PKIX key under an odd header":   strings.ReplaceAll(keysFixture(t, "rsa2048_public.pem"), "PUBLIC KEY", "PUBLIC KEY BLOB"),
		"certificate request":            csr,
		"EC private key":                 keysFixture(t, "ec_p256_pkcs8.pem"),
		"SM2 public key":                 keysFixture(t, "sm2_public.pem"),
		"512-bit key":                    keysFixture(t, "rsa512_pkcs8.pem"),
		"1024-bit key":                   keysFixture(t, "rsa1024_pkcs8.pem"),
		"encrypted key":                  keysFixture(t, "encrypted_pkcs8.pem"),
		"AES key":                        keysFixture(t, "aes128.txt"),
		"EC certificate":                 keysFixture(t, "ec_p256_cert.pem"),
	} {
		info, err := keys.Inspect([]byte(data))
		if err != nil {
			t.Fatalf("inspect %s: %v", name, err)
		}
		for i, w := range info.Warnings {
			texts["inspect "+name+" "+string(rune('1'+i))] = w
		}
	}
	for name, data := range map[string]string{
		"no-break spaces":   strings.Replace(pkcs8, "M", "\u00a0M", 1) + "\u00a0\u3000",
		"zero-width spaces": "\u200b" + pkcs8 + "\u200b",
		"odd spaces":        "\u2002" + pkcs8 + "\u202f",
	} {
		for i, tol := range keys.Identify([]byte(data)).Tolerated {
			texts["tolerated "+name+" "+string(rune('1'+i))] = tol
		}
	}
	for name, data := range map[string]string{
		"private key":          pkcs8,
		"PKCS#1 private key":   keysFixture(t, "rsa2048_pkcs1.pem"),
		"public key":           public,
		"certificate":          cert,
		"certificate request":  csr,
		"EC private key":       keysFixture(t, "ec_p256_pkcs8.pem"),
		"Ed25519 public key":   keysFixture(t, "ed25519_public.pem"),
		"SM2 private key":      keysFixture(t, "sm2_pkcs8.pem"),
		"encrypted key":        keysFixture(t, "encrypted_pkcs8.pem"),
		"AES key":              keysFixture(t, "aes128.txt"),
		"EC certificate":       keysFixture(t, "ec_p256_cert.pem"),
		"garbage":              "not a key at all",
		"certificate bundle":   cert + cert,
		"OpenSSH private key":  "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
		"PKCS#7 bundle":        keysFixture(t, "rsa2048_cert.p7b"),
		"certificate revoked":  "-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n",
		"512-bit private key":  keysFixture(t, "rsa512_pkcs8.pem"),
		"PKCS#1 public key":    keysFixture(t, "rsa2048_public_pkcs1.pem"),
		"RSA public key (DER)": keysFixture(t, "rsa2048_public.der"),
	} {
		texts["describe "+name] = keys.Identify([]byte(data)).Describe()
	}
	return texts
}

// mustDER decodes base64 key text.
func mustDER(t *testing.T, text string) []byte {
	t.Helper()
	der, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// historyTexts are the sentences the history package writes for a file it
// cannot use: damaged, another program's, locked, unreadable, of a newer
// schema, in the wrong place; and for what it is asked wrongly.
func historyTexts(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	texts := map[string]string{}
	add := func(name string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		texts[name] = err.Error()
	}
	dir := t.TempDir()
	healthy := filepath.Join(dir, "healthy.db")
	s, err := history.Open(ctx, healthy)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(ctx, newTraceGenerator(7).traces(300), true); err != nil {
		t.Fatal(err)
	}
	s.Close()
	good, err := os.ReadFile(healthy)
	if err != nil {
		t.Fatal(err)
	}
	open := func(name string, content []byte) error {
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := history.Open(ctx, path)
		if err == nil {
			s.Close()
		}
		return err
	}
	with := func(edit func(b []byte)) []byte {
		b := bytes.Clone(good)
		edit(b)
		return b
	}
	add("damaged: a text file", open("notes.db", []byte("exchange log\nid,time\n1,2025-11-20\n")))
	add("damaged: header cut", open("cut.db", good[:60]))
	add("damaged: page size", open("pages.db", with(func(b []byte) { binary.BigEndian.PutUint16(b[16:], 1000) })))
	add("damaged: garbled header", open("garbled.db", with(func(b []byte) { b[21] = 0 })))
	add("damaged: cut short", open("short.db", good[:len(good)/2]))
	add("damaged: schema page", open("schema.db", with(func(b []byte) {
		for i := 100; i < 4096; i++ {
			b[i] = 0xa5
		}
	})))
	add("newer schema", open("newer.db", with(func(b []byte) { binary.BigEndian.PutUint32(b[60:], 99) })))

	other := filepath.Join(t.TempDir(), "notes.db")
	db, err := sql.Open("sqlite", "file:"+other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE notes (body TEXT)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = history.Open(ctx, other)
	add("another program's database", err)

	// Pages in the middle of the file, which hold traces, spoiled: it opens,
	// and SQLite's check, export and reading say what is damaged.
	spoiled := filepath.Join(t.TempDir(), "spoiled.db")
	if err := os.WriteFile(spoiled, with(func(b []byte) {
		for i := len(b) / 2; i < len(b)/2+16*4096 && i < len(b); i++ {
			b[i] = 0x5a
		}
	}), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = history.Open(ctx, spoiled)
	if err != nil {
		t.Fatal(err)
	}
	add("check finds damage", s.Check(ctx))
	_, err = s.Export(ctx, &bytes.Buffer{}, history.Filter{}, true)
	add("export skips damage", err)
	for id := int64(1); id <= 300; id++ {
		if _, err := s.Get(ctx, id); err != nil {
			add("read a damaged exchange", err)
			break
		}
	}
	s.Close()

	// Another process holds the write lock.
	locked := filepath.Join(t.TempDir(), "locked.db")
	s, err = history.Open(ctx, locked, history.WithBusyTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"_txlock": {"immediate"}}
	holder, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: locked, RawQuery: q.Encode()}).String())
	if err != nil {
		t.Fatal(err)
	}
	tx, err := holder.Begin()
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Record(ctx, newTraceGenerator(8).trace(), true)
	add("locked", err)
	add("locked delete", s.Delete(ctx, 1))
	tx.Rollback()
	holder.Close()
	add("no such exchange", s.Delete(ctx, 12345))
	_, err = s.Get(ctx, 12345)
	add("no exchange to read", err)
	_, err = s.List(ctx, history.Filter{BeforeID: 12345})
	add("no exchange to page from", err)
	_, err = s.Record(ctx, nil, true)
	add("no trace", err)
	_, err = s.Prune(ctx, 0, 0)
	add("prune nothing", err)
	_, err = s.Import(ctx, []*gateway.Trace{nil}, true)
	add("import a missing trace", err)
	s.Close()

	// Files the database cannot be.
	_, err = history.Open(ctx, t.TempDir())
	add("a directory", err)
	_, err = history.Open(ctx, "")
	add("no path", err)
	_, err = history.Open(ctx, filepath.Join(t.TempDir(), "none.db"), history.Existing())
	add("does not exist", err)
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = history.Open(ctx, filepath.Join(notDir, "history.db"))
	add("directory is a file", err)

	// Files that cannot be written; root writes them all the same.
	if os.Geteuid() != 0 {
		readOnlyDir := t.TempDir()
		if err := os.Chmod(readOnlyDir, 0o500); err != nil {
			t.Fatal(err)
		}
		_, err = history.Open(ctx, filepath.Join(readOnlyDir, "history.db"))
		add("read-only directory", err)
		readOnlyFile := filepath.Join(t.TempDir(), "history.db")
		if err := os.WriteFile(readOnlyFile, good, 0o400); err != nil {
			t.Fatal(err)
		}
		if s, err := history.Open(ctx, readOnlyFile); err == nil {
			_, err = s.Record(ctx, newTraceGenerator(9).trace(), true)
			add("read-only file", err)
			s.Close()
		} else {
			add("read-only file", err)
		}
	}

	// What it is asked.
	_, err = history.ParseAge("soon")
	add("age", err)
	_, err = history.ParseAge("0d")
	add("age zero", err)
	_, err = history.ParseSince("last tuesday", time.Now())
	add("since", err)
	return texts
}

// asWritten is what a Chinese text keeps in English: what Go's crypto/x509
// says of a certificate it cannot parse, which the keys package quotes in
// parentheses, and the commands it tells to run.
var asWritten = regexp.MustCompile(`\(x509: [^()]*\)|\b(?:openssl|ssh-keygen|xxd|puttygen|cp) [\x20-\x7e]*`)

// The errors and notes of keys and history, as they reach the console,
// are worded in Chinese: the format that made each is found and filled
// with its arguments, themselves worded. Only what Go said and the commands
// to run stay as they were.
func TestChineseWordsKeysAndHistory(t *testing.T) {
	texts := keysTexts(t)
	for name, text := range historyTexts(t) {
		texts["history: "+name] = text
	}
	names := make([]string, 0, len(texts))
	for name := range texts {
		names = append(names, name)
	}
	sort.Strings(names)
	speakChinese(t)
	for _, name := range names {
		text := texts[name]
		zh := word(text)
		if zh == text {
			t.Errorf("%s: not worded: %s", name, text)
			continue
		}
		if left := englishProse(asWritten.ReplaceAllString(zh, "")); left != "" {
			t.Errorf("%s: %q is left in\n  %s\n  %s", name, left, text, zh)
		}
	}
	// 154 as root with the real Alipay certificates at hand, 13 fewer
	// without them.
	if len(texts) < 140 {
		t.Errorf("only %d texts made; a case stopped making its text", len(texts))
	}
}
