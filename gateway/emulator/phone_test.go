package emulator_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// POST /emulator/phone answers as my.getPhoneNumber does in each situation
// its documentation describes, and gateway.OpenPhone, with the emulator's
// Alipay public key and the app's AES key, reads each as it should.
func TestPhoneEndpoint(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	aes, err := e.AESKey(emulator.DemoAppID)
	if err != nil {
		t.Fatal(err)
	}
	keys := gateway.MiniKeys{AlipayPublicKey: s.AlipayPublicKey(), AlipayKeySource: "the emulator", AESKey: aes}
	cases := []struct {
		c       emulator.PhoneCase
		status  gateway.VerifyStatus
		outcome gateway.Outcome
		subCode string
	}{
		{emulator.PhoneOK, gateway.Verified, gateway.OutcomeSuccess, ""},
		{emulator.PhoneNoEncryption, gateway.Unsigned, gateway.OutcomeGatewayError, "isv.missing-encrypt-key"},
		{emulator.PhoneNoAuthorization, gateway.Verified, gateway.OutcomeGatewayError, "isv.invalid-auth-relations"},
		{emulator.PhoneNoPermission, gateway.Verified, gateway.OutcomeGatewayError, "isv.insufficient-isv-permissions"},
		{emulator.PhoneBusy, gateway.Verified, gateway.OutcomeGatewayError, "aop.unknow-error"},
		{emulator.PhoneUnsigned, gateway.Unsigned, gateway.OutcomeUntrusted, ""},
		{emulator.PhoneUnquoted, gateway.VerifiedUnquoted, gateway.OutcomeUntrusted, ""},
	}
	for _, c := range cases {
		t.Run(string(c.c), func(t *testing.T) {
			r := postForm(t, s.URL+"/emulator/phone", url.Values{"case": {string(c.c)}, "user_id": {emulator.DemoUsers[1]}})
			var res map[string]string
			if r.Status != 200 || json.Unmarshal(r.Body, &res) != nil || len(res) != 1 || res["response"] == "" {
				t.Fatalf("not my.getPhoneNumber's res: %d %s", r.Status, r.Body)
			}
			got, err := gateway.OpenPhone(r.Body, keys)
			if got == nil {
				t.Fatalf("%v", err)
			}
			if got.Verification.Status != c.status || got.Outcome != c.outcome {
				t.Fatalf("%s %s: %v", got.Verification.Status, got.Outcome, err)
			}
			switch {
			case c.subCode != "":
				if got.Error == nil || got.Error.SubCode != c.subCode || got.Error.Meaning == "" {
					t.Fatalf("%+v", got.Error)
				}
			case !regexp.MustCompile(`^1[3-9]\d{9}$`).MatchString(got.Mobile):
				t.Fatalf("mobile %q", got.Mobile)
			}
		})
	}
	// The same user always has the same number; the wrong key says so.
	a, _ := gateway.OpenPhone(postForm(t, s.URL+"/emulator/phone", url.Values{"user_id": {"2088000000000042"}}).Body, keys)
	b, _ := gateway.OpenPhone(postForm(t, s.URL+"/emulator/phone", url.Values{"user_id": {"2088000000000042"}}).Body, keys)
	if a.Mobile == "" || a.Mobile != b.Mobile {
		t.Fatalf("%q %q", a.Mobile, b.Mobile)
	}
	wrong := keys
	wrong.AESKey = gateway.NewAESKey()
	if _, err := gateway.OpenPhone(postForm(t, s.URL+"/emulator/phone", nil).Body, wrong); !errors.Is(err, gateway.ErrWrongAESKey) {
		t.Fatalf("wrong key: %v", err)
	}
	if r := postForm(t, s.URL+"/emulator/phone", url.Values{"case": {"everything"}}); r.Status != 400 || !strings.Contains(string(r.Body), "no-auth") {
		t.Fatalf("unknown case: %d %s", r.Status, r.Body)
	}
}

// The AES key is kept with the emulator's other keys, 0600, so a restart
// decrypts what was issued before.
func TestAESKeyPersists(t *testing.T) {
	dir := t.TempDir()
	e := newEmulator(t, emulator.Config{Dir: dir})
	k1, err := e.AESKey(emulator.DemoAppID)
	if err != nil {
		t.Fatal(err)
	}
	_ = e.Close()
	info, err := os.Stat(filepath.Join(dir, "aes_keys.json"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("%v %v", info, err)
	}
	again := newEmulator(t, emulator.Config{Dir: dir})
	k2, err := again.AESKey(emulator.DemoAppID)
	if err != nil || k2.Reveal() != k1.Reveal() {
		t.Fatalf("the key changed across a restart: %v", err)
	}
	if _, err := again.AESKey("2021009999999999"); err == nil {
		t.Fatal("a key for an unknown app")
	}
}
