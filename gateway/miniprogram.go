package gateway

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrBadPayload is wrapped by every error about a mini program payload that
// cannot be read.
var ErrBadPayload = errors.New("not a mini program payload")

// MiniPayload is what my.getPhoneNumber or my.getOpenUserInfo handed the
// mini program in res.response, taken apart: for an encrypted answer,
// {"response":"<base64 ciphertext>","sign":"...","sign_type":"RSA2",
// "encrypt_type":"AES","charset":"UTF-8"} (Alipay's 接口内容加解密方式
// documentation and my.getPhoneNumber's); unencrypted, the response is the
// JSON object itself.
type MiniPayload struct {
	// Response is the content: the base64 ciphertext when Encrypted, else
	// the JSON object as written.
	Response  string `json:"response"`
	Encrypted bool   `json:"encrypted"`
	Sign      string `json:"sign,omitempty"`
	HasSign   bool   `json:"has_sign"`
	// SignType, EncryptType and Charset default to RSA2, AES and UTF-8, as
	// the documentation says.
	SignType    SignType `json:"sign_type"`
	EncryptType string   `json:"encrypt_type"`
	Charset     string   `json:"charset"`
}

// maxPayloadDepth bounds how many times a payload may be wrapped in a JSON
// string or in res: res.response is itself a JSON string, often logged as
// a string again.
const maxPayloadDepth = 4

// ParseMiniPayload reads what a developer pastes: the whole res object, its
// response (the JSON string my.getPhoneNumber gives), that string quoted
// again, or the decrypted content itself.
func ParseMiniPayload(data []byte) (*MiniPayload, error) {
	data = bytes.TrimSpace(data)
	for range maxPayloadDepth {
		if len(data) == 0 {
			return nil, fmt.Errorf("%w: the input is empty; paste res.response from my.getPhoneNumber (the whole object or its JSON string)", ErrBadPayload)
		}
		if data[0] == '"' {
			var s string
			if err := json.Unmarshal(data, &s); err != nil {
				return nil, fmt.Errorf("%w: it starts as a JSON string but is not one (%v)", ErrBadPayload, err)
			}
			data = bytes.TrimSpace([]byte(s))
			continue
		}
		if data[0] != '{' {
			return nil, fmt.Errorf("%w: it is not JSON; paste res.response from my.getPhoneNumber (the whole object or its JSON string)", ErrBadPayload)
		}
		members, err := scanObject(data)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadPayload, err)
		}
		p, inner, err := payloadOf(data, members)
		if err != nil {
			return nil, err
		}
		if inner != nil {
			data = inner
			continue
		}
		return p, nil
	}
	return nil, fmt.Errorf("%w: it is wrapped more than %d times", ErrBadPayload, maxPayloadDepth)
}

// payloadOf reads one object level. inner is set when the object is res
// around the real payload.
func payloadOf(data []byte, members []member) (p *MiniPayload, inner []byte, err error) {
	raw := map[string][]byte{}
	for _, m := range members {
		raw[m.key] = data[m.start:m.end]
	}
	str := func(keys ...string) (string, bool) {
		for _, k := range keys {
			if v, ok := raw[k]; ok {
				var s string
				if json.Unmarshal(v, &s) == nil {
					return s, true
				}
			}
		}
		return "", false
	}
	p = &MiniPayload{SignType: RSA2, EncryptType: "AES", Charset: "UTF-8"}
	p.Sign, p.HasSign = str("sign")
	if st, ok := str("sign_type", "signType"); ok {
		p.SignType = SignType(strings.ToUpper(st))
	}
	if et, ok := str("encrypt_type", "encryptType"); ok {
		p.EncryptType = et
	}
	if cs, ok := str("charset"); ok {
		p.Charset = cs
	}
	response, ok := raw["response"]
	switch {
	case !ok && raw["code"] != nil:
		// The content itself, already decrypted or never encrypted.
		p.Response = string(data)
		return p, nil, nil
	case !ok:
		return nil, nil, fmt.Errorf("%w: the object has no response member; paste res.response", ErrBadPayload)
	case response[0] == '{':
		p.Response = string(response)
		return p, nil, nil
	case response[0] != '"':
		return nil, nil, fmt.Errorf("%w: response is neither a string nor an object", ErrBadPayload)
	}
	var s string
	_ = json.Unmarshal(response, &s) // the scanner checked the string
	trimmed := strings.TrimSpace(s)
	if !strings.HasPrefix(trimmed, "{") {
		p.Response, p.Encrypted = s, true
		return p, nil, nil
	}
	// A JSON text: res around the payload when it has a response of its
	// own and this level carries no sign, else unencrypted content.
	var probe map[string]json.RawMessage
	if json.Unmarshal([]byte(trimmed), &probe) == nil && probe["response"] != nil && !p.HasSign {
		return nil, []byte(trimmed), nil
	}
	p.Response = trimmed
	return p, nil, nil
}

// VerifiedUnquoted: the signature matches the ciphertext without the quotes
// Alipay signs it with.
const VerifiedUnquoted VerifyStatus = "verified-unquoted"

// verifyMini checks a payload's sign with the Alipay public key. Alipay
// signs an encrypted response as the JSON string it is, quotes included
// (the documentation's server code: signContent = "\"" + content + "\"",
// then AlipaySignature.rsaCheck); an unencrypted one as the object as
// written.
func verifyMini(p *MiniPayload, key *rsa.PublicKey, keySource string) *Verification {
	v := &Verification{Sign: p.Sign, Key: keySource}
	content := []byte(p.Response)
	if p.Encrypted {
		content = []byte(`"` + p.Response + `"`)
	}
	v.SignedContent = string(content)
	algo := p.SignType.Algorithm()
	switch {
	case p.SignType != RSA2 && p.SignType != RSA:
		v.Status = VerifyFailed
		v.Detail = fmt.Sprintf("sign_type %q is not RSA2 or RSA", p.SignType)
	case !p.HasSign || p.Sign == "":
		v.Status = Unsigned
		v.Detail = "the payload carries no sign, so nothing vouches for it: Alipay leaves sign out when the mini program's 接口加签方式 (Alipay public key), 接口内容加密方式 (AES key) or 应用网关 is not configured; set all three in the console"
	case key == nil:
		v.Status = Skipped
		v.Detail = "no Alipay public key is configured, so the payload was NOT verified; configure the Alipay public key"
	case VerifyBytes(key, p.SignType, content, p.Sign) == nil:
		v.Status = Verified
		if p.Encrypted {
			v.Detail = fmt.Sprintf("%s matches the ciphertext in quotes (%d bytes), as Alipay signs an encrypted response", algo, len(content))
		} else {
			v.Detail = fmt.Sprintf("%s matches the response object as written (%d bytes)", algo, len(content))
		}
	case p.Encrypted && VerifyBytes(key, p.SignType, []byte(p.Response), p.Sign) == nil:
		v.Status = VerifiedUnquoted
		v.SignedContent = p.Response
		v.Detail = "the signature matches the ciphertext WITHOUT the quotes Alipay signs it with: this payload was not signed the way Alipay signs, so something other than Alipay made or re-signed it; a server that verifies as Alipay documents (\"\\\"\" + response + \"\\\"\") rejects it. Dropping the quotes is a known SDK slip (alipay-sdk-nodejs-all issue 82: an encrypted response cut out without its quotes fails verification); if your server verifies without the quotes, add them"
	default:
		v.Status = VerifyFailed
		v.Detail = fmt.Sprintf("%s does not match the response with the configured Alipay public key, quoted or not: the payload was altered, or the key is not this mini program's Alipay public key (支付宝公钥; sandbox and production differ)", algo)
		if !p.Encrypted {
			var compact bytes.Buffer
			if json.Compact(&compact, content) == nil && VerifyBytes(key, p.SignType, compact.Bytes(), p.Sign) == nil {
				v.Status = VerifiedNormalized
				v.SignedContent = compact.String()
				v.Detail = "verified after whitespace normalization: this is not the raw payload"
			}
		}
	}
	return v
}
