package config

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"aliauth/doctor"
)

// The doctor is told where each piece came from, in the names of the
// setting, the variable or the flag that gave it, and a broken profile is
// read rather than refused.
func TestSetupNamesWhereEachPieceCameFrom(t *testing.T) {
	dir := t.TempDir()
	keysDir, _ := filepath.Abs(filepath.Join("..", "doctor", "testdata", "setup"))
	cfgPath := writeConfig(t, dir, `
[profiles.sandbox]
gateway = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
app_id = "9021000000000001"
private_key = "`+filepath.Join(keysDir, "app_private_key.txt")+`"
alipay_public_key = "`+filepath.Join(keysDir, "app_public_key.txt")+`"
`)
	t.Setenv(EnvConfig, cfgPath)
	t.Setenv("ALIAUTH_ALIPAY_PUBLIC_KEY", "")
	l, err := NewLoader("", Settings{AppCert: filepath.Join(dir, "missing.crt")})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s, err := l.Setup("sandbox")
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "profile sandbox" || s.AppIDSource != "app_id of profile sandbox" || s.URLSource != "gateway of profile sandbox" {
		t.Errorf("setup %+v", s)
	}
	sources := map[doctor.Slot]string{}
	for _, m := range s.Material {
		sources[m.Slot] = m.Source
	}
	if !strings.HasSuffix(sources[doctor.SlotPrivateKey], "app_private_key.txt\", private_key of profile sandbox") ||
		!strings.HasSuffix(sources[doctor.SlotAppCert], "missing.crt\", from --app-cert") {
		t.Errorf("sources %q", sources)
	}
	r := doctor.Run(context.Background(), s, doctor.Options{Offline: true})
	for _, want := range []string{"the app's own public key", "no such file"} {
		found := false
		for _, c := range r.Checks {
			found = found || c.Status == doctor.Failed && strings.Contains(c.Finding, want)
		}
		if !found {
			t.Errorf("no failed check holding %q", want)
		}
	}
}

// The built-in emulator's demo profile passes the doctor clean, probe and
// all, over both protocols and in certificate mode.
func TestDemoProfilePassesTheDoctor(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv(EnvConfig, writeConfig(t, t.TempDir(), `
[profiles.v3certs]
emulator = true
protocol = "v3"
cert_mode = true
`))
	for _, name := range []string{DemoProfile, "v3certs"} {
		l, err := NewLoader("", Settings{})
		if err != nil {
			t.Fatal(err)
		}
		s, err := l.Setup(name)
		if err != nil {
			t.Fatal(err)
		}
		r := doctor.Run(context.Background(), s, doctor.Options{Probe: true})
		if r.Worst() != doctor.OK {
			t.Errorf("%s is not clean:", name)
			for _, c := range r.Checks {
				t.Errorf("  %s %s: %s", c.Status.Mark(), c.Subject, c.Finding)
			}
		}
		if n := r.Counts(); n[doctor.Skipped] > 0 || n[doctor.OK] < 9 {
			t.Errorf("%s: counts %v", name, n)
		}
		l.Close()
	}
}
