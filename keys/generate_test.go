package keys

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestGenerateAndEncodeRoundTrip(t *testing.T) {
	key, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	if key.N.BitLen() != 2048 {
		t.Errorf("Generate made %d bits", key.N.BitLen())
	}
	privates := map[Format][]byte{
		FormatPKCS8Base64: []byte(EncodePrivatePKCS8Base64(key)),
		FormatPKCS8PEM:    EncodePrivatePKCS8PEM(key),
		FormatPKCS1PEM:    EncodePrivatePKCS1PEM(key),
	}
	for want, data := range privates {
		got, format, err := ParsePrivateKey(data)
		if err != nil || format != want || !got.Equal(key) {
			t.Errorf("%s: format %q, err %v", want, format, err)
		}
	}
	publics := map[Format][]byte{
		FormatPKIXBase64: []byte(EncodePublicBase64(&key.PublicKey)),
		FormatPKIXPEM:    EncodePublicPEM(&key.PublicKey),
	}
	for want, data := range publics {
		got, format, err := ParsePublicKey(data)
		if err != nil || format != want || !Match(key, got) {
			t.Errorf("%s: format %q, err %v", want, format, err)
		}
	}
	if b := EncodePublicBase64(&key.PublicKey); strings.ContainsAny(b, "\r\n") || !strings.HasPrefix(b, "MIIBIjAN") {
		t.Errorf("EncodePublicBase64 is not one line of PKIX base64: %.20s...", b)
	}
	if EncodePrivatePKCS8Base64(nil) != "" || EncodePrivatePKCS8PEM(nil) != nil || EncodePrivatePKCS1PEM(nil) != nil ||
		EncodePublicBase64(nil) != "" || EncodePublicPEM(nil) != nil {
		t.Error("encoding a nil key gave something")
	}
}

func TestWritePair(t *testing.T) {
	key, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "new", "keys")
	paths, err := WritePair(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []string{PrivateKeyFile, PrivateKeyPKCS1File, PublicKeyFile, PublicKeyPEMFile}
	if len(paths) != len(wantFiles) {
		t.Fatalf("paths = %v", paths)
	}
	for i, name := range wantFiles {
		if paths[i] != filepath.Join(dir, name) {
			t.Errorf("paths[%d] = %s, want %s", i, paths[i], name)
		}
	}
	modes := map[string]os.FileMode{PrivateKeyFile: 0o600, PrivateKeyPKCS1File: 0o600, PublicKeyFile: 0o644, PublicKeyPEMFile: 0o644}
	for name, want := range modes {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v", name, st.Mode().Perm(), want)
		}
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("created directory mode %v, want 0700", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("directory holds %d entries, want the 4 files (a temporary file left behind?)", len(entries))
	}

	// Each file reads back as what it claims to be.
	for _, name := range []string{PrivateKeyFile, PrivateKeyPKCS1File} {
		got, format, err := LoadPrivateKey(filepath.Join(dir, name))
		if err != nil || !got.Equal(key) {
			t.Errorf("%s: %v", name, err)
		}
		if name == PrivateKeyFile && format != FormatPKCS8Base64 || name == PrivateKeyPKCS1File && format != FormatPKCS1PEM {
			t.Errorf("%s format %q", name, format)
		}
	}
	for _, name := range []string{PublicKeyFile, PublicKeyPEMFile} {
		got, _, err := LoadPublicKey(filepath.Join(dir, name))
		if err != nil || !Match(key, got) {
			t.Errorf("%s: %v", name, err)
		}
	}
	console, _ := os.ReadFile(filepath.Join(dir, PublicKeyFile))
	if strings.TrimSpace(string(console)) != EncodePublicBase64(&key.PublicKey) {
		t.Error("app_public_key.txt is not the bare base64 for the console")
	}

	// A second run refuses, names the file, and changes nothing.
	before, _ := os.ReadFile(filepath.Join(dir, PrivateKeyFile))
	other, _ := Generate()
	_, err = WritePair(dir, other)
	wantMessage(t, err, filepath.Join(dir, PrivateKeyFile)+" already exists", "move it away or pick another directory", "nothing was written")
	after, _ := os.ReadFile(filepath.Join(dir, PrivateKeyFile))
	if string(before) != string(after) {
		t.Error("WritePair overwrote a private key")
	}
}

func TestWritePairRefusesAnyExistingFile(t *testing.T) {
	key := mainKey(t)
	for _, name := range []string{PrivateKeyPKCS1File, PublicKeyPEMFile} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, name), []byte("keep me"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := WritePair(dir, key)
		wantMessage(t, err, name+" already exists")
		entries, _ := os.ReadDir(dir)
		names := make([]string, 0, len(entries))
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if !slices.Equal(names, []string{name}) {
			t.Errorf("after refusing, the directory holds %v", names)
		}
	}
}

func TestWritePairLeavesNothingHalfWritten(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: a read-only directory is still writable")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	_, err := WritePair(dir, mainKey(t))
	wantMessage(t, err, "write key pair", "nothing was kept")
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("left %d files behind", len(entries))
	}
}

func TestWritePairRollsBack(t *testing.T) {
	// The third file fails once writing has started: the first two must be
	// removed again.
	dir := t.TempDir()
	calls := 0
	writeNewFile = func(path string, data []byte, mode os.FileMode) error {
		if calls++; calls == 3 {
			return errors.New("disk full")
		}
		return writeNew(path, data, mode)
	}
	defer func() { writeNewFile = writeNew }()
	_, err := WritePair(dir, mainKey(t))
	wantMessage(t, err, "write key pair: disk full (nothing was kept)")
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %d files behind", len(entries))
	}
}

func TestWriteNewNeverReplaces(t *testing.T) {
	target := filepath.Join(t.TempDir(), "taken")
	if err := os.WriteFile(target, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	wantMessage(t, writeNew(target, []byte("new"), 0o600), "appeared while writing")
	if data, _ := os.ReadFile(target); string(data) != "keep" {
		t.Error("writeNew replaced a file")
	}
	if entries, _ := os.ReadDir(filepath.Dir(target)); len(entries) != 1 {
		t.Errorf("left a temporary file behind: %d entries", len(entries))
	}
}
