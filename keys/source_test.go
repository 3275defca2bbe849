package keys

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadPrivateKeyFromEverySource(t *testing.T) {
	want := mainKey(t)
	dir := t.TempDir()
	for name, tc := range privateVariants(t) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.NewReplacer(" ", "_", "/", "_", "\\", "_").Replace(name))
			if err := os.WriteFile(path, []byte(tc.data), 0o600); err != nil {
				t.Fatal(err)
			}
			key, format, err := LoadPrivateKey(path)
			if err != nil || format != tc.format || !key.Equal(want) {
				t.Fatalf("file: format %q, err %v", format, err)
			}
			if strings.ContainsRune(tc.data, 0) {
				return // environment variables cannot hold NUL (DER)
			}
			t.Setenv("ALIAUTH_TEST_KEY", tc.data)
			key, format, err = LoadPrivateKey("env:ALIAUTH_TEST_KEY")
			if err != nil || format != tc.format || !key.Equal(want) {
				t.Fatalf("env: format %q, err %v", format, err)
			}
		})
	}
	for _, name := range []string{"rsa2048_pkcs8.txt", "rsa2048_pkcs1.txt", "rsa2048_pkcs8.pem", "rsa2048_pkcs1.pem"} {
		t.Run("inline "+name, func(t *testing.T) {
			key, _, err := LoadPrivateKey(string(fixture(t, name)))
			if err != nil || !key.Equal(want) {
				t.Fatalf("inline: %v", err)
			}
		})
	}
}

func TestLoadPublicKeyFromEverySource(t *testing.T) {
	want := &mainKey(t).PublicKey
	for _, name := range []string{"rsa2048_public.txt", "rsa2048_public.pem", "rsa2048_public.der", "rsa2048_public_pkcs1.pem", "rsa2048_cert.pem", "rsa2048_cert.der"} {
		t.Run(name, func(t *testing.T) {
			key, _, err := LoadPublicKey(filepath.Join("testdata", name))
			if err != nil || !key.Equal(want) {
				t.Fatalf("file: %v", err)
			}
			data := fixture(t, name)
			if strings.HasSuffix(name, ".der") {
				return
			}
			t.Setenv("ALIAUTH_TEST_PUB", string(data))
			if key, _, err = LoadPublicKey("env:ALIAUTH_TEST_PUB"); err != nil || !key.Equal(want) {
				t.Fatalf("env: %v", err)
			}
			if key, _, err = LoadPublicKey(string(data)); err != nil || !key.Equal(want) {
				t.Fatalf("inline: %v", err)
			}
		})
	}
}

func TestLoadErrorsNameTheSource(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	public := write("alipay_public_key.txt", string(fixture(t, "rsa2048_public.txt")))
	private := write("app_private_key.txt", string(fixture(t, "rsa2048_pkcs8.txt")))
	empty := write("empty.txt", "")
	garbage := write("notes.txt", "remember to rotate the keys!\n")
	big := write("big.bin", strings.Repeat("A", maxSourceSize+10))
	t.Setenv("ALIAUTH_TEST_EMPTY", "")
	t.Setenv("ALIAUTH_TEST_PATH", public)
	os.Unsetenv("ALIAUTH_TEST_UNSET")

	tests := []struct {
		name  string
		load  func() error
		is    error
		parts []string
	}{
		{"public key as private key", loadPriv(public), ErrWrongKind,
			[]string{`read private key file "` + public + `": this is a public key (PKIX base64); pass the app private key`}},
		{"private key as public key", loadPub(private), ErrWrongKind,
			[]string{`read public key file "` + private + `": this is a private key (PKCS#8 base64), where a public key is needed`}},
		{"certificate as private key", loadPriv("testdata/rsa2048_cert.pem"), ErrWrongKind,
			[]string{`read private key file "testdata/rsa2048_cert.pem": this is a certificate`}},
		{"missing file", loadPriv(filepath.Join(dir, "nope.txt")), fs.ErrNotExist,
			[]string{`read private key file "` + filepath.Join(dir, "nope.txt") + `": no such file; check the path`}},
		{"missing relative file", loadPriv("keys/nope.txt"), fs.ErrNotExist,
			[]string{`read private key file "keys/nope.txt": no such file; check the path (relative paths start from `}},
		{"directory", loadPriv(dir), ErrNotKey, []string{`read private key file "` + dir + `": it is a directory`}},
		{"empty file", loadPriv(empty), ErrNotKey, []string{`read private key file "` + empty + `": it is empty`}},
		{"garbage file", loadPriv(garbage), ErrNotKey, []string{`file "` + garbage + `": not a key: expected base64`}},
		{"huge file", loadPriv(big), ErrNotKey, []string{"larger than", "the right file"}},
		{"env not set", loadPriv("env:ALIAUTH_TEST_UNSET"), ErrEnvNotSet,
			[]string{"read private key from environment variable ALIAUTH_TEST_UNSET: it is not set; export ALIAUTH_TEST_UNSET with the key text"}},
		{"env empty", loadPriv("env:ALIAUTH_TEST_EMPTY"), ErrEnvNotSet, []string{"environment variable ALIAUTH_TEST_EMPTY: it is set but empty"}},
		{"env bad name", loadPriv("env:"), ErrEnvNotSet, []string{"write env:NAME"}},
		{"env holding a path to the wrong kind", loadPriv("env:ALIAUTH_TEST_PATH"), ErrWrongKind,
			[]string{`file "` + public + `" (named by environment variable ALIAUTH_TEST_PATH): this is a public key`}},
		{"inline truncated", loadPriv(strings.TrimSpace(string(fixture(t, "rsa2048_pkcs8.txt")))[:400]), ErrNotKey,
			[]string{"read private key given inline: it is cut short"}},
		{"inline public PEM as private", loadPriv(string(fixture(t, "rsa2048_public.pem"))), ErrWrongKind,
			[]string{"read private key given inline: this is a public key (PKIX PEM)"}},
		{"empty source", loadPriv("  "), ErrNotKey, []string{"no key given; pass a file path, env:NAME"}},
		{"certificate from key file", func() error { _, err := LoadCertificate(private); return err }, ErrWrongKind,
			[]string{`read certificate file "` + private + `": this is a private key (PKCS#8 base64), not a certificate`, "alipayCertPublicKey_RSA2.crt"}},
		{"root SN from missing file", func() error { _, err := LoadRootCertSN("alipayRootCert.crt"); return err }, fs.ErrNotExist,
			[]string{`read root certificate file "alipayRootCert.crt": no such file`}},
	}
	secret := string(fixture(t, "rsa2048_pkcs8.txt"))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.load()
			wantMessage(t, err, tc.parts...)
			if !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
			noSecret(t, err.Error(), secret)
		})
	}
}

func loadPriv(source string) func() error {
	return func() error { _, _, err := LoadPrivateKey(source); return err }
}

func loadPub(source string) func() error {
	return func() error { _, _, err := LoadPublicKey(source); return err }
}

func TestLoadUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: every file is readable")
	}
	path := filepath.Join(t.TempDir(), "app_private_key.txt")
	if err := os.WriteFile(path, fixture(t, "rsa2048_pkcs8.txt"), 0o000); err != nil {
		t.Fatal(err)
	}
	_, _, err := LoadPrivateKey(path)
	wantMessage(t, err, `read private key file "`+path+`": permission denied`, "chmod 600")
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("not fs.ErrPermission: %v", err)
	}
}

func TestReadSource(t *testing.T) {
	pkcs8 := strings.TrimSpace(string(fixture(t, "rsa2048_pkcs8.txt")))
	t.Setenv("ALIAUTH_TEST_KEY", pkcs8)
	t.Setenv("HOME", "testdata")
	tests := []struct {
		source, describe string
	}{
		{"env:ALIAUTH_TEST_KEY", "environment variable ALIAUTH_TEST_KEY"},
		{"testdata/rsa2048_pkcs8.txt", `file "testdata/rsa2048_pkcs8.txt"`},
		{"~/rsa2048_pkcs8.txt", `file "~/rsa2048_pkcs8.txt"`},
		{pkcs8, "inline key"},
		{`"` + pkcs8 + `"`, "inline key"},
		{string(fixture(t, "rsa2048_pkcs8.pem")), "inline key"},
	}
	for _, tc := range tests {
		data, describe, err := ReadSource(tc.source)
		if err != nil {
			t.Errorf("ReadSource(%.30q): %v", tc.source, err)
			continue
		}
		if describe != tc.describe {
			t.Errorf("ReadSource(%.30q) describe = %q, want %q", tc.source, describe, tc.describe)
		}
		if len(data) == 0 {
			t.Errorf("ReadSource(%.30q) read nothing", tc.source)
		}
	}
	_, describe, err := ReadSource("no/such/app.key")
	wantMessage(t, err, `read file "no/such/app.key": no such file; check the path`)
	if describe != `file "no/such/app.key"` {
		t.Errorf("describe = %q", describe)
	}
	_, _, err = ReadSource("env:ALIAUTH_TEST_UNSET_TOO")
	wantMessage(t, err, "read environment variable ALIAUTH_TEST_UNSET_TOO: it is not set")
}

func TestLooksLikeKeyText(t *testing.T) {
	for _, s := range []string{"app.key", "/etc/aliauth/app_private_key.txt", "keys/MIIEvQ", `C:\keys\app.pem`, "MIIE" + strings.Repeat("A", 40)} {
		if looksLikeKeyText(s) {
			t.Errorf("looksLikeKeyText(%q) = true, want a path", s)
		}
	}
	for _, s := range []string{"MIIE" + strings.Repeat("A/+b", 20), "-----BEGIN PUBLIC KEY-----", "abc\ndef"} {
		if !looksLikeKeyText(s) {
			t.Errorf("looksLikeKeyText(%.20q) = false, want key text", s)
		}
	}
}
