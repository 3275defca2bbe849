package emulator_test

import (
	"context"
	"crypto/rsa"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/keys"
)

// certDir is a directory for a certificate-mode emulator, seeded with a test
// key for its root CA so no key is generated.
func certDir(t *testing.T) string {
	t.Helper()
	loadTestKeys(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "root_ca_key.pem"), keys.EncodePrivatePKCS8PEM(rootKey), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// certSNs are the serial numbers a client computes from the emulator's
// certificate files, the way the official SDKs do.
type certSNs struct{ app, alipay, root string }

func loadCertSNs(t *testing.T, e *emulator.Emulator, appID string) certSNs {
	t.Helper()
	paths, ok := e.CertPaths(appID)
	if !ok {
		t.Fatal("CertPaths: not in certificate mode")
	}
	for _, p := range []string{paths.AppCert, paths.AlipayCert, paths.AlipayRootCert} {
		if _, err := os.Stat(p); err != nil {
			t.Fatal(err)
		}
	}
	appCert, err := keys.LoadCertificate(paths.AppCert)
	if err != nil {
		t.Fatal(err)
	}
	alipayCert, err := keys.LoadCertificate(paths.AlipayCert)
	if err != nil {
		t.Fatal(err)
	}
	root, err := keys.LoadRootCertSN(paths.AlipayRootCert)
	if err != nil {
		t.Fatal(err)
	}
	app, _ := e.App(appID)
	if pub, ok := appCert.PublicKey.(*rsa.PublicKey); !ok || !pub.Equal(app.PublicKey) {
		t.Fatal("the app certificate does not certify the app's key")
	}
	if pub, ok := alipayCert.PublicKey.(*rsa.PublicKey); !ok || !pub.Equal(e.AlipayPublicKey()) {
		t.Fatal("the Alipay certificate does not certify the emulator's Alipay key")
	}
	return certSNs{app: keys.CertSN(appCert), alipay: keys.CertSN(alipayCert), root: root}
}

func certProfile(sn certSNs) func(*gateway.Profile) {
	return func(p *gateway.Profile) {
		p.AppCertSN, p.AlipayCertSN, p.AlipayRootCertSN = sn.app, sn.alipay, sn.root
	}
}

func TestCertMode(t *testing.T) {
	dir := certDir(t)
	e := newEmulator(t, emulator.Config{CertMode: true, Dir: dir})
	s := serve(t, e)
	sn := loadCertSNs(t, e, emulator.DemoAppID)
	if app, _ := e.App(emulator.DemoAppID); app.CertSN != sn.app {
		t.Fatalf("the emulator expects app_cert_sn %s, the certificate file gives %s", app.CertSN, sn.app)
	}
	if len(sn.root) != 32 || strings.Contains(sn.root, "_") {
		t.Fatalf("root SN %q: the bundle's ECDSA root must be skipped, its RSA root counted", sn.root)
	}
	ready, err := s.Ready(emulator.DemoAppID)
	if err != nil || ready.CertPaths == nil || ready.AppCert == "" {
		t.Fatalf("the ready line names no certificates: %+v %v", ready, err)
	}

	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		t.Run(string(protocol), func(t *testing.T) {
			c := newClient(t, s, protocol, certProfile(sn))
			tr, err := c.Exchange(context.Background(), mint(t, e, emulator.DemoAppID, ""))
			if err != nil {
				t.Fatalf("exchange: %v", err)
			}
			if tr.Verification.Status != gateway.Verified || tr.Verification.CertSN != sn.alipay {
				t.Fatalf("verification %s, cert SN %q want %q: %s", tr.Verification.Status, tr.Verification.CertSN, sn.alipay, tr.Verification.Detail)
			}
			if protocol == gateway.V2 {
				if tr.Request.Params["app_cert_sn"] != sn.app || tr.Request.Params["alipay_root_cert_sn"] != sn.root {
					t.Fatalf("request params %v", tr.Request.Params)
				}
				w := parseWire(t, tr.Response.Body)
				if w.CertSN != sn.alipay {
					t.Fatalf("alipay_cert_sn %q, want %q: %s", w.CertSN, sn.alipay, tr.Response.Body)
				}
				mustVerify(t, w, e.AlipayPublicKey(), gateway.RSA2)
			} else if got := tr.Response.Headers["alipay-sn"]; got != sn.alipay {
				t.Fatalf("alipay-sn %q, want %q", got, sn.alipay)
			}
			if _, err := c.UserInfo(context.Background(), tr.Tokens.AccessToken); err != nil {
				t.Fatalf("user info: %v", err)
			}
		})
	}

	wrong := "0123456789abcdef0123456789abcdef"
	cases := []struct {
		name     string
		protocol gateway.Protocol
		edit     func(*certSNs)
		code     string
	}{
		{"wrong app_cert_sn", gateway.V2, func(s *certSNs) { s.app = wrong }, "isv.app-cert-not-exist"},
		{"wrong alipay_root_cert_sn", gateway.V2, func(s *certSNs) { s.root = wrong }, "isv.invalid-alipay-root-cert-sn"},
		// v3 drops the isv. prefix of gateway-level codes.
		{"wrong app_cert_sn (v3)", gateway.V3, func(s *certSNs) { s.app = wrong }, "app-cert-not-exist"},
		{"wrong alipay-root-cert-sn (v3)", gateway.V3, func(s *certSNs) { s.root = wrong }, "invalid-alipay-root-cert-sn"},
		{"the real bundle's two SNs, one of them ours", gateway.V2, func(s *certSNs) { s.root = wrong + "_" + s.root }, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bad := sn
			tc.edit(&bad)
			c := newClient(t, s, tc.protocol, certProfile(bad))
			tr, err := c.Exchange(context.Background(), mint(t, e, emulator.DemoAppID, ""))
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var apiErr *gateway.APIError
			if !errors.As(err, &apiErr) || (apiErr.SubCode != tc.code && apiErr.Code != tc.code) {
				t.Fatalf("error %v, want %s", err, tc.code)
			}
			if tr.Verification.Status != gateway.Verified || tr.Outcome != gateway.OutcomeGatewayError {
				t.Fatalf("verification %s outcome %s", tr.Verification.Status, tr.Outcome)
			}
		})
	}

	// Missing SNs are missing parameters (40001), on the wire.
	for _, missing := range []string{"app_cert_sn", "alipay_root_cert_sn"} {
		t.Run("missing "+missing, func(t *testing.T) {
			params := v2Params(emulator.DemoAppID, gateway.MethodOAuthToken, time.Now(), map[string]string{
				"grant_type": "authorization_code", "code": mint(t, e, emulator.DemoAppID, ""),
				"app_cert_sn": sn.app, "alipay_root_cert_sn": sn.root,
			})
			delete(params, missing)
			w := parseWire(t, callV2(t, s, appKey, params).Body)
			mustVerify(t, w, e.AlipayPublicKey(), gateway.RSA2)
			n := decodeNode(t, w.Content)
			if n.str("code") != "40001" || n.str("sub_code") != "isv.missing-"+strings.ReplaceAll(missing, "_", "-") {
				t.Fatalf("answer %s", w.Content)
			}
		})
	}

	t.Run("unknown app is unsigned and names no certificate", func(t *testing.T) {
		params := v2Params("2021009999999999", gateway.MethodOAuthToken, time.Now(), map[string]string{"grant_type": "authorization_code", "code": "x"})
		w := parseWire(t, callV2(t, s, appKey, params).Body)
		if w.HasSign || w.CertSN != "" {
			t.Fatalf("answer for an unknown app: sign %v cert SN %q", w.HasSign, w.CertSN)
		}
	})

	t.Run("a registered app gets its own certificate", func(t *testing.T) {
		registerOther(t, e, gateway.RSA2)
		other := loadCertSNs(t, e, otherAppID)
		if other.app == sn.app || other.alipay != sn.alipay || other.root != sn.root {
			t.Fatalf("SNs %+v vs the demo app's %+v", other, sn)
		}
		c := newClient(t, s, gateway.V2, certProfile(other), func(p *gateway.Profile) { p.AppID, p.PrivateKey = otherAppID, otherKey })
		if _, err := c.Exchange(context.Background(), mint(t, e, otherAppID, "")); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a restart keeps the certificates", func(t *testing.T) {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		again := newEmulator(t, emulator.Config{CertMode: true, Dir: dir})
		if got := loadCertSNs(t, again, emulator.DemoAppID); got != sn {
			t.Fatalf("SNs after a restart %+v, before %+v", got, sn)
		}
		if app, ok := again.App(otherAppID); !ok || app.CertSN != loadCertSNs(t, again, otherAppID).app {
			t.Fatal("the registered app's certificate after a restart")
		}
	})
}

// Without a directory, certificate mode keeps its certificates (and its
// root CA key) in a temporary directory while it runs, and removes it on
// Close rather than leaving keys behind in the system's temporary files.
func TestCertModeWithoutDirCleansUp(t *testing.T) {
	loadTestKeys(t)
	e, err := emulator.New(emulator.Config{CertMode: true, AlipayKey: alipayKey, DemoAppKey: appKey})
	if err != nil {
		t.Fatal(err)
	}
	paths, ok := e.CertPaths(emulator.DemoAppID)
	if !ok {
		t.Fatal("not in certificate mode")
	}
	sn := loadCertSNs(t, e, emulator.DemoAppID)
	if app, _ := e.App(emulator.DemoAppID); app.CertSN != sn.app {
		t.Fatal("app SN")
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(paths.AppCert)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the temporary certificate directory outlives the emulator: %v", err)
	}
}
