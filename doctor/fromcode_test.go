package doctor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func fromFixture(t *testing.T, name string, env map[string]string) Setup {
	t.Helper()
	path := filepath.Join("testdata", "code", name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := FromCode(path, data, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The configuration of the official Java SDK's Getting Started, with real
// (throwaway) keys in it, lints clean: its private key, Alipay key and AES
// key are found and checked.
func TestFromJavaDemo(t *testing.T) {
	s := fromFixture(t, "AlipayDemo.java", nil)
	if s.Reader != ReaderJava || s.Protocol != "v3" || s.URL != "https://openapi.alipay.com" || s.AppID != "2021000000000001" {
		t.Errorf("setup %+v", s)
	}
	r := offline(t, s)
	clean(t, r)
	wantCheck(t, r, "configuration", OK, "read as Java code for the Java SDK: endpoint (line 13), app id (line 16), app private key (line 17), Alipay public key (line 19), content encryption key (line 24)")
	wantCheck(t, r, string(SlotPrivateKey), OK, "a private key (PKCS#8 base64, 2048 bits)")
	wantCheck(t, r, string(SlotAlipayPublicKey), OK, "it is not the app's own key")
	wantCheck(t, r, string(SlotEncryptKey), OK, "AES key (AES-128 base64)")
	if c, _ := find(r, string(SlotPrivateKey), "a private key"); c.Source != "line 17, setPrivateKey(…)" {
		t.Errorf("source %q", c.Source)
	}
}

// DefaultAlipayClient's positional arguments, constants, a key split over
// lines: a PKCS#1 key the Java SDK cannot read, a sandbox app id sent to
// production, and a key the code reads at run time.
func TestFromJavaConstructor(t *testing.T) {
	s := fromFixture(t, "AlipayClientConfig.java", nil)
	if s.URL != "https://openapi.alipay.com/gateway.do" || s.Charset != "utf-8" || s.SignType != "RSA2" || s.Protocol != "v2" {
		t.Errorf("setup %+v", s)
	}
	r := offline(t, s)
	wantCheck(t, r, string(SlotPrivateKey), Failed, "PKCS#8 only (PKCS8EncodedKeySpec)")
	wantCheck(t, r, "app id", Failed, "sandbox app id")
	wantCheck(t, r, "line 46", Warning, "app private key comes from Vault.read(…)")
	wantCheck(t, r, "configuration", OK, "gateway (line 8), app id (line 9), app private key (line 11)")
	wantCheck(t, r, string(SlotAlipayPublicKey), OK, "not the app's own key")
}

// new AlipaySdk({...}) with the key read from a file beside the code, its
// app id from the environment, and keyType PKCS8 over a PKCS#1 key.
func TestFromNode(t *testing.T) {
	s := fromFixture(t, "alipay.js", map[string]string{"ALIPAY_APP_ID": "9021000000000001"})
	r := offline(t, s)
	wantCheck(t, r, string(SlotPrivateKey), Failed, "keyType is PKCS8")
	wantCheck(t, r, "app id", OK, "a sandbox app")
	wantCheck(t, r, "gateway", OK, "Alipay's sandbox")
	if c, _ := find(r, string(SlotPrivateKey), "a private key"); !strings.Contains(c.Source, `app_private_key_pkcs1.pem"`) {
		t.Errorf("source %q", c.Source)
	}

	r = offline(t, fromFixture(t, "alipay.js", nil))
	wantCheck(t, r, "line 8", Warning, "environment variable ALIPAY_APP_ID, which is not set here")
	wantCheck(t, r, "app id", Failed, "none is configured")
}

// A .env file with the app's own public key as the Alipay public key.
func TestFromEnvFile(t *testing.T) {
	r := offline(t, fromFixture(t, ".env", nil))
	wantCheck(t, r, string(SlotAlipayPublicKey), Failed, "the app's own public key")
	wantCheck(t, r, string(SlotPrivateKey), OK, "a private key (PKCS#8 base64")
	wantCheck(t, r, "app id", OK, "2021000000000001")
}

// Spring YAML: a sandbox app id against production, the AES key where the
// Alipay public key belongs, the private key in a file.
func TestFromYAML(t *testing.T) {
	r := offline(t, fromFixture(t, "application.yml", nil))
	wantCheck(t, r, "app id", Failed, "sandbox app id")
	wantCheck(t, r, string(SlotAlipayPublicKey), Failed, "AES-128 key")
	wantCheck(t, r, string(SlotPrivateKey), OK, "a private key (PKCS#8 PEM")
}

func TestFromJSONAndPlaceholders(t *testing.T) {
	data := []byte(`{"alipay": {"appId": "2021000000000001", "privateKey": "${APP_KEY}", "serverUrl": "https://openapi.alipay.com/gateway.do"}}`)
	s, err := FromCode("config.json", data, func(k string) (string, bool) {
		if k == "APP_KEY" {
			return string(read(t, "app_private_key.txt")), true
		}
		return "", false
	})
	if err != nil {
		t.Fatal(err)
	}
	r := offline(t, s)
	wantCheck(t, r, string(SlotPrivateKey), OK, "a private key")
	wantCheck(t, r, string(SlotAlipayPublicKey), Warning, "none is configured")
}

func TestFromCodeFindsNothing(t *testing.T) {
	_, err := FromCode("main.go", []byte("package main\nfunc main() {}\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "no Alipay configuration found in main.go") {
		t.Errorf("err %v", err)
	}
}

// The lexer reads what configurations write: escapes, text blocks,
// template literals, comments that must not count.
func TestLexer(t *testing.T) {
	src := "a = \"x\\ny\" // c = 'no'\n/* d = 1 */ b = 'it''s' + `t${x}` + \"\"\"\n  block\n  \"\"\"\n"
	toks := lex(src)
	var got []string
	for _, tk := range toks {
		got = append(got, tk.text)
	}
	want := []string{"a", "=", "x\ny", "b", "=", "it", "s", "+", "t${x}", "+", "\n  block\n  "}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("tokens %q", got)
	}
	if toks[3].line != 2 || toks[8].kind != tokTemplate {
		t.Errorf("line %d, template %v", toks[3].line, toks[8].kind)
	}
}
