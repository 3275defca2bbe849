package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"aliauth/config"
	"aliauth/gateway/emulator"
	"aliauth/keys"
)

// phoneVector is one of the payloads gateway/testdata/phone/make.sh made
// with openssl alone.
type phoneVector struct {
	Name         string `json:"name"`
	AESKey       string `json:"aes_key"`
	Plaintext    string `json:"plaintext"`
	Ciphertext   string `json:"ciphertext"`
	SignQuoted   string `json:"sign_quoted"`
	SignUnquoted string `json:"sign_unquoted"`
}

func phoneVectors(t *testing.T) map[string]phoneVector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "gateway", "testdata", "phone", "phone_vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list []phoneVector
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatal(err)
	}
	out := map[string]phoneVector{}
	for _, v := range list {
		out[v.Name] = v
	}
	return out
}

// alipayPublicKeyFile writes the test Alipay key's public half, as a user
// saves 支付宝公钥.
func alipayPublicKeyFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "alipay_public_key.txt")
	pub := keys.EncodePublicBase64(&loadTestKey(t, testAlipayKey).PublicKey)
	if err := os.WriteFile(path, []byte(pub), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// res is what my.getPhoneNumber hands the mini program: {"response": the
// payload as a JSON string}.
func res(payload string) string {
	b, _ := json.Marshal(map[string]string{"response": payload})
	return string(b)
}

func encrypted(ciphertext, sign string) string {
	p := `{"response":"` + ciphertext + `"`
	if sign != "" {
		p += `,"sign":"` + sign + `","sign_type":"RSA2"`
	}
	return p + `,"encrypt_type":"AES","charset":"UTF-8"}`
}

// Each situation my.getPhoneNumber's documentation describes, from openssl
// vectors: the report (golden), the exit status, and never the AES key.
func TestPhoneReports(t *testing.T) {
	isolate(t)
	vs := phoneVectors(t)
	ok, noAuth := vs["success"], vs["no authorization"]
	pub := alipayPublicKeyFile(t)
	otherKey := "AAAAAAAAAAAAAAAAAAAAAA=="
	cases := []struct {
		name   string
		input  string
		aesKey string
		status int
	}{
		{"verified", res(encrypted(ok.Ciphertext, ok.SignQuoted)), ok.AESKey, ExitOK},
		{"the object itself", encrypted(ok.Ciphertext, ok.SignQuoted), ok.AESKey, ExitOK},
		{"no authorization", res(encrypted(noAuth.Ciphertext, noAuth.SignQuoted)), ok.AESKey, ExitGateway},
		{"no encryption configured", res(`{"response":{"code":"40001","msg":"Missing Required Arguments","subCode":"isv.missing-encrypt-key","subMsg":"缺少加密配置"}}`), "", ExitGateway},
		{"signed unquoted", res(encrypted(ok.Ciphertext, ok.SignUnquoted)), ok.AESKey, ExitUntrusted},
		{"signature failed", res(encrypted(ok.Ciphertext, noAuth.SignQuoted)), ok.AESKey, ExitUntrusted},
		{"unsigned", res(encrypted(ok.Ciphertext, "")), ok.AESKey, ExitUntrusted},
		{"wrong AES key", res(encrypted(ok.Ciphertext, ok.SignQuoted)), otherKey, ExitUsage},
		{"no AES key", res(encrypted(ok.Ciphertext, ok.SignQuoted)), "", ExitUsage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"phone", "--alipay-public-key", pub}
			if c.aesKey != "" {
				args = append(args, "--aes-key", c.aesKey)
			}
			out, errOut, status := run(t, c.input, args...)
			if status != c.status {
				t.Fatalf("exit %d, want %d\n%s%s", status, c.status, out, errOut)
			}
			golden.RequireEqual(t, strings.ReplaceAll(out, pub, "alipay_public_key.txt"))
			jsonOut, _, jsonStatus := run(t, c.input, append(args, "--json")...)
			verbose, _, _ := run(t, c.input, append(args, "-v")...)
			if jsonStatus != c.status {
				t.Errorf("--json exits %d", jsonStatus)
			}
			var shape map[string]any
			if err := json.Unmarshal([]byte(jsonOut), &shape); err != nil || shape["verification"] == nil {
				t.Errorf("--json: %v\n%s", err, jsonOut)
			}
			for _, key := range []string{ok.AESKey, otherKey} {
				if strings.Contains(out+errOut+jsonOut+verbose, key) {
					t.Fatalf("the AES key is printed:\n%s%s%s%s", out, errOut, jsonOut, verbose)
				}
			}
		})
	}
	_, errOut, status := run(t, "hello", "phone", "--alipay-public-key", pub, "--aes-key", ok.AESKey)
	if status != ExitUsage || !strings.Contains(errOut, "standard input") || !strings.Contains(errOut, "res.response") {
		t.Fatalf("not a payload: exit %d %s", status, errOut)
	}
	_, errOut, status = run(t, "{}", "phone", "--alipay-public-key", pub, "--aes-key", "not-a-key")
	if status != ExitUsage || !strings.Contains(errOut, "AES key") || strings.Contains(errOut, "not-a-key\"") {
		t.Fatalf("a bad --aes-key: exit %d %s", status, errOut)
	}
}

// Against the built-in emulator nothing needs configuring: its payloads
// open with its own Alipay key and AES key.
func TestPhoneAgainstTheDemoEmulator(t *testing.T) {
	isolate(t)
	dir, err := config.EmulatorDir()
	if err != nil {
		t.Fatal(err)
	}
	emu, err := emulator.New(emulator.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := emu.PhonePayload(emulator.DemoAppID, emulator.DemoUsers[2], emulator.PhoneOK)
	emu.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, status := run(t, string(payload), "phone")
	if status != ExitOK {
		t.Fatalf("exit %d\n%s%s", status, out, errOut)
	}
	mustContain(t, "phone", out, "✓ phone number decrypted · signature verified", "mobile         13", "the emulator's Alipay key")
	file := filepath.Join(t.TempDir(), "res.json")
	if err := os.WriteFile(file, payload, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, status := run(t, "", "phone", file); status != ExitOK {
		t.Errorf("from a file: exit %d", status)
	}
}

func TestOpenUserInfoReports(t *testing.T) {
	isolate(t)
	cases := []struct {
		name   string
		input  string
		status int
	}{
		{"ok", res(`{"response":{"code":"10000","msg":"Success","avatar":"https:\/\/tfs.alipayobjects.com\/images\/partner\/T1x","nickName":"Mia"}}`), ExitOK},
		{"no authorization", res(`{"response":{"code":"40003","msg":"Insufficient Conditions","subCode":"isv.invalid-auth-relations","subMsg":"无效的授权关系"}}`), ExitGateway},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, status := run(t, c.input, "openuserinfo")
			if status != c.status {
				t.Fatalf("exit %d, want %d\n%s%s", status, c.status, out, errOut)
			}
			golden.RequireEqual(t, out)
		})
	}
	out, _, _ := run(t, cases[0].input, "openuserinfo", "--json")
	var u map[string]any
	if err := json.Unmarshal([]byte(out), &u); err != nil || u["nickName"] != "Mia" {
		t.Fatalf("--json: %v %s", err, out)
	}
	vs := phoneVectors(t)
	_, errOut, status := run(t, res(encrypted(vs["success"].Ciphertext, vs["success"].SignQuoted)), "openuserinfo")
	if status != ExitUsage || !strings.Contains(errOut, "my.getPhoneNumber") {
		t.Fatalf("a phone payload given to openuserinfo: exit %d %s", status, errOut)
	}
}
