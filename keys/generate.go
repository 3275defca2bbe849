package keys

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Generate makes a new 2048-bit RSA key, the size Alipay's RSA2 takes.
func Generate() (*rsa.PrivateKey, error) {
	key, err := rsa.GenerateKey(rand.Reader, MinBits)
	if err != nil {
		return nil, fmt.Errorf("generate a %d-bit RSA key: %w", MinBits, err)
	}
	return key, nil
}

// EncodePrivatePKCS8Base64 writes the key as Alipay's key tool does for Java
// and most SDKs: PKCS#8 DER in standard base64 on one line. It is "" for a nil
// key.
func EncodePrivatePKCS8Base64(k *rsa.PrivateKey) string {
	der := pkcs8(k)
	if der == nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(der)
}

// EncodePrivatePKCS8PEM writes the key as PEM "PRIVATE KEY" (PKCS#8). It is
// nil for a nil key.
func EncodePrivatePKCS8PEM(k *rsa.PrivateKey) []byte {
	der := pkcs8(k)
	if der == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// EncodePrivatePKCS1PEM writes the key as PEM "RSA PRIVATE KEY" (PKCS#1), what
// PHP and older SDKs take. It is nil for a nil key.
func EncodePrivatePKCS1PEM(k *rsa.PrivateKey) []byte {
	if k == nil || k.N == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
}

// EncodePublicBase64 writes the public key as the Alipay console takes it
// (the app public key, 应用公钥): PKIX DER in standard base64 on one line. It
// is "" for a nil key.
func EncodePublicBase64(k *rsa.PublicKey) string {
	der := pkixDER(k)
	if der == nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(der)
}

// EncodePublicPEM writes the public key as PEM "PUBLIC KEY" (PKIX). It is nil
// for a nil key.
func EncodePublicPEM(k *rsa.PublicKey) []byte {
	der := pkixDER(k)
	if der == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func pkcs8(k *rsa.PrivateKey) []byte {
	if k == nil || k.N == nil {
		return nil
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil
	}
	return der
}

func pkixDER(k *rsa.PublicKey) []byte {
	if k == nil || k.N == nil {
		return nil
	}
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		return nil
	}
	return der
}

// The files WritePair writes.
const (
	PrivateKeyFile      = "app_private_key.txt"       // PKCS#8 base64, as Alipay's key tool writes it; mode 0600
	PrivateKeyPKCS1File = "app_private_key_pkcs1.pem" // PKCS#1 PEM, for SDKs that want it; mode 0600
	PublicKeyFile       = "app_public_key.txt"        // PKIX base64, to paste into the Alipay console
	PublicKeyPEMFile    = "app_public_key.pem"        // PKIX PEM
)

// WritePair writes the key pair into dir, creating dir (mode 0700) if needed:
// app_private_key.txt (PKCS#8 base64) and app_private_key_pkcs1.pem (PKCS#1
// PEM), both mode 0600, and app_public_key.txt (bare base64, to paste into the
// Alipay console) and app_public_key.pem, mode 0644. It returns the paths
// written.
//
// It never overwrites: if any of the four files exists it writes nothing and
// says which file is in the way. Each file is written to a temporary file and
// linked into place, and on failure the files already written are removed, so
// no half-written key is ever left behind.
func WritePair(dir string, k *rsa.PrivateKey) ([]string, error) {
	if k == nil || k.N == nil {
		return nil, errors.New("write key pair: no key to write")
	}
	if dir == "" {
		dir = "."
	}
	files := []struct {
		name string
		data []byte
		mode fs.FileMode
	}{
		{PrivateKeyFile, []byte(EncodePrivatePKCS8Base64(k) + "\n"), 0o600},
		{PrivateKeyPKCS1File, EncodePrivatePKCS1PEM(k), 0o600},
		{PublicKeyFile, []byte(EncodePublicBase64(&k.PublicKey) + "\n"), 0o644},
		{PublicKeyPEMFile, EncodePublicPEM(&k.PublicKey), 0o644},
	}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if _, err := os.Lstat(path); err == nil {
			return nil, fmt.Errorf("write key pair: %s already exists; move it away or pick another directory (nothing was written, existing keys are never overwritten)", path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("write key pair: check %s: %w", path, err)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("write key pair: create directory %q: %w", dir, err)
	}
	var written []string
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := writeNewFile(path, f.data, f.mode); err != nil {
			for _, done := range written {
				os.Remove(done)
			}
			return nil, fmt.Errorf("write key pair: %w (nothing was kept)", err)
		}
		written = append(written, path)
	}
	return written, nil
}

// writeNewFile is writeNew; tests replace it to fail part way.
var writeNewFile = writeNew

// writeNew writes data to path, which must not exist: it writes a temporary
// file beside it, syncs it, then links it into place, which fails rather than
// replace a file created meanwhile.
func writeNew(path string, data []byte, mode fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("create a temporary file for %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("set the mode of %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Link(tmpName, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s appeared while writing; move it away or pick another directory", path)
		}
		// Some file systems have no hard links; fall back to a rename after
		// checking again that nothing is in the way.
		if _, statErr := os.Lstat(path); !errors.Is(statErr, fs.ErrNotExist) {
			return fmt.Errorf("%s appeared while writing; move it away or pick another directory", path)
		}
		if err := os.Rename(tmpName, path); err != nil {
			return fmt.Errorf("move %s into place: %w", path, err)
		}
	}
	return nil
}
