package keys

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// A PKCS#1 key pasted between PKCS#8's header lines reads in Go, so the
// only sign of trouble is the header: Identify and Inspect must say so.
func TestIdentifyPKCS1UnderPKCS8Header(t *testing.T) {
	data := fixture(t, "pkcs1_labelled_pkcs8.pem")
	id := Identify(data)
	if id.Problem != nil || id.Kind != KindPrivateKey || id.Structure != "PKCS#1" || id.Label != "PRIVATE KEY" {
		t.Fatalf("Identify = %+v", id)
	}
	for _, want := range []string{"says PRIVATE KEY (PKCS#8)", "holds a PKCS#1 private key", "openssl pkcs8 -topk8"} {
		if !strings.Contains(id.LabelMismatch, want) {
			t.Errorf("label mismatch %q lacks %q", id.LabelMismatch, want)
		}
	}
	info, err := Inspect(data)
	if err != nil || !strings.Contains(strings.Join(info.Warnings, "\n"), "says PRIVATE KEY") {
		t.Errorf("Inspect warnings %q, %v", info.Warnings, err)
	}
	if id := Identify(fixture(t, "rsa2048_pkcs1.pem")); id.LabelMismatch != "" {
		t.Errorf("a PKCS#1 key under its own header: %q", id.LabelMismatch)
	}
}

// URL or form decoding turns each '+' of a base64 key into a space: the
// error must say so, and what the key is once they are put back.
func TestPlusTurnedIntoSpaces(t *testing.T) {
	data := fixture(t, "rsa2048_pkcs8_plus_as_space.txt")
	_, _, err := ParsePrivateKey(data)
	wantMessage(t, err, "15 spaces inside where '+' belongs", "URL or form decoding", "a private key (PKCS#8 base64)")
	if !errors.Is(err, ErrNotKey) {
		t.Errorf("%v is not ErrNotKey", err)
	}
	noSecret(t, err.Error(), string(fixture(t, "rsa2048_pkcs8.txt")))
	id := Identify(data)
	if id.Problem == nil || !strings.Contains(id.Problem.Error(), "'+' belongs") {
		t.Errorf("Identify problem %v", id.Problem)
	}

	// Spaces that only separate chunks of an intact key are whitespace.
	chunked := bytes.ReplaceAll(bytes.TrimSpace(fixture(t, "rsa2048_pkcs8.txt")), []byte("MIIE"), []byte("MIIE "))
	if _, _, err := ParsePrivateKey(chunked); err != nil {
		t.Errorf("chunked key: %v", err)
	}
}

// Text copied from a web page or a chat carries no-break spaces: the key
// still reads, and Identify says what it skipped.
func TestNoBreakSpacesTolerated(t *testing.T) {
	pem := fixture(t, "rsa2048_pkcs8.pem")
	damaged := bytes.Replace(pem, []byte("\n"), []byte("\u00a0\n"), 5)
	damaged = bytes.Replace(damaged, []byte("M"), []byte("\u3000M"), 1)
	if _, _, err := ParsePrivateKey(damaged); err != nil {
		t.Fatalf("ParsePrivateKey: %v", err)
	}
	id := Identify(damaged)
	all := strings.Join(id.Tolerated, "\n")
	for _, want := range []string{"5 no-break spaces (U+00A0)", "1 full-width space (U+3000)"} {
		if !strings.Contains(all, want) {
			t.Errorf("tolerated %q lacks %q", id.Tolerated, want)
		}
	}
	if id := Identify(pem); len(id.Tolerated) != 0 {
		t.Errorf("a clean key: tolerated %q", id.Tolerated)
	}
}

// The content encryption key is base64 of 16 bytes; pasted into a key slot
// it must be named for what it is, in every reader.
func TestAESKey(t *testing.T) {
	data := fixture(t, "aes128.txt")
	id := Identify(data)
	if id.Kind != KindAESKey || id.Structure != "AES-128" || id.Bits != 128 || id.Fingerprint != "" {
		t.Fatalf("Identify = %+v", id)
	}
	if !errors.Is(id.Problem, ErrWrongKind) {
		t.Errorf("problem %v", id.Problem)
	}
	if got := id.Describe(); got != "an AES key (AES-128 base64)" {
		t.Errorf("Describe = %q", got)
	}
	_, _, err := ParsePublicKey(data)
	wantMessage(t, err, "AES-128 key", "接口内容加密", "encryptKey")
	_, _, err = ParsePrivateKey(data)
	wantMessage(t, err, "AES-128 key")
	_, err = LoadCertificate(strings.TrimSpace(string(data)))
	wantMessage(t, err, "given inline", "AES-128 key")
	noSecret(t, err.Error(), strings.TrimSpace(string(data)))

	// Short base64 of another length is still too short to be a key.
	_, _, err = ParsePublicKey([]byte("aGVsbG8gd29ybGQ="))
	wantMessage(t, err, "too short to be a key")
}

func TestIdentifyDescribe(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"rsa2048_pkcs8.txt", "a private key (PKCS#8 base64, 2048 bits)"},
		{"rsa2048_public.pem", "a public key (PKIX PEM, 2048 bits)"},
		{"rsa2048_cert.pem", "a certificate (X.509 certificate PEM, 2048 bits)"},
		{"rsa2048_csr.pem", "a certificate request (PKCS#10 certificate request PEM, 2048 bits)"},
		{"ec_p256_sec1.pem", "an EC P-256 private key (SEC1 PEM, 256 bits)"},
	}
	for _, tc := range tests {
		if got := Identify(fixture(t, tc.file)).Describe(); got != tc.want {
			t.Errorf("%s: Describe = %q, want %q", tc.file, got, tc.want)
		}
	}
	if id := Identify([]byte("garbage!")); id.Problem == nil || id.Describe() != "unreadable key material" {
		t.Errorf("garbage: %+v", id)
	}
}
