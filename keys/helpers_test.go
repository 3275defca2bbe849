package keys

import (
	"crypto/rsa"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// realCertDir holds real Alipay sandbox certificates with the serial numbers
// the official SDKs compute for them.
var realCertDir = filepath.Join("..", "..", "shared", "testdata", "alipay-certs")

// fixture reads a file of testdata/.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return data
}

// realCert reads a real Alipay certificate file, skipping the test when the
// shared test data is not beside the repository.
func realCert(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(realCertDir, name))
	if err != nil {
		t.Skipf("real Alipay certificates not available (%v)", err)
	}
	return data
}

// mainKey is the private key of the rsa2048_* fixtures.
func mainKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, _, err := ParsePrivateKey(fixture(t, "rsa2048_pkcs8.pem"))
	if err != nil {
		t.Fatalf("main fixture key: %v", err)
	}
	return k
}

// wantMessage fails unless err is non-nil and its message contains every part.
func wantMessage(t testing.TB, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q\n  does not contain %q", err, p)
		}
	}
}

// noSecret fails if msg quotes any stretch of the private key text.
func noSecret(t testing.TB, msg string, secret string) {
	t.Helper()
	secret = strings.Join(strings.Fields(secret), "")
	for i := 0; i+12 <= len(secret); i += 6 {
		if piece := secret[i : i+12]; strings.Contains(msg, piece) {
			t.Fatalf("message quotes private key material %q: %s", piece, msg)
		}
	}
}

// wrap breaks s into lines of n characters joined by sep.
func wrap(s string, n int, sep string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += n {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s[i:min(i+n, len(s))])
	}
	return b.String()
}

func b64(der []byte) string { return base64.StdEncoding.EncodeToString(der) }
