package gateway

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
)

// testKey reads a PKCS#8 PEM test key from testdata. The gateway's tests do
// not go through package keys so that they test one thing.
func testKey(t testing.TB, name string) *rsa.PrivateKey {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatalf("%s is not PEM", name)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*rsa.PrivateKey)
}

func appKey(t testing.TB) *rsa.PrivateKey    { return testKey(t, "app_private_key.pem") }
func alipayKey(t testing.TB) *rsa.PrivateKey { return testKey(t, "alipay_private_key.pem") }
