package keys

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenSSLKeys loads what the openssl command writes today, in every
// format integrators produce with it, and signs as it does.
func TestOpenSSLKeys(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not on PATH; skipping the test of keys it writes")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("openssl", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("genrsa", "-out", "genrsa.pem", "2048")
	run("genrsa", "-traditional", "-out", "genrsa_traditional.pem", "2048")
	run("pkcs8", "-topk8", "-nocrypt", "-in", "genrsa_traditional.pem", "-out", "pkcs8.pem")
	run("pkcs8", "-topk8", "-nocrypt", "-in", "genrsa_traditional.pem", "-outform", "DER", "-out", "pkcs8.der")
	run("rsa", "-in", "genrsa_traditional.pem", "-pubout", "-out", "public.pem")
	run("rsa", "-in", "genrsa_traditional.pem", "-pubout", "-outform", "DER", "-out", "public.der")
	run("rsa", "-in", "genrsa_traditional.pem", "-RSAPublicKey_out", "-out", "public_pkcs1.pem")
	run("base64", "-in", "pkcs8.der", "-out", "pkcs8.b64") // wrapped at 64 columns

	privates := map[string]Format{
		"genrsa.pem":             FormatPKCS8PEM, // OpenSSL 3 writes PKCS#8
		"genrsa_traditional.pem": FormatPKCS1PEM,
		"pkcs8.pem":              FormatPKCS8PEM,
		"pkcs8.der":              FormatPKCS8DER,
		"pkcs8.b64":              FormatPKCS8Base64,
	}
	var key *rsa.PrivateKey
	for name, want := range privates {
		k, format, err := LoadPrivateKey(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if format != want && !(name == "genrsa.pem" && format == FormatPKCS1PEM) {
			t.Errorf("%s: format %q, want %q", name, format, want)
		}
		if name == "pkcs8.der" {
			key = k
		}
	}
	for name, want := range map[string]Format{"public.pem": FormatPKIXPEM, "public.der": FormatPKIXDER, "public_pkcs1.pem": FormatPKCS1PublicPEM} {
		pub, format, err := LoadPublicKey(filepath.Join(dir, name))
		if err != nil || format != want || !Match(key, pub) {
			t.Errorf("%s: format %q, match %v, err %v", name, format, Match(key, pub), err)
		}
	}

	// Our encodings are openssl's.
	der, _ := os.ReadFile(filepath.Join(dir, "public.der"))
	if EncodePublicBase64(&key.PublicKey) != base64.StdEncoding.EncodeToString(der) {
		t.Error("EncodePublicBase64 differs from openssl rsa -pubout -outform DER")
	}
	der, _ = os.ReadFile(filepath.Join(dir, "pkcs8.der"))
	if EncodePrivatePKCS8Base64(key) != base64.StdEncoding.EncodeToString(der) {
		t.Error("EncodePrivatePKCS8Base64 differs from openssl pkcs8 -topk8 -outform DER")
	}

	// The key signs as openssl does with it (RSA PKCS#1 v1.5 is deterministic).
	message := []byte("app_id=2021000000000000&method=alipay.system.oauth.token")
	if err := os.WriteFile(filepath.Join(dir, "message"), message, 0o600); err != nil {
		t.Fatal(err)
	}
	run("dgst", "-sha256", "-sign", "pkcs8.pem", "-out", "signature", "message")
	want, _ := os.ReadFile(filepath.Join(dir, "signature"))
	digest := sha256.Sum256(message)
	got, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("signature differs from openssl dgst -sha256 -sign")
	}

	// And openssl reads what WritePair writes.
	out := filepath.Join(dir, "pair")
	if _, err := WritePair(out, key); err == nil {
		run("rsa", "-in", filepath.Join("pair", PrivateKeyPKCS1File), "-check", "-noout")
		run("pkey", "-pubin", "-in", filepath.Join("pair", PublicKeyPEMFile), "-noout")
	} else {
		t.Fatal(err)
	}
}
