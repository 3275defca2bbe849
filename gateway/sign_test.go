package gateway

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

type signVector struct {
	Name         string            `json:"name"`
	Params       map[string]string `json:"params"`
	StringToSign string            `json:"string_to_sign"`
	Sign         string            `json:"sign"`
}

// The vectors' signatures were made by `openssl dgst -sha256|-sha1 -sign`
// over the same strings (GBK-encoded where the charset says so).
func TestSigningVectorsMatchOpenSSLByteForByte(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "sign_vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vectors []signVector
	if err := json.Unmarshal(data, &vectors); err != nil {
		t.Fatal(err)
	}
	key := appKey(t)
	for _, v := range vectors {
		t.Run(v.Name, func(t *testing.T) {
			got := StringToSign(v.Params)
			if got != v.StringToSign {
				t.Fatalf("string to sign\n got %q\nwant %q", got, v.StringToSign)
			}
			signType, err := ParseSignType(v.Params["sign_type"])
			if err != nil {
				t.Fatal(err)
			}
			charset, err := NormalizeCharset(v.Params["charset"])
			if err != nil {
				t.Fatal(err)
			}
			sign, err := Sign(key, signType, charset, got)
			if err != nil {
				t.Fatal(err)
			}
			if sign != v.Sign {
				t.Fatalf("signature differs from openssl's\n got %s\nwant %s", sign, v.Sign)
			}
		})
	}
}

// Beyond the checked-in vectors, sign fresh strings and compare with the
// openssl on this machine.
func TestSignAgreesWithLiveOpenSSL(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed; the checked-in vectors still cover signing")
	}
	key := filepath.Join("testdata", "app_private_key.pem")
	cases := []struct {
		content  string
		signType SignType
		charset  string
	}{
		{"a=1&b=2&timestamp=" + Timestamp(time.Now()), RSA2, CharsetUTF8},
		{"biz_content={\"昵称\":\"支付宝小二\"}&code=x", RSA2, CharsetUTF8},
		{"biz_content={\"昵称\":\"支付宝小二\"}&code=x", RSA2, CharsetGBK},
		{"legacy=sha1&省份=浙江", RSA, CharsetGBK},
	}
	for _, c := range cases {
		input := []byte(c.content)
		if c.charset == CharsetGBK {
			var err error
			if input, err = simplifiedchinese.GBK.NewEncoder().Bytes(input); err != nil {
				t.Fatal(err)
			}
		}
		digest := "-sha256"
		if c.signType == RSA {
			digest = "-sha1"
		}
		cmd := exec.Command("openssl", "dgst", digest, "-sign", key)
		cmd.Stdin = bytes.NewReader(input)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("openssl: %v", err)
		}
		got, err := Sign(appKey(t), c.signType, c.charset, c.content)
		if err != nil {
			t.Fatal(err)
		}
		if want := base64.StdEncoding.EncodeToString(out); got != want {
			t.Errorf("%s %s %q: aliauth and openssl disagree", c.signType, c.charset, c.content)
		}
	}
}

func TestStringToSignDropsEmptyAndSignAndSortsByBytes(t *testing.T) {
	got := StringToSign(map[string]string{"b": "2", "a": "1", "sign": "x", "empty": "", "B": "3", "a_b": "4"})
	if want := "B=3&a=1&a_b=4&b=2"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestTimestampIsChinaStandardTimeWhateverTheMachineZone(t *testing.T) {
	instant := time.Date(2026, 11, 24, 16, 19, 10, 0, time.UTC)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	for _, in := range []time.Time{instant, instant.In(ny), instant.Local()} {
		if got := Timestamp(in); got != "2026-11-25 00:19:10" {
			t.Errorf("Timestamp(%v) = %s, want 2026-11-25 00:19:10", in, got)
		}
	}
	back, err := ParseTimestamp("2026-11-25 00:19:10")
	if err != nil || !back.Equal(instant) {
		t.Fatalf("ParseTimestamp gave %v, %v; want %v", back, err, instant)
	}
}

func TestVerifyBytesRejectsOtherContentKeyAndGarbage(t *testing.T) {
	key := alipayKey(t)
	sign, err := SignBytes(key, RSA2, []byte("content"))
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyBytes(&key.PublicKey, RSA2, []byte("content"), sign); err != nil {
		t.Fatalf("own signature rejected: %v", err)
	}
	if VerifyBytes(&key.PublicKey, RSA2, []byte("Content"), sign) == nil {
		t.Error("other content verified")
	}
	if VerifyBytes(&appKey(t).PublicKey, RSA2, []byte("content"), sign) == nil {
		t.Error("other key verified")
	}
	if VerifyBytes(&key.PublicKey, RSA, []byte("content"), sign) == nil {
		t.Error("RSA2 signature verified as RSA")
	}
	if err := VerifyBytes(&key.PublicKey, RSA2, []byte("content"), "%%%"); err == nil {
		t.Error("non-base64 signature verified")
	}
}

func TestParseSignTypeAndCharsetSayWhatIsAccepted(t *testing.T) {
	if _, err := ParseSignType("SM2"); err == nil || !bytes.Contains([]byte(err.Error()), []byte("use RSA2")) {
		t.Errorf("ParseSignType(SM2) error = %v", err)
	}
	if got, _ := ParseSignType("rsa2"); got != RSA2 {
		t.Errorf("rsa2 -> %s", got)
	}
	if _, err := NormalizeCharset("latin1"); err == nil || !bytes.Contains([]byte(err.Error()), []byte("utf-8 or GBK")) {
		t.Errorf("NormalizeCharset(latin1) error = %v", err)
	}
	if got, _ := NormalizeCharset("gbk"); got != CharsetGBK {
		t.Errorf("gbk -> %s", got)
	}
}
