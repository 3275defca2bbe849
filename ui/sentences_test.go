package ui

import "testing"

// A finished English text is read back into the format that made it and
// worded with its translation; its arguments are worded in turn, a joined
// text part by part, and a text no format made stays as it is.
func TestSentencesWordFinishedTexts(t *testing.T) {
	s := newSentences(map[string]string{
		"%s matches the raw bytes of %s (%d bytes)":       "%s 与 %s 的原始字节（%d 字节）一致",
		"the emulator read the timestamp as %s its clock": "模拟器认为时间戳%s它的时钟",
		"%s behind":                          "落后 %s",
		"the key is %q, not %q":              "密钥是 %[2]s 而不是 %[1]s",
		"no Alipay public key is configured": "未配置支付宝公钥",
		"%d%% of the body":                   "报文的 %d%%",
		"%s: %s":                             "%s：%s",
		"the signature does not match: %v":   "签名不匹配：%v",
		"the payload was altered, or the key is not Alipay's": "报文被改动，或密钥不是支付宝的",
	})
	for text, want := range map[string]string{
		"SHA256withRSA matches the raw bytes of alipay_system_oauth_token_response (690 bytes)": "SHA256withRSA 与 alipay_system_oauth_token_response 的原始字节（690 字节）一致",
		"the emulator read the timestamp as 8h0m0s behind its clock":                            "模拟器认为时间戳落后 8h0m0s它的时钟",
		`the key is "a", not "b"`:                                                           `密钥是 "b" 而不是 "a"`,
		"no Alipay public key is configured; 40% of the body":                               "未配置支付宝公钥；报文的 40%",
		"the signature does not match: the payload was altered, or the key is not Alipay's": "签名不匹配：报文被改动，或密钥不是支付宝的",
		"alipay_system_oauth_token_response: isv.code-invalid":                              "alipay_system_oauth_token_response: isv.code-invalid",
		"SHA256withRSA matches the raw bytes of x (many bytes)":                             "SHA256withRSA matches the raw bytes of x (many bytes)",
		"": "",
	} {
		for range 2 { // the second time from memory
			if got := s.say(text); got != want {
				t.Errorf("%q\n got %q\nwant %q", text, got, want)
			}
		}
	}
}

// englishProse finds English left in a Chinese text, and only English.
func TestEnglishProse(t *testing.T) {
	for s, want := range map[string]string{
		"签名不匹配： the payload was altered, or":                    "the payload was altered",
		"SHA256withRSA 与 alipay_system_oauth_token_response 一致": "",
		"检查 --alipay-public-key 与 isv.code-invalid":             "",
	} {
		if got := englishProse(s); got != want {
			t.Errorf("englishProse(%q) = %q, want %q", s, got, want)
		}
	}
}
