package doctor

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/keys"
)

// emulatorFor runs the emulator on loopback, signing with the fixtures'
// Alipay key, with the fixtures' app registered as probeApp.
func emulatorFor(t *testing.T, appPublicKey string, protocol gateway.Protocol) string {
	t.Helper()
	alipay, _, err := keys.ParsePrivateKey(read(t, "alipay_private_key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	emu, err := emulator.New(emulator.Config{AlipayKey: alipay})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	pub, _, err := keys.ParsePublicKey(read(t, appPublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.RegisterApp(probeApp, pub, gateway.RSA2); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	if protocol == gateway.V3 {
		return srv.URL
	}
	return srv.URL + "/gateway.do"
}

// probeApp is the app the emulator knows the fixtures' app by.
const probeApp = "2021000000000002"

func probeRun(t *testing.T, s Setup) *Report {
	t.Helper()
	s.AppID = probeApp
	return Run(context.Background(), s, Options{Probe: true, Local: time.UTC, Now: func() time.Time { return fixtureNow }})
}

// The probe proves the gateway takes this app's signature, over both
// protocols, and that the Alipay key verifies its answers.
func TestProbeAcceptsACorrectSetup(t *testing.T) {
	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		s := newSetup(t, publicKeyMode(), func(s *Setup) {
			s.Protocol, s.URL = protocol, emulatorFor(t, "app_public_key.txt", protocol)
		})
		r := probeRun(t, s)
		wantCheck(t, r, "signature", OK, "refused only the dummy access token (aop.invalid-auth-token)")
		wantCheck(t, r, "answer", OK, "verifies with the Alipay public key (verified)")
		for _, c := range r.Checks {
			if c.Status != OK && c.Subject != "gateway" && c.Subject != "endpoint" {
				t.Errorf("%s: %s %s: %s", protocol, c.Status, c.Subject, c.Finding)
			}
		}
	}
}

// The gateway holds another app public key than the private key's: the
// probe's invalid-signature answer is explained by comparing the strings to
// sign, which are the same.
func TestProbeDiagnosesInvalidSignature(t *testing.T) {
	s := newSetup(t, publicKeyMode(), func(s *Setup) { s.URL = emulatorFor(t, "other_public_key.txt", gateway.V2) })
	r := probeRun(t, s)
	wantCheck(t, r, "signature", Failed, "isv.invalid-signature): the strings to sign are identical, so the content is right and the key the gateway checked with does not match this private key")
}

// An Alipay key of the wrong environment: the answer does not verify.
func TestProbeCatchesTheWrongAlipayKey(t *testing.T) {
	files := publicKeyMode()
	files[SlotAlipayPublicKey] = "other_public_key.txt"
	s := newSetup(t, files, func(s *Setup) { s.URL = emulatorFor(t, "app_public_key.txt", gateway.V2) })
	r := probeRun(t, s)
	wantCheck(t, r, "signature", OK, "accepted this app's signature")
	wantCheck(t, r, "answer", Failed, "does not verify with the configured Alipay public key")
}

// With the app's own key as Alipay key the probe still runs, unverified.
func TestProbeWithTheAppKeyAsAlipayKey(t *testing.T) {
	files := publicKeyMode()
	files[SlotAlipayPublicKey] = "app_public_key.txt"
	s := newSetup(t, files, func(s *Setup) { s.URL = emulatorFor(t, "app_public_key.txt", gateway.V2) })
	r := probeRun(t, s)
	wantCheck(t, r, "signature", OK, "accepted this app's signature")
	wantCheck(t, r, "answer", Skipped, "not verified")
}

func TestProbeSkipped(t *testing.T) {
	files := publicKeyMode()
	files[SlotPrivateKey] = "app_private_key_plus_as_space.txt"
	r := probeRun(t, newSetup(t, files))
	wantCheck(t, r, "signature", Skipped, "the app private key cannot be used")
	r = Run(context.Background(), newSetup(t, publicKeyMode()), Options{Probe: true, Offline: true})
	wantCheck(t, r, "signature", Skipped, "offline")
}
