package gateway

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// AESKey is an app's content encryption key, the one the Alipay console
// shows under 接口内容加密方式 (base64 of 128 random bits). It decrypts what
// my.getPhoneNumber returns. It is a secret: String, Format and MarshalJSON
// show only its fingerprint, so it cannot reach history, --json or a log by
// accident; Reveal is the one way out.
type AESKey struct {
	key []byte
}

// ErrNoAESKey means an encrypted payload arrived and no AES key was given.
var ErrNoAESKey = errors.New("no AES key: pass the key the Alipay console shows under 开发设置 → 接口内容加密方式 (base64, 24 characters)")

// ParseAESKey reads a key as the console shows it: base64 of 16 bytes
// (AES-128, what Alipay issues), or of 24 or 32.
func ParseAESKey(s string) (AESKey, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return AESKey{}, ErrNoAESKey
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return AESKey{}, fmt.Errorf("the AES key is not base64 (%v); copy it from 接口内容加密方式 as shown, like 3q2+7w8h5L1nKkSg0iLk9A==", err)
	}
	switch len(raw) {
	case 16, 24, 32:
		return AESKey{key: raw}, nil
	}
	return AESKey{}, fmt.Errorf("the AES key is %d bytes once decoded; an AES key is 16 (what Alipay issues), 24 or 32: is this the AES key, not the Alipay public key?", len(raw))
}

// NewAESKey makes a random AES-128 key, as the console does.
func NewAESKey() AESKey {
	k := make([]byte, 16)
	_, _ = rand.Read(k) // crypto/rand.Read never fails
	return AESKey{key: k}
}

// IsZero reports whether no key was given.
func (k AESKey) IsZero() bool { return len(k.key) == 0 }

// Reveal is the key in base64, as the console shows it: for the one place
// that must hand it over (the emulator telling its user the key).
func (k AESKey) Reveal() string { return base64.StdEncoding.EncodeToString(k.key) }

// Fingerprint identifies the key without revealing it.
func (k AESKey) Fingerprint() string {
	if k.IsZero() {
		return ""
	}
	sum := sha256.Sum256(k.key)
	return "sha256:" + hex.EncodeToString(sum[:8])
}

// String shows the key's size and fingerprint, never the key.
func (k AESKey) String() string {
	if k.IsZero() {
		return "no AES key"
	}
	return fmt.Sprintf("AES-%d key %s", 8*len(k.key), k.Fingerprint())
}

// GoString keeps %#v from printing the key's bytes.
func (k AESKey) GoString() string { return k.String() }

// Format makes every verb print String.
func (k AESKey) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// MarshalJSON writes the fingerprint only.
func (k AESKey) MarshalJSON() ([]byte, error) {
	return []byte(`"` + k.Fingerprint() + `"`), nil
}

// zeroIV is Alipay's IV: sixteen zero bytes (the official Java SDK's
// AesEncrypt initializes it to zeros).
var zeroIV = make([]byte, aes.BlockSize)

// Encrypt encrypts as Alipay does: AES-CBC, zero IV, PKCS#5 padding,
// standard base64.
func (k AESKey) Encrypt(plain []byte) (string, error) {
	block, err := aes.NewCipher(k.key)
	if err != nil {
		return "", fmt.Errorf("AES key: %w", err)
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	buf := append(bytes.Clone(plain), bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(block, zeroIV).CryptBlocks(buf, buf)
	return base64.StdEncoding.EncodeToString(buf), nil
}

// ErrWrongAESKey means the ciphertext does not decrypt with the key given.
var ErrWrongAESKey = errors.New("the ciphertext does not decrypt with this AES key: it is another app's key, or another environment's (sandbox and production keys differ), or the key was reset in the console after the payload was made")

// Decrypt reverses Encrypt. Bad padding means the wrong key, almost always
// (a wrong key leaves valid padding once in about 256 tries; the caller
// catches those when the plaintext is not JSON).
func (k AESKey) Decrypt(ciphertext string) ([]byte, error) {
	if k.IsZero() {
		return nil, ErrNoAESKey
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(ciphertext))
	if err != nil {
		return nil, fmt.Errorf("the encrypted response is not base64: %w", err)
	}
	if len(raw) == 0 || len(raw)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("the encrypted response is %d bytes, not a whole number of AES blocks: it was cut or altered", len(raw))
	}
	block, err := aes.NewCipher(k.key)
	if err != nil {
		return nil, fmt.Errorf("AES key: %w", err)
	}
	cipher.NewCBCDecrypter(block, zeroIV).CryptBlocks(raw, raw)
	pad := int(raw[len(raw)-1])
	if pad == 0 || pad > aes.BlockSize || !bytes.Equal(raw[len(raw)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return nil, ErrWrongAESKey
	}
	return raw[:len(raw)-pad], nil
}
