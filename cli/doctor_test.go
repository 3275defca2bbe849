package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"aliauth/doctor"
)

// setupFixtures are the doctor's key and certificate fixtures, relative to
// this package, as a user would write them in a profile.
const setupFixtures = "../doctor/testdata/setup/"

// seedEmulator gives the demo emulator the fixtures' keys, so its report
// reads the same on every run.
func seedEmulator(t *testing.T, dir string) {
	t.Helper()
	emu := filepath.Join(dir, "data", "aliauth", "emulator")
	if err := os.MkdirAll(emu, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"app_private_key.pem", "alipay_private_key.pem"} {
		data, err := os.ReadFile(setupFixtures + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(emu, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// pinNow judges certificates at the fixtures' moment for the test.
func pinNow(t *testing.T) {
	t.Helper()
	saved := now
	now = func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }
	t.Cleanup(func() { now = saved })
}

var (
	loopbackPort = regexp.MustCompile(`127\.0\.0\.1:\d+`)
)

// The doctor's reports as golden files (go test ./cli -run TestGoldenDoctor
// -update rewrites them): the demo profile with the probe, a profile with
// the common mistakes, and code of a user's own.
func TestGoldenDoctor(t *testing.T) {
	pinNow(t)
	tests := []struct {
		name   string
		config string
		args   []string
		status int
	}{
		{"demo_probe", "", []string{"doctor", "--probe"}, ExitOK},
		{"broken_profile", `
[profiles.broken]
gateway = "https://openapi.alipay.com/gateway.do"
app_id = "9021000000000001"
private_key = "` + setupFixtures + `app_private_key_pkcs1_as_pkcs8.pem"
alipay_public_key = "` + setupFixtures + `app_public_key.txt"
app_cert = "` + setupFixtures + `appCertPublicKey_expired.crt"
alipay_cert = "` + setupFixtures + `alipayCertPublicKey_other_ca.crt"
alipay_root_cert = "` + setupFixtures + `alipayRootCert.crt"
`, []string{"doctor", "--profile", "broken", "--offline"}, ExitDoctorErrors},
		{"warnings_only", `
[profiles.sandbox]
gateway = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
app_id = "2021000000000001"
private_key = "` + setupFixtures + `app_private_key.txt"
`, []string{"doctor", "--profile", "sandbox", "--offline", "--app-public-key", setupFixtures + "app_public_key.txt"}, ExitDoctorWarnings},
		{"from_java_demo", "", []string{"doctor", "--from", "../doctor/testdata/code/AlipayDemo.java", "--offline"}, ExitOK},
		{"from_env", "", []string{"doctor", "--from", "../doctor/testdata/code/.env", "--offline"}, ExitDoctorErrors},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := isolate(t)
			seedEmulator(t, dir)
			if tc.config != "" {
				t.Setenv("ALIAUTH_CONFIG", writeConfig(t, dir, tc.config))
			}
			out, errOut, status := run(t, "", tc.args...)
			if status != tc.status {
				t.Errorf("exit %d, want %d; stderr %s", status, tc.status, errOut)
			}
			out = loopbackPort.ReplaceAllString(out, "127.0.0.1:PORT")
			out = strings.ReplaceAll(out, dir, "$HOME")
			golden.RequireEqual(t, out)
		})
	}
}

func TestDoctorJSON(t *testing.T) {
	isolate(t)
	out, _, status := run(t, "", "doctor", "--json", "--offline", "--from", "../doctor/testdata/code/application.yml")
	if status != ExitDoctorErrors {
		t.Errorf("exit %d", status)
	}
	var r doctor.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if r.Worst() != doctor.Failed || !strings.Contains(out, `"status": "error"`) || !strings.Contains(out, `"group": "environment"`) {
		t.Errorf("report %+v", r)
	}
}

func TestDoctorUsage(t *testing.T) {
	isolate(t)
	_, errOut, status := run(t, "", "doctor", "--from", "nowhere.java")
	if status != ExitUsage {
		t.Errorf("a missing file exits %d", status)
	}
	mustContain(t, "stderr", errOut, "--from: open nowhere.java")
	_, errOut, status = run(t, "", "doctor", "--from", "x.js", "--profile", "demo")
	if status != ExitUsage {
		t.Errorf("--from with --profile exits %d", status)
	}
	mustContain(t, "stderr", errOut, "give one of them")
	_, errOut, _ = run(t, "", "doctor", "--from", "../doctor/doctor.go")
	mustContain(t, "stderr", errOut, "no Alipay configuration found")
}
