package doctor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
)

// read returns a fixture of testdata/setup.
func read(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "setup", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// slots configures a setup's material from fixture files.
type slots map[Slot]string

// publicKeyMode is a correct setup in public key mode.
func publicKeyMode() slots {
	return slots{SlotPrivateKey: "app_private_key.txt", SlotAppPublicKey: "app_public_key.txt", SlotAlipayPublicKey: "alipay_public_key.txt"}
}

// certMode is a correct setup in certificate mode.
func certMode() slots {
	return slots{SlotPrivateKey: "app_private_key.txt", SlotAppCert: "appCertPublicKey_2021000000000001.crt",
		SlotAlipayCert: "alipayCertPublicKey_RSA2.crt", SlotRootCert: "alipayRootCert.crt"}
}

func newSetup(t testing.TB, files slots, edit ...func(*Setup)) Setup {
	t.Helper()
	s := Setup{Name: "test", Protocol: gateway.V2, URL: gateway.ProductionGateway, AppID: "2021000000000001", Reader: ReaderAliauth}
	for _, slot := range slotOrder {
		if name, ok := files[slot]; ok {
			s.Material = append(s.Material, Material{Slot: slot, Source: "file " + name, Data: read(t, name)})
		}
	}
	for _, f := range edit {
		f(&s)
	}
	return s
}

// offline runs the doctor without the network, judging certificates at the
// fixtures' moment.
func offline(t testing.TB, s Setup) *Report {
	t.Helper()
	return Run(context.Background(), s, Options{Offline: true, Now: func() time.Time { return fixtureNow }, Local: time.UTC})
}

// find returns the first check of subject whose finding holds want.
func find(r *Report, subject, want string) (Check, bool) {
	for _, c := range r.Checks {
		if c.Subject == subject && strings.Contains(c.Finding, want) {
			return c, true
		}
	}
	return Check{}, false
}

// wantCheck fails unless the report has a check of subject with the status
// whose finding holds want.
func wantCheck(t testing.TB, r *Report, subject string, status Status, want string) {
	t.Helper()
	c, ok := find(r, subject, want)
	if !ok {
		t.Errorf("no %s check holding %q; the report:\n%s", subject, want, dump(r))
		return
	}
	if c.Status != status {
		t.Errorf("%s %q: status %s, want %s", subject, want, c.Status, status)
	}
}

// clean fails if any check warns or fails.
func clean(t testing.TB, r *Report) {
	t.Helper()
	if r.Worst() != OK {
		t.Errorf("a correct setup is not clean:\n%s", dump(r))
	}
}

func dump(r *Report) string {
	var b strings.Builder
	for _, c := range r.Checks {
		b.WriteString("  " + c.Status.Mark() + " " + c.Group + "/" + c.Subject + ": " + c.Finding)
		if c.Fix != "" {
			b.WriteString(" → " + c.Fix)
		}
		b.WriteString("\n")
	}
	return b.String()
}
