package keys

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, for errors.Is. Every error this package returns carries its
// own sentence; these only classify it. Errors about files also match the
// io/fs errors (fs.ErrNotExist, fs.ErrPermission).
var (
	// ErrNotKey: the input is empty, garbled, cut short, or not key material.
	ErrNotKey = errors.New("not key material")
	// ErrWrongKind: the input is valid, but the wrong kind (a public key where
	// a private key is needed, a certificate where a key is needed, ...).
	ErrWrongKind = errors.New("wrong kind of key material")
	// ErrNotRSA: the key is EC, SM2, Ed25519, DSA...; Alipay RSA2 needs RSA.
	ErrNotRSA = errors.New("not an RSA key")
	// ErrEncrypted: the private key is protected by a passphrase.
	ErrEncrypted = errors.New("encrypted private key")
	// ErrWeakKey: the RSA key is too short to be used at all (under 1024
	// bits). Keys of 1024 bits and more load; see CheckStrength.
	ErrWeakKey = errors.New("RSA key too short")
	// ErrEnvNotSet: an "env:NAME" source names a variable that is not set
	// or is empty.
	ErrEnvNotSet = errors.New("environment variable not set")
)

// keyError is an error with a complete sentence for a message, classified by a
// sentinel (or an io/fs error) that errors.Is can find.
type keyError struct {
	msg  string
	kind error
}

func (e *keyError) Error() string { return e.msg }
func (e *keyError) Unwrap() error { return e.kind }

func newError(kind error, format string, args ...any) error {
	return &keyError{msg: fmt.Sprintf(format, args...), kind: kind}
}

// within prefixes err with what was being read from where:
// `read private key file "app.key": ...`.
func within(noun, describe string, err error) error {
	return fmt.Errorf("%s: %w", readPrefix(noun, describe), err)
}

// readPrefix says what was read from where, for the start of an error message.
func readPrefix(noun, describe string) string {
	switch {
	case noun == "" && describe == "":
		return "read key material"
	case noun == "":
		return "read " + describe
	case describe == "":
		return "read " + noun
	case strings.HasPrefix(describe, "file "):
		return "read " + noun + " " + describe
	case strings.HasPrefix(describe, "environment variable "):
		return "read " + noun + " from " + describe
	case describe == describeInline:
		return "read " + noun + " given inline"
	default:
		return "read " + noun + " (" + describe + ")"
	}
}
