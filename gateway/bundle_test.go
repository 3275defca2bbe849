package gateway_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// exchangeTokens trades a fresh auth_user code and fails the test unless it
// succeeds.
func (p *peer) exchangeTokens(t testing.TB) *gateway.Tokens {
	t.Helper()
	tr, err := p.client.Exchange(context.Background(), p.code(t, emulator.ScopeAuthUser))
	if err != nil {
		t.Fatal(err)
	}
	return tr.Tokens
}

// A bundle carries no secret of the call, yet its response verifies again
// offline with the Alipay key, over both protocols, and a wrong key fails.
func TestBundleRedactsAndReplays(t *testing.T) {
	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		t.Run(string(protocol), func(t *testing.T) {
			p := newPeer(t, protocol)
			code := p.code(t, emulator.ScopeAuthUser)
			exchanged, err := p.client.Exchange(context.Background(), code)
			if err != nil {
				t.Fatal(err)
			}
			refreshed, err := p.client.Refresh(context.Background(), exchanged.Tokens.RefreshToken)
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range []*gateway.Trace{exchanged, refreshed} {
				b := gateway.NewBundle(tr)
				data, err := json.Marshal(b)
				if err != nil {
					t.Fatal(err)
				}
				for _, secret := range append(tr.Secrets(), code, "the emulator") {
					if strings.Contains(string(data), secret) {
						t.Errorf("the bundle of the %s holds %q", tr.CallName(), secret)
					}
				}
				back, ok, err := gateway.ParseBundle(data)
				if !ok || err != nil {
					t.Fatalf("ParseBundle: %v, %v", ok, err)
				}
				replayed, err := back.Replay(p.emu.AlipayPublicKey(), "the emulator")
				if err != nil {
					t.Fatal(err)
				}
				if replayed.Verification.Status != gateway.Verified || replayed.Outcome != gateway.OutcomeSuccess {
					t.Errorf("%s replay: %s, %s", tr.CallName(), replayed.Verification.Status, replayed.Verification.Detail)
				}
				other := loadKey(t, "app_private_key.pem")
				wrong, _ := back.Replay(&other.PublicKey, "the app key")
				if wrong.Verification.Status != gateway.VerifyFailed || wrong.Outcome != gateway.OutcomeUntrusted ||
					!strings.Contains(wrong.Verification.Detail, "the bundle was verified with Alipay public key SHA256:") {
					t.Errorf("%s with a wrong key: %s, %s", tr.CallName(), wrong.Verification.Status, wrong.Verification.Detail)
				}
				if skipped, _ := back.Replay(nil, ""); skipped.Verification.Status != gateway.Skipped {
					t.Errorf("no key: %s", skipped.Verification.Status)
				}
			}
		})
	}
}

// The escaped-slash response verifies only once \/ is read as /: the bundle
// keeps the digest of that form.
func TestBundleKeepsTheFormThatVerified(t *testing.T) {
	p := newPeer(t, gateway.V2)
	access := p.exchangeTokens(t).AccessToken
	p.emu.Arm(emulator.Fault{Kind: emulator.FaultEscapedSlash, Count: 1})
	tr, err := p.client.UserInfo(context.Background(), access)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Verification.Status != gateway.VerifiedUnescaped {
		t.Fatalf("status %s", tr.Verification.Status)
	}
	replayed, err := gateway.NewBundle(tr).Replay(p.emu.AlipayPublicKey(), "")
	if err != nil || replayed.Verification.Status != gateway.VerifiedUnescaped {
		t.Errorf("replay %v: %+v", err, replayed.Verification)
	}
}

func TestParseBundleRefuses(t *testing.T) {
	if _, ok, _ := gateway.ParseBundle([]byte(`{"alipay_system_oauth_token_response":{}}`)); ok {
		t.Error("a raw response was taken for a bundle")
	}
	if _, ok, err := gateway.ParseBundle([]byte(`{"bundle":{"version":9}}`)); !ok || err == nil || !strings.Contains(err.Error(), "upgrade aliauth") {
		t.Errorf("a newer bundle: %v, %v", ok, err)
	}
	if _, ok, err := gateway.ParseBundle([]byte(`{"bundle":{"version":1},"method":"x"}`)); !ok || err == nil {
		t.Errorf("a bundle without a response: %v, %v", ok, err)
	}
}

// Redaction covers the gateway's own string to sign, which
// isv.invalid-signature quotes with the refresh token in it.
func TestRedactCoversTheSignatureDiff(t *testing.T) {
	p := newPeer(t, gateway.V2)
	token := p.exchangeTokens(t).RefreshToken
	profile := p.client.Profile()
	profile.PrivateKey, profile.AlipayPublicKey = loadKey(t, "alipay_private_key.pem"), nil
	wrong, err := gateway.NewClient(profile)
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := wrong.Refresh(context.Background(), token)
	if tr.Error == nil || tr.Error.SignatureDiff == nil {
		t.Fatalf("no signature diff: %+v", tr.Error)
	}
	masked := tr.Redact(gateway.Mask)
	out, _ := json.Marshal(masked)
	if strings.Contains(string(out), token) {
		t.Errorf("the masked trace holds the refresh token: %s", out)
	}
	if !strings.Contains(tr.Error.SignatureDiff.Local, token) {
		t.Error("Redact changed the original")
	}
}

func TestIdentity(t *testing.T) {
	both := &gateway.Trace{Tokens: &gateway.Tokens{UserID: "2088102150477652", OpenID: "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5"}}
	ids := gateway.Identity(both)
	if len(ids) != 3 || ids[0].Value != "2088102150477652" || ids[0].Odd != "" || !strings.Contains(ids[1].Meaning, "within this app") || !strings.Contains(ids[2].Meaning, "app group") {
		t.Errorf("both ids: %+v", ids)
	}
	openOnly := gateway.Identity(&gateway.Trace{Tokens: &gateway.Tokens{OpenID: "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5"}})
	if !strings.Contains(openOnly[0].Meaning, "not a bug") {
		t.Errorf("open id only: %+v", openOnly[0])
	}
	odd := gateway.Identity(&gateway.Trace{Result: []byte(`{"code":"10000","user_id":"12345"}`)})
	if odd[0].Odd == "" || !strings.Contains(odd[1].Meaning, "has not moved to OpenID") {
		t.Errorf("odd id from a profile: %+v", odd)
	}
	if gateway.Identity(&gateway.Trace{Result: []byte(`{"code":"10000"}`)}) != nil {
		t.Error("ids where there are none")
	}
}

func TestRedirectAppID(t *testing.T) {
	tests := map[string]string{
		"https://example.com/cb?app_id=9021000000000000&source=alipay_wallet&scope=auth_user&auth_code=abc": "9021000000000000",
		`"https://example.com/cb#auth_code=abc&app_id=2021000000000001"`:                                    "2021000000000001",
		"abc123":             "",
		`{"authCode":"abc"}`: "",
	}
	for in, want := range tests {
		if got := gateway.RedirectAppID(in); got != want {
			t.Errorf("RedirectAppID(%q) = %q, want %q", in, got, want)
		}
	}
}
