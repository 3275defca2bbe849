package doctor

import (
	"testing"

	"aliauth/gateway"
)

func TestCorrectSetupsAreClean(t *testing.T) {
	for name, files := range map[string]slots{"public key mode": publicKeyMode(), "certificate mode": certMode()} {
		t.Run(name, func(t *testing.T) {
			r := offline(t, newSetup(t, files))
			clean(t, r)
			if n := r.Counts(); n[OK] < 5 || n[Skipped] != 1 {
				t.Errorf("counts %v:\n%s", n, dump(r))
			}
		})
	}
	r := offline(t, newSetup(t, certMode()))
	wantCheck(t, r, string(SlotAppCert), OK, "app_cert_sn ")
	wantCheck(t, r, string(SlotRootCert), OK, "alipay_root_cert_sn ")
	wantCheck(t, r, string(SlotAlipayCert), OK, "chains to a root")
	wantCheck(t, r, string(SlotAppCert), OK, "belongs to the app private key")
}

// Every real-world mistake has a fixture, and the check for it fires.
func TestMistakes(t *testing.T) {
	sandbox := func(s *Setup) { s.URL = gateway.SandboxGateway }
	java := func(s *Setup) { s.Reader = ReaderJava }
	with := func(files slots, slot Slot, name string) slots {
		out := slots{}
		for k, v := range files {
			out[k] = v
		}
		if name == "" {
			delete(out, slot)
		} else {
			out[slot] = name
		}
		return out
	}
	tests := []struct {
		name    string
		setup   Setup
		subject string
		status  Status
		want    string
	}{
		{"the app key as Alipay key", newSetup(t, with(publicKeyMode(), SlotAlipayPublicKey, "app_public_key.txt")),
			string(SlotAlipayPublicKey), Failed, "the app's own public key"},
		{"the app key as Alipay key, without the app public key", newSetup(t, with(with(publicKeyMode(), SlotAlipayPublicKey, "app_public_key.txt"), SlotAppPublicKey, "")),
			string(SlotAlipayPublicKey), Failed, "public half of the app private key"},
		{"PKCS#1 pasted as PKCS#8", newSetup(t, with(publicKeyMode(), SlotPrivateKey, "app_private_key_pkcs1_as_pkcs8.pem")),
			string(SlotPrivateKey), Warning, "says PRIVATE KEY (PKCS#8) but the block holds a PKCS#1 private key"},
		{"PKCS#1 pasted as PKCS#8, read by Java", newSetup(t, with(publicKeyMode(), SlotPrivateKey, "app_private_key_pkcs1_as_pkcs8.pem"), java),
			string(SlotPrivateKey), Failed, "says PRIVATE KEY (PKCS#8)"},
		{"PKCS#1 for the Java SDK", newSetup(t, with(publicKeyMode(), SlotPrivateKey, "app_private_key_pkcs1.txt"), java),
			string(SlotPrivateKey), Failed, "PKCS#8 only"},
		{"PEM for the Java SDK", newSetup(t, with(publicKeyMode(), SlotPrivateKey, "app_private_key.pem"), java),
			string(SlotPrivateKey), Failed, "bare base64"},
		{"PKCS#1 with keyType PKCS8 in Node", newSetup(t, with(publicKeyMode(), SlotPrivateKey, "app_private_key_pkcs1.txt"), func(s *Setup) { s.Reader, s.NodeKeyType = ReaderNode, "PKCS8" }),
			string(SlotPrivateKey), Failed, "DECODER routines::unsupported"},
		{"whitespace-damaged key", newSetup(t, with(publicKeyMode(), SlotPrivateKey, "app_private_key_plus_as_space.txt")),
			string(SlotPrivateKey), Failed, "spaces inside where '+' belongs"},
		{"a key pair that does not match", newSetup(t, with(publicKeyMode(), SlotAppPublicKey, "other_public_key.txt")),
			string(SlotAppPublicKey), Failed, "does not belong to the app private key"},
		{"the AES key as Alipay key", newSetup(t, with(publicKeyMode(), SlotAlipayPublicKey, "aes_key.txt")),
			string(SlotAlipayPublicKey), Failed, "AES-128 key"},
		{"the private key as Alipay key", newSetup(t, with(publicKeyMode(), SlotAlipayPublicKey, "app_private_key.pem")),
			string(SlotAlipayPublicKey), Failed, "the app private key itself"},
		{"no Alipay key", newSetup(t, with(publicKeyMode(), SlotAlipayPublicKey, "")),
			string(SlotAlipayPublicKey), Warning, "answers are not verified"},
		{"no private key", newSetup(t, with(publicKeyMode(), SlotPrivateKey, "")),
			string(SlotPrivateKey), Failed, "none is configured"},
		{"expired certificate", newSetup(t, with(certMode(), SlotAppCert, "appCertPublicKey_expired.crt")),
			string(SlotAppCert), Failed, "expired on 2020-01-01"},
		{"certificate expiring soon", newSetup(t, with(certMode(), SlotAppCert, "appCertPublicKey_expiring.crt")),
			string(SlotAppCert), Warning, "expires on 2026-06-20, in 19 days"},
		{"certificate not chaining", newSetup(t, with(certMode(), SlotAlipayCert, "alipayCertPublicKey_other_ca.crt")),
			string(SlotAlipayCert), Failed, "does not chain"},
		{"certificate not chaining, sandbox", newSetup(t, with(certMode(), SlotAlipayCert, "alipayCertPublicKey_other_ca.crt"), sandbox, func(s *Setup) { s.AppID = "9021000000000001" }),
			string(SlotAlipayCert), Warning, "test authority"},
		{"the CSR as certificate", newSetup(t, with(certMode(), SlotAppCert, "app.csr")),
			string(SlotAppCert), Failed, "certificate request"},
		{"the root bundle as Alipay certificate", newSetup(t, with(certMode(), SlotAlipayCert, "alipayRootCert.crt")),
			string(SlotAlipayCert), Failed, "root certificate bundle"},
		{"certificate mode half set up", newSetup(t, with(with(certMode(), SlotRootCert, ""), SlotAlipayCert, "")),
			"certificate mode", Failed, "the Alipay certificate and the Alipay root certificate missing"},
		{"sandbox id on production", newSetup(t, publicKeyMode(), func(s *Setup) { s.AppID = "9021000000000001" }),
			"app id", Failed, "sandbox app id"},
		{"production id on the sandbox", newSetup(t, publicKeyMode(), sandbox),
			"app id", Warning, "not a sandbox app id"},
		{"not an app id", newSetup(t, publicKeyMode(), func(s *Setup) { s.AppID = "app_id" }),
			"app id", Failed, "not shaped like an app id"},
		{"the retired sandbox", newSetup(t, publicKeyMode(), func(s *Setup) { s.URL = "https://openapi.alipaydev.com/gateway.do" }),
			"gateway", Failed, "retired sandbox"},
		{"http", newSetup(t, publicKeyMode(), func(s *Setup) { s.URL = "http://openapi.alipay.com/gateway.do" }),
			"gateway", Failed, "plain http"},
		{"v2 URL as v3 endpoint", newSetup(t, publicKeyMode(), func(s *Setup) { s.Protocol = gateway.V3 }),
			"endpoint", Failed, "v2 gateway address, given as the v3 endpoint"},
		{"v3 endpoint as v2 gateway", newSetup(t, publicKeyMode(), func(s *Setup) { s.URL = gateway.ProductionEndpoint }),
			"gateway", Failed, "not a v2 gateway address"},
		{"legacy RSA on v3", newSetup(t, publicKeyMode(), func(s *Setup) { s.Protocol, s.URL, s.SignType = gateway.V3, gateway.ProductionEndpoint, "RSA" }),
			"sign type", Failed, "SHA256withRSA only"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := offline(t, tc.setup)
			wantCheck(t, r, tc.subject, tc.status, tc.want)
			want := Warning
			if tc.status == Failed {
				want = Failed
			}
			if r.Worst() != want {
				t.Errorf("worst %s, want %s", r.Worst(), want)
			}
		})
	}
}

// A key whose spaces were pasted from a web page still reads; the doctor
// warns that other tools may not.
func TestTolerated(t *testing.T) {
	s := newSetup(t, publicKeyMode())
	s.Material[0].Data = append([]byte("\u00a0"), s.Material[0].Data...)
	r := offline(t, s)
	wantCheck(t, r, string(SlotPrivateKey), OK, "a private key (PKCS#8 base64")
	wantCheck(t, r, string(SlotPrivateKey), Warning, "no-break space")
}

func TestStatusJSON(t *testing.T) {
	for _, s := range []Status{OK, Skipped, Warning, Failed} {
		data, err := s.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back Status
		if err := back.UnmarshalJSON(data); err != nil || back != s {
			t.Errorf("%s: %s, %v", s, data, err)
		}
	}
	r := &Report{Checks: []Check{{Status: OK}, {Status: Warning}, {Status: Skipped}}}
	if r.Worst() != Warning || r.Summary() != "0 errors, 1 warning, 1 passed, 1 skipped" {
		t.Errorf("worst %s, summary %q", r.Worst(), r.Summary())
	}
}
