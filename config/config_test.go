package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeConfig(t testing.TB, dir, text string) string {
	t.Helper()
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestProfilePrecedenceConfigThenEnvThenFlags(t *testing.T) {
	dir := t.TempDir()
	cfgPath := writeConfig(t, dir, `
default = "sandbox"
[profiles.sandbox]
gateway = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
app_id = "from-config"
charset = "GBK"
sign_type = "RSA"
[profiles.other]
app_id = "other"
`)
	cfg, err := Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Resolve(cfg, Settings{}, Settings{})
	if err != nil || p.Name != "sandbox" || p.AppID != "from-config" || p.Charset != "GBK" {
		t.Fatalf("config default: %+v %v", p, err)
	}
	p, _ = Resolve(cfg, Settings{AppID: "from-env", Charset: "utf-8"}, Settings{})
	if p.AppID != "from-env" || p.Charset != "utf-8" || p.SignType != "RSA" {
		t.Fatalf("env over config: %+v", p)
	}
	p, _ = Resolve(cfg, Settings{AppID: "from-env"}, Settings{AppID: "from-flag"})
	if p.AppID != "from-flag" {
		t.Fatalf("flag over env: %+v", p)
	}
	p, _ = Resolve(cfg, Settings{Profile: "other"}, Settings{})
	if p.Name != "other" {
		t.Fatalf("ALIAUTH_PROFILE over default: %+v", p)
	}
	p, _ = Resolve(cfg, Settings{Profile: "other"}, Settings{Profile: "demo"})
	if p.Name != "demo" || !p.Emulator {
		t.Fatalf("--profile over ALIAUTH_PROFILE: %+v", p)
	}
	p, _ = Resolve(cfg, Settings{}, Settings{AppID: "2021", PrivateKey: "k.pem", Gateway: "https://gw.example/gateway.do"})
	if p.Name != "custom" || p.Charset != "" || p.SignType != "" {
		t.Fatalf("a whole connection given by flags is not the default profile: %+v", p)
	}
	empty := &File{}
	if p, _ = Resolve(empty, Settings{}, Settings{Protocol: "v3"}); !p.Emulator || p.Protocol != "v3" {
		t.Fatalf("tuning flags keep the demo emulator: %+v", p)
	}
	if p, _ = Resolve(empty, Settings{}, Settings{AppID: "x"}); p.Emulator {
		t.Fatalf("an app id makes an ad-hoc profile, not the emulator: %+v", p)
	}
}

func TestConfigFileErrorsNameTheFileAndTheFix(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		"default = \"nope\"\n[profiles.a]\napp_id = \"1\"\n": `default profile "nope" is not defined`,
		"[profiles.a]\napp_idd = \"1\"\n":                    "unknown setting profiles.a.app_idd",
		"[profiles.a\n":                                      "line 2",
	}
	for text, want := range cases {
		path := writeConfig(t, dir, text)
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
			t.Errorf("config %q: error %v, want %q and the path", text, err, want)
		}
	}
	if _, err := Load(filepath.Join(dir, "absent.toml")); err == nil || !strings.Contains(err.Error(), "profiles init") {
		t.Errorf("missing explicit config: %v", err)
	}
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "nothing"))
	t.Setenv(EnvConfig, "")
	if cfg, err := Load(""); err != nil || cfg.Path != "" {
		t.Errorf("missing default config should mean no profiles: %v", err)
	}
}

// The libraries say what is missing; config says how to supply it, by
// flag, variable and profile setting.
func TestMissingSettingsAreWordedWithFlagVariableAndSetting(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	cases := []struct {
		profile Profile
		want    []string
	}{
		{Profile{Name: "p", Gateway: "https://openapi.alipay.com/gateway.do"}, []string{"no app id", "--app-id", "ALIAUTH_APP_ID", "app_id"}},
		{Profile{Name: "p", AppID: "2021"}, []string{"no app private key", "--private-key", "ALIAUTH_PRIVATE_KEY", "private_key"}},
		{Profile{Name: "p", AppID: "2021", PrivateKey: "../gateway/testdata/app_private_key.pem", AlipayCert: "../../shared/testdata/alipay-certs/alipayPublicCert.crt"},
			[]string{"certificate mode", "--app-cert", "--alipay-root-cert", "alipay_root_cert"}},
		{Profile{Name: "p", Protocol: "v3", SignType: "RSA", AppID: "2021", PrivateKey: "../gateway/testdata/app_private_key.pem"}, []string{"--sign-type RSA2"}},
	}
	for _, c := range cases {
		_, err := Open(&c.profile)
		if err == nil {
			t.Errorf("%+v opened", c.profile)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
	}
}
