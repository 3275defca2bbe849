package gateway_test

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"aliauth/gateway"
)

// phoneVector is one line of testdata/phone/phone_vectors.json, made by
// testdata/phone/make.sh with openssl alone.
type phoneVector struct {
	Name         string `json:"name"`
	AESKey       string `json:"aes_key"`
	Plaintext    string `json:"plaintext"`
	Ciphertext   string `json:"ciphertext"`
	SignQuoted   string `json:"sign_quoted"`
	SignUnquoted string `json:"sign_unquoted"`
}

func phoneVectors(t *testing.T) []phoneVector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "phone", "phone_vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vs []phoneVector
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatal(err)
	}
	return vs
}

func aesKey(t *testing.T, s string) gateway.AESKey {
	t.Helper()
	k, err := gateway.ParseAESKey(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// aliauth encrypts and signs byte for byte as openssl does: AES-128-CBC,
// zero IV, PKCS#5, and SHA256withRSA over the quoted ciphertext.
func TestPhoneCryptoMatchesOpenSSL(t *testing.T) {
	alipay := loadKey(t, "alipay_private_key.pem")
	for _, v := range phoneVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			k := aesKey(t, v.AESKey)
			got, err := k.Encrypt([]byte(v.Plaintext))
			if err != nil || got != v.Ciphertext {
				t.Fatalf("encrypt: %v\n got %s\nwant %s", err, got, v.Ciphertext)
			}
			plain, err := k.Decrypt(v.Ciphertext)
			if err != nil || string(plain) != v.Plaintext {
				t.Fatalf("decrypt: %q %v", plain, err)
			}
			sign, err := gateway.SignBytes(alipay, gateway.RSA2, []byte(`"`+v.Ciphertext+`"`))
			if err != nil || sign != v.SignQuoted {
				t.Fatalf("the quoted signature differs from openssl's: %v", err)
			}
		})
	}
}

// What aliauth encrypts, openssl decrypts: a live cross-check where openssl
// is installed.
func TestPhoneEncryptionDecryptsWithOpenSSL(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed; the checked-in vectors still cover AES")
	}
	k := gateway.NewAESKey()
	plain := `{"code":"10000","msg":"Success","mobile":"13800138000"}`
	ciphertext, err := k.Encrypt([]byte(plain))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(k.Reveal())
	cmd := exec.Command("openssl", "enc", "-d", "-aes-128-cbc", "-K", hex.EncodeToString(raw), "-iv", strings.Repeat("0", 32), "-base64", "-A")
	cmd.Stdin = strings.NewReader(ciphertext)
	out, err := cmd.Output()
	if err != nil || string(out) != plain {
		t.Fatalf("openssl decrypts to %q (%v)", out, err)
	}
}

// payload assembles what my.getPhoneNumber gives the mini program for a
// vector: the payload JSON, with / escaped as Alipay writes it.
func payload(ciphertext, sign string) string {
	inner := fmt.Sprintf(`{"response":%q,"sign":%q,"sign_type":"RSA2","encrypt_type":"AES","charset":"UTF-8"}`, ciphertext, sign)
	if sign == "" {
		inner = fmt.Sprintf(`{"response":%q,"encrypt_type":"AES","charset":"UTF-8"}`, ciphertext)
	}
	return strings.ReplaceAll(inner, "/", `\/`)
}

// The forms a developer pastes: the payload object, res around it, and the
// payload as a JSON string, once or twice quoted.
func pasteForms(inner string) map[string]string {
	quoted, _ := json.Marshal(inner)
	res, _ := json.Marshal(map[string]string{"response": inner})
	twice, _ := json.Marshal(string(quoted))
	return map[string]string{
		"payload object":    inner,
		"res":               string(res),
		"payload as string": string(quoted),
		"quoted twice":      string(twice),
		"pretty res":        strings.Replace(string(res), `{"response":`, "{\n  \"response\": ", 1),
	}
}

func TestOpenPhone(t *testing.T) {
	vs := phoneVectors(t)
	success, noAuth, noPermission := vs[0], vs[1], vs[2]
	alipayPub := &loadKey(t, "alipay_private_key.pem").PublicKey
	keys := gateway.MiniKeys{AlipayPublicKey: alipayPub, AlipayKeySource: "test", AESKey: aesKey(t, success.AESKey)}

	for form, in := range pasteForms(payload(success.Ciphertext, success.SignQuoted)) {
		t.Run("verified/"+form, func(t *testing.T) {
			r, err := gateway.OpenPhone([]byte(in), keys)
			if err != nil {
				t.Fatal(err)
			}
			if r.Mobile != "15967671905" || r.Verification.Status != gateway.Verified || r.Outcome != gateway.OutcomeSuccess || !strings.Contains(r.Verification.Detail, "in quotes") {
				t.Fatalf("%+v %+v", r, r.Verification)
			}
			if r.Verification.SignedContent != `"`+success.Ciphertext+`"` {
				t.Fatalf("signed content %s", r.Verification.SignedContent)
			}
		})
	}

	cases := []struct {
		name    string
		in      string
		keys    gateway.MiniKeys
		status  gateway.VerifyStatus
		outcome gateway.Outcome
		check   func(t *testing.T, r *gateway.PhoneResult, err error)
	}{
		{
			name: "signed over the unquoted ciphertext", in: payload(success.Ciphertext, success.SignUnquoted), keys: keys,
			status: gateway.VerifiedUnquoted, outcome: gateway.OutcomeUntrusted,
			check: func(t *testing.T, r *gateway.PhoneResult, err error) {
				var v *gateway.VerificationError
				if !errors.As(err, &v) || !strings.Contains(v.Detail, "WITHOUT the quotes") || !strings.Contains(v.Detail, "known SDK slip") {
					t.Fatalf("%v", err)
				}
				if r.Mobile == "" {
					t.Fatal("the content was not shown")
				}
			},
		},
		{
			name: "no sign: encryption or signing not configured", in: payload(success.Ciphertext, ""), keys: keys,
			status: gateway.Unsigned, outcome: gateway.OutcomeUntrusted,
			check: func(t *testing.T, r *gateway.PhoneResult, err error) {
				var v *gateway.VerificationError
				if !errors.As(err, &v) || !strings.Contains(v.Detail, "接口加签方式") || !strings.Contains(v.Detail, "应用网关") {
					t.Fatalf("%v", err)
				}
			},
		},
		{
			name: "the ciphertext altered", in: payload(noAuth.Ciphertext, success.SignQuoted), keys: keys,
			status: gateway.VerifyFailed, outcome: gateway.OutcomeUntrusted,
			check: func(t *testing.T, r *gateway.PhoneResult, err error) {
				var v *gateway.VerificationError
				if !errors.As(err, &v) || v.Status != gateway.VerifyFailed {
					t.Fatalf("%v", err)
				}
			},
		},
		{
			name: "the app's key given as the Alipay key", in: payload(success.Ciphertext, success.SignQuoted),
			keys:   gateway.MiniKeys{AlipayPublicKey: &loadKey(t, "app_private_key.pem").PublicKey, AESKey: keys.AESKey},
			status: gateway.VerifyFailed, outcome: gateway.OutcomeUntrusted,
			check: func(t *testing.T, r *gateway.PhoneResult, err error) {
				if !strings.Contains(r.Verification.Detail, "支付宝公钥") {
					t.Fatalf("%s", r.Verification.Detail)
				}
			},
		},
		{
			name: "40003 the user did not authorize", in: payload(noAuth.Ciphertext, noAuth.SignQuoted), keys: keys,
			status: gateway.Verified, outcome: gateway.OutcomeGatewayError,
			check: func(t *testing.T, r *gateway.PhoneResult, err error) {
				var a *gateway.APIError
				if !errors.As(err, &a) || a.Code != "40003" || a.SubCode != "isv.invalid-auth-relations" || !strings.Contains(a.Hint, `scope="phoneNumber"`) {
					t.Fatalf("%+v", err)
				}
			},
		},
		{
			name: "40006 the product is not bound", in: payload(noPermission.Ciphertext, noPermission.SignQuoted), keys: keys,
			status: gateway.Verified, outcome: gateway.OutcomeGatewayError,
			check: func(t *testing.T, r *gateway.PhoneResult, err error) {
				var a *gateway.APIError
				if !errors.As(err, &a) || a.Code != "40006" || !strings.Contains(a.Meaning, "获取会员手机号") || !strings.Contains(a.SubMsg, "https://docs.open.alipay.com") {
					t.Fatalf("%+v", a)
				}
			},
		},
		{
			name:   "isv.missing-encrypt-key: not encrypted, not signed",
			in:     `{"response":"{\"response\":{\"code\":\"40001\",\"msg\":\"Missing Required Arguments\",\"subCode\":\"isv.missing-encrypt-key\",\"subMsg\":\"缺少加密配置\"}}"}`,
			keys:   keys,
			status: gateway.Unsigned, outcome: gateway.OutcomeGatewayError,
			check: func(t *testing.T, r *gateway.PhoneResult, err error) {
				var a *gateway.APIError
				if !errors.As(err, &a) || a.SubCode != "isv.missing-encrypt-key" || !strings.Contains(a.Hint, "接口内容加密方式") || r.Payload.Encrypted {
					t.Fatalf("%+v %+v", a, r.Payload)
				}
			},
		},
		{
			name: "no Alipay key: decrypted, verification skipped and said", in: payload(success.Ciphertext, success.SignQuoted),
			keys:   gateway.MiniKeys{AESKey: keys.AESKey},
			status: gateway.Skipped, outcome: gateway.OutcomeSuccess,
			check: func(t *testing.T, r *gateway.PhoneResult, err error) {
				if err != nil || r.Mobile == "" || len(r.Warnings) == 0 || !strings.Contains(r.Warnings[0], "NOT verified") {
					t.Fatalf("%v %+v", err, r)
				}
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := gateway.OpenPhone([]byte(c.in), c.keys)
			if r == nil {
				t.Fatalf("no result: %v", err)
			}
			if r.Verification.Status != c.status || r.Outcome != c.outcome {
				t.Fatalf("status %s outcome %s, want %s %s (%v)", r.Verification.Status, r.Outcome, c.status, c.outcome, err)
			}
			c.check(t, r, err)
		})
	}
}

func TestOpenPhoneKeyMistakes(t *testing.T) {
	v := phoneVectors(t)[0]
	in := []byte(payload(v.Ciphertext, v.SignQuoted))
	alipay := &loadKey(t, "alipay_private_key.pem").PublicKey

	// Wrong keys of the right size: bad padding, or (rarely) padding that
	// happens to pass and garbage that is not JSON.
	for i := range 40 {
		wrong := gateway.NewAESKey()
		r, err := gateway.OpenPhone(in, gateway.MiniKeys{AlipayPublicKey: alipay, AESKey: wrong})
		if !errors.Is(err, gateway.ErrWrongAESKey) || r == nil || r.Verification.Status != gateway.Verified {
			t.Fatalf("wrong key %d: %v", i, err)
		}
	}
	if _, err := gateway.OpenPhone(in, gateway.MiniKeys{AlipayPublicKey: alipay}); !errors.Is(err, gateway.ErrNoAESKey) {
		t.Fatalf("no key: %v", err)
	}
	for _, bad := range []string{"", "not base64!", "YWJj", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"} {
		if _, err := gateway.ParseAESKey(bad); err == nil {
			t.Errorf("ParseAESKey(%q) accepted", bad)
		}
	}
	truncated := []byte(payload(v.Ciphertext[:20], v.SignQuoted))
	if _, err := gateway.OpenPhone(truncated, gateway.MiniKeys{AlipayPublicKey: alipay, AESKey: aesKey(t, v.AESKey)}); err == nil || !strings.Contains(err.Error(), "AES blocks") {
		t.Fatalf("truncated ciphertext: %v", err)
	}
}

func TestParseMiniPayloadRefusesWhatIsNotOne(t *testing.T) {
	for _, in := range []string{"", "hello", `{"sign":"x"}`, `{"response":1}`, `"unterminated`, `{"response":"x"`, `"\"\\\"\\\\\\\"\\\\\\\\\\\"\\\"\""`} {
		if _, err := gateway.ParseMiniPayload([]byte(in)); !errors.Is(err, gateway.ErrBadPayload) {
			t.Errorf("%q: %v", in, err)
		}
	}
}

// The AES key reaches no output: not fmt, not JSON, not the result.
func TestAESKeyIsNeverPrinted(t *testing.T) {
	v := phoneVectors(t)[0]
	k := aesKey(t, v.AESKey)
	raw, _ := base64.StdEncoding.DecodeString(v.AESKey)
	r, err := gateway.OpenPhone([]byte(payload(v.Ciphertext, v.SignQuoted)), gateway.MiniKeys{AESKey: k})
	if err != nil {
		t.Fatal(err)
	}
	resultJSON, _ := json.Marshal(r)
	keysJSON, _ := json.Marshal(gateway.MiniKeys{AESKey: k})
	outputs := []string{
		fmt.Sprint(k), fmt.Sprintf("%v %s %+v %#v %q %x", k, k, k, k, k, k),
		fmt.Sprintf("%+v %#v", gateway.MiniKeys{AESKey: k}, gateway.MiniKeys{AESKey: k}),
		string(resultJSON), string(keysJSON),
	}
	for _, out := range outputs {
		if strings.Contains(out, v.AESKey) || strings.Contains(out, hex.EncodeToString(raw)) || strings.Contains(out, fmt.Sprint(raw)) {
			t.Fatalf("the key leaked: %s", out)
		}
	}
	if !strings.Contains(string(resultJSON), k.Fingerprint()) || !strings.HasPrefix(k.String(), "AES-128 key sha256:") {
		t.Fatalf("the fingerprint is missing: %s", resultJSON)
	}
}

func TestParseOpenUserInfo(t *testing.T) {
	ok := `{"response":"{\"response\":{\"code\":\"10000\",\"msg\":\"Success\",\"gender\":\"\",\"countryCode\":\"\",\"province\":\"\",\"city\":\"\",\"nickName\":\"支付宝小二\",\"avatar\":\"https:\\\/\\\/tfs.alipayobjects.com\\\/images\\\/partner\\\/T1abc\"}}"}`
	u, err := gateway.ParseOpenUserInfo([]byte(ok))
	if err != nil || u.Error != nil || u.NickName != "支付宝小二" || u.Avatar != "https://tfs.alipayobjects.com/images/partner/T1abc" {
		t.Fatalf("%+v %v", u, err)
	}
	if len(u.Notes) == 0 || !strings.Contains(u.Notes[0], "not signed") {
		t.Fatalf("notes %v", u.Notes)
	}
	for in, want := range map[string]string{
		`{"response":{"code":"40006","msg":"Insufficient Permissions","subCode":"isv.insufficient-isv-permissions","subMsg":"ISV权限不足"}}`:              "获取会员基础信息",
		`"{\"response\":{\"code\":\"40003\",\"msg\":\"Insufficient Conditions\",\"subCode\":\"isv.invalid-auth-relations\",\"subMsg\":\"无效的授权关系\"}}"`: `scope="userInfo"`,
	} {
		u, err := gateway.ParseOpenUserInfo([]byte(in))
		if err != nil || u.Error == nil || !strings.Contains(u.Error.Meaning+u.Error.Hint, want) {
			t.Fatalf("%s: %+v %v", in, u, err)
		}
	}
	v := phoneVectors(t)[0]
	if _, err := gateway.ParseOpenUserInfo([]byte(payload(v.Ciphertext, v.SignQuoted))); !errors.Is(err, gateway.ErrBadPayload) || !strings.Contains(err.Error(), "my.getPhoneNumber") {
		t.Fatalf("a phone payload: %v", err)
	}
}

func FuzzParseMiniPayload(f *testing.F) {
	f.Add(`{"response":"abc","sign":"x"}`)
	f.Add(`{"response":"{\"response\":\"abc\",\"sign\":\"x\"}"}`)
	f.Add(`"{\"response\":{\"code\":\"10000\"}}"`)
	f.Add(`{"code":"40003","subCode":"isv.invalid-auth-relations"}`)
	f.Fuzz(func(t *testing.T, in string) {
		p, err := gateway.ParseMiniPayload([]byte(in))
		if err != nil {
			if !errors.Is(err, gateway.ErrBadPayload) {
				t.Fatalf("an error that is not ErrBadPayload: %v", err)
			}
			return
		}
		if p.Encrypted && strings.HasPrefix(strings.TrimSpace(p.Response), "{") {
			t.Fatalf("JSON content taken for ciphertext: %+v", p)
		}
		_, _ = gateway.OpenPhone([]byte(in), gateway.MiniKeys{AESKey: gateway.NewAESKey()})
	})
}
