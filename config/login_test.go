package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"aliauth/gateway"
)

// The AES key is read from where the setting says, and no error repeats
// the key: a typo in a key must not print the key.
func TestLoadAESKey(t *testing.T) {
	const key = "ZpQaZt0Hb4mo0kcrLkP3Sg=="
	want, err := gateway.ParseAESKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "aes_key.txt")
	if err := os.WriteFile(file, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEST_AES_KEY", key)
	for _, source := range []string{key, "  " + key + " ", "env:TEST_AES_KEY", file} {
		got, err := LoadAESKey(source)
		if err != nil || got.Fingerprint() != want.Fingerprint() {
			t.Errorf("LoadAESKey(%q): %v %v", source, got, err)
		}
	}
	bad := []struct{ source, want string }{
		{"", "--aes-key"},
		{"env:TEST_NO_SUCH_VARIABLE", "TEST_NO_SUCH_VARIABLE"},
		{filepath.Join(dir, "absent.txt"), "absent.txt"},
		{"ZpQaZt0Hb4mo0kcrLkP3", "AES key given as text"},
		{"ZpQaZt0Hb4mo0kcrLkP3SgZpQaZt0Hb4mo0kcrLkP3Sg", "bytes once decoded"},
	}
	for _, b := range bad {
		_, err := LoadAESKey(b.source)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("LoadAESKey(%q): %v, want %q", b.source, err, b.want)
			continue
		}
		if b.source != "" && !strings.Contains(b.source, "/") && strings.Contains(err.Error(), b.source) && !strings.HasPrefix(b.source, "env:") {
			t.Errorf("the error repeats the key text: %v", err)
		}
	}
}

// A redirect on another domain than the 授权回调地址 is refused with the
// setting that holds it and the way out (a tunnel); with none configured
// only the URL's form is checked.
func TestCheckRedirect(t *testing.T) {
	p := &Profile{Name: "sandbox", RedirectURI: "https://cb.example.com/alipay/callback"}
	if err := p.CheckRedirect("https://CB.example.com/other/path?x=1"); err != nil {
		t.Errorf("same domain: %v", err)
	}
	err := p.CheckRedirect("http://127.0.0.1:8080/callback")
	var mismatch *gateway.RedirectMismatchError
	if !errors.As(err, &mismatch) {
		t.Fatalf("another domain: %v", err)
	}
	for _, w := range []string{"cb.example.com", "127.0.0.1", "tunnel", "redirect_uri in profile sandbox", "ALIAUTH_REDIRECT_URI"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q lacks %q", err, w)
		}
	}
	none := &Profile{Name: "demo"}
	if err := none.CheckRedirect("http://127.0.0.1:1/cb"); err != nil {
		t.Errorf("nothing configured: %v", err)
	}
	if err := none.CheckRedirect("127.0.0.1/cb"); err == nil {
		t.Error("a redirect without a scheme passed")
	}
}

// The login settings come from the file, the variables and the flags like
// every other, and profiles reports what is wrong with them.
func TestLoginSettings(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	cfg, err := Load(writeConfig(t, dir, `
[profiles.isv]
emulator = true
redirect_uri = "https://cb.example.com/callback"
listen = "127.0.0.1:8080"
aes_key = "env:TEST_LOGIN_AES"
app_auth_token = "202611BB0123456789abcdef"
[profiles.broken]
emulator = true
redirect_uri = "cb.example.com"
listen = "8080"
aes_key = "not-a-key.txt"
app_auth_token = "env:TEST_NO_SUCH_TOKEN"
`))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Resolve(cfg, Settings{Profile: "isv", Listen: "127.0.0.1:9090"}, Settings{AppAuthToken: "from-flag"})
	if err != nil || p.RedirectURI != "https://cb.example.com/callback" || p.Listen != "127.0.0.1:9090" || p.AppAuthToken != "from-flag" || !p.Emulator {
		t.Fatalf("%+v %v", p, err)
	}
	s, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Client.AppAuthToken != "from-flag" {
		t.Errorf("the client does not act for the merchant: %q", s.Client.AppAuthToken)
	}
	// No aes_key value in the environment: the setting says where it should be.
	if _, err := s.AESKey(); err == nil || !strings.Contains(err.Error(), "TEST_LOGIN_AES") {
		t.Errorf("AES key from an unset variable: %v", err)
	}
	if _, problems := Check(cfg.Profile("isv")); len(problems) != 1 || !strings.Contains(problems[0], "TEST_LOGIN_AES") {
		t.Errorf("isv: %q", problems)
	}
	_, problems := Check(cfg.Profile("broken"))
	all := strings.Join(problems, "\n")
	for _, w := range []string{"redirect_uri", "http://", "listen \"8080\"", "aes_key", "not-a-key.txt", "TEST_NO_SUCH_TOKEN"} {
		if !strings.Contains(all, w) {
			t.Errorf("problems lack %q:\n%s", w, all)
		}
	}
	if _, err := Open(cfg.Profile("broken")); err == nil || !strings.Contains(err.Error(), "TEST_NO_SUCH_TOKEN") {
		t.Errorf("opening a profile whose token variable is unset: %v", err)
	}
}

// Against the built-in emulator the AES key is the emulator's, so its
// phone payloads open with no configuration at all.
func TestDemoSessionOpensItsOwnPhonePayloads(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	s, err := Open(&Profile{Name: DemoProfile, Emulator: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	key, err := s.AESKey()
	if err != nil {
		t.Fatal(err)
	}
	payload, err := s.PhonePayload()(context.Background(), "ok")
	if err != nil {
		t.Fatal(err)
	}
	p := s.Client.Profile()
	r, err := gateway.OpenPhone(payload, gateway.MiniKeys{AlipayPublicKey: p.AlipayPublicKey, AESKey: key})
	if err != nil || r.Mobile == "" {
		t.Fatalf("%v %+v", err, r)
	}
	code, err := s.MintAppAuthCode()(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tr, err := s.Client.AppAuthExchange(context.Background(), code)
	if err != nil || tr.AppAuth == nil || tr.AppAuth.AppAuthToken == "" {
		t.Fatalf("app authorization with a minted code: %v", err)
	}
	info, err := s.OpenUserInfoPayload()(context.Background(), "ok")
	if err != nil {
		t.Fatal(err)
	}
	if u, err := gateway.ParseOpenUserInfo(info); err != nil || u.NickName == "" {
		t.Fatalf("open user info: %v %+v", err, u)
	}
	outside := &Session{Config: &Profile{Name: "sandbox"}}
	if outside.PhonePayload() != nil || outside.MintAppAuthCode() != nil || outside.OpenUserInfoPayload() != nil {
		t.Error("payloads offered outside the emulator")
	}
}
