package cli

import (
	"aliauth/config"
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

func TestProfilesCommandSaysWhatIsWrongWithEach(t *testing.T) {
	dir := isolate(t)
	appPub := filepath.Join(dir, "app_pub.pem")
	run(t, "", "keys", "gen", "--dir", dir)
	if err := os.Rename(filepath.Join(dir, "app_public_key.txt"), appPub); err != nil {
		t.Fatal(err)
	}
	cfgPath := writeConfig(t, dir, `
default = "good"
[profiles.good]
app_id = "1"
private_key = "`+filepath.Join(dir, "app_private_key.txt")+`"
[profiles.missing]
app_id = "1"
private_key = "`+filepath.Join(dir, "nowhere.pem")+`"
[profiles.swapped]
app_id = "1"
private_key = "`+filepath.Join(dir, "app_private_key.txt")+`"
alipay_public_key = "`+appPub+`"
[profiles.retired]
app_id = "1"
gateway = "https://openapi.alipaydev.com/gateway.do"
private_key = "`+filepath.Join(dir, "app_private_key.txt")+`"
[profiles.wrongkind]
app_id = "1"
private_key = "`+appPub+`"
`)
	out, _, status := run(t, "", "profiles", "--config", cfgPath)
	if status != ExitUsage {
		t.Fatalf("profiles with broken ones exits %d\n%s", status, out)
	}
	section := func(name string) string {
		i := strings.Index(out, " "+name+"\n")
		if i < 0 {
			t.Fatalf("no profile %s in:\n%s", name, out)
		}
		rest := out[i+len(name)+2:]
		if j := strings.Index(rest, "\n\n"); j >= 0 {
			rest = rest[:j]
		}
		return rest
	}
	mustContain(t, "good", section("good"), "✓ ready", "production")
	mustContain(t, "missing", section("missing"), "✗", "nowhere.pem")
	mustContain(t, "swapped", section("swapped"), "✗", "app's own public key")
	mustContain(t, "retired", section("retired"), "retired", "openapi-sandbox.dl.alipaydev.com")
	mustContain(t, "wrongkind", section("wrongkind"), "✗", "public key")
	mustContain(t, "demo", section("demo"), "built-in emulator")
	if !strings.Contains(out, "* good") {
		t.Errorf("the default profile is not marked active:\n%s", out)
	}
}

func TestProfilesInitWritesAnExampleThatLoads(t *testing.T) {
	dir := isolate(t)
	path := filepath.Join(dir, "cfg", "config.toml")
	out, errOut, status := run(t, "", "profiles", "init", "--config", path)
	if status != 0 {
		t.Fatalf("init: %d %s", status, errOut)
	}
	mustContain(t, "init", out, path)
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("the example does not load: %v", err)
	}
	if cfg.Default != "demo" || cfg.Profiles["sandbox"] == nil || cfg.Profiles["production"].Protocol != "v3" || !cfg.Profiles["emulator-v3"].Emulator {
		t.Fatalf("example profiles: %+v", cfg.Profiles)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %o", info.Mode().Perm())
	}
	if _, errOut, status = run(t, "", "profiles", "init", "--config", path); status != ExitUsage || !strings.Contains(errOut, "--force") {
		t.Fatalf("init over an existing file: %d %s", status, errOut)
	}
}

func TestWorldReadableConfigWithInlineKeyIsWarned(t *testing.T) {
	dir := isolate(t)
	key, _ := os.ReadFile(testAppKey)
	path := writeConfig(t, dir, "[profiles.inline]\napp_id = \"1\"\nprivate_key = '''\n"+string(key)+"'''\n")
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, _ := run(t, "", "profiles", "--config", path)
	mustContain(t, "profiles", out, "readable by others", "chmod 600")
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, _ = run(t, "", "profiles", "--config", path)
	if strings.Contains(out, "readable by others") {
		t.Fatal("warned about a private file")
	}
}

func TestEmulatorProfilesInCertificateModeOverV2AndV3(t *testing.T) {
	dir := isolate(t)
	cfg := writeConfig(t, dir, `
[profiles.cert-v2]
emulator = true
cert_mode = true
[profiles.cert-v3]
emulator = true
cert_mode = true
protocol = "v3"
`)
	for _, profile := range []string{"cert-v2", "cert-v3"} {
		code, _, status := run(t, "", "emulator", "code")
		if status != 0 {
			t.Fatal("emulator code failed")
		}
		out, errOut, status := run(t, "", "exchange", strings.TrimSpace(code), "--config", cfg, "--profile", profile, "-v")
		if status != 0 {
			t.Fatalf("%s: exit %d\n%s%s", profile, status, out, errOut)
		}
		mustContain(t, profile, out, "✓ success · signature verified", "cert SN")
		if profile == "cert-v2" {
			mustContain(t, profile, out, "app_cert_sn=", "alipay_root_cert_sn=")
		} else {
			mustContain(t, profile, out, "authorization: ALIPAY-SHA256withRSA app_id=", ",app_cert_sn=", "alipay-root-cert-sn")
		}
	}
}
