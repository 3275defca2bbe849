package gateway

import (
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// MiniKeys are the keys that open a mini program payload.
type MiniKeys struct {
	// AlipayPublicKey verifies the sign; nil skips verification (said loudly).
	AlipayPublicKey *rsa.PublicKey
	// AlipayKeySource says where the key came from, for the result.
	AlipayKeySource string
	// AESKey decrypts; it never appears in a result.
	AESKey AESKey
}

// PhoneResult is my.getPhoneNumber's payload verified and decrypted. It
// holds the AES key's fingerprint only, so it can be stored and printed.
type PhoneResult struct {
	Payload      *MiniPayload  `json:"payload"`
	Verification *Verification `json:"verification"`
	// AESKey is the fingerprint of the key that decrypted the payload.
	AESKey string `json:"aes_key,omitempty"`
	// Plaintext is the decrypted content, {"code":"10000","msg":"Success","mobile":"..."}.
	Plaintext string `json:"plaintext,omitempty"`
	Mobile    string `json:"mobile,omitempty"`
	// Error is the content's error code, explained.
	Error    *APIError `json:"error,omitempty"`
	Outcome  Outcome   `json:"outcome"`
	Warnings []string  `json:"warnings,omitempty"`
}

// miniContent is the decrypted content; the mini program's payloads write
// subCode and subMsg in camel case, the gateway's in snake case.
type miniContent struct {
	Code       string `json:"code"`
	Msg        string `json:"msg"`
	SubCode    string `json:"subCode"`
	SubMsg     string `json:"subMsg"`
	SubCodeAlt string `json:"sub_code"`
	SubMsgAlt  string `json:"sub_msg"`
	Mobile     string `json:"mobile"`
}

func (c miniContent) apiError(explain map[string]Explanation) *APIError {
	if c.Code == "10000" || (c.Code == "" && c.SubCode == "" && c.SubCodeAlt == "") {
		return nil
	}
	e := &APIError{Code: c.Code, Msg: c.Msg, SubCode: c.SubCode, SubMsg: c.SubMsg}
	if e.SubCode == "" {
		e.SubCode, e.SubMsg = c.SubCodeAlt, c.SubMsgAlt
	}
	x, ok := explain[e.SubCode]
	if !ok {
		x, ok = Explain(e.Code, e.SubCode)
	}
	if ok {
		e.Meaning, e.Hint = x.Meaning, x.Hint
	}
	return e
}

// phoneCodes explains what my.getPhoneNumber's content says, from its
// documentation and FAQ (获取会员手机号).
var phoneCodes = map[string]Explanation{
	"isv.missing-encrypt-key": {
		Meaning: "the mini program has no 接口内容加密方式 (AES key) configured, so Alipay cannot encrypt the phone number and answers this instead (40001, 缺少加密配置)",
		Hint:    "set the AES key in the Alipay console: the mini program → 开发设置 → 接口内容加密方式, and decrypt with that key",
	},
	"isv.invalid-auth-relations": {
		Meaning: "the user has not authorized the phone number (40003, 无效的授权关系): my.getPhoneNumber was called without the user tapping the authorization button, or the authorization lapsed",
		Hint:    `call my.getPhoneNumber from the onGetAuthorize of <button open-type="getAuthorize" scope="phoneNumber">, after the user agrees; my.getSetting tells whether phoneNumber is authorized`,
	},
	"isv.insufficient-isv-permissions": {
		Meaning: "the mini program may not read phone numbers (40006, ISV权限不足): the 获取会员手机号 product is not bound, or its 用户信息申请 is not approved",
		Hint:    "bind 获取会员手机号 to the mini program in the console and apply for the phone number under 用户信息申请 (with the main or admin account)",
	},
	"isv.missing-default-signature-type": {
		Meaning: "the mini program has no default sign type (40001, 应用未设置默认签名类型)",
		Hint:    "set 接口加签方式 (the Alipay public key) and the 应用网关 in the console, or save the keys again",
	},
	"isv.invalid-encrypt": {
		Meaning: "Alipay failed to encrypt with the configured AES key (40002, 加密异常)",
		Hint:    "set the AES key again under 接口内容加密方式, then use the new key",
	},
	"aop.unknow-error": {
		Meaning: "Alipay was busy (20000, 系统繁忙)",
		Hint:    "call my.getPhoneNumber again a little later",
	},
}

// OpenPhone verifies and decrypts what my.getPhoneNumber gave the mini
// program (res.response, the whole object or its JSON string): the sign
// over the quoted ciphertext with the Alipay public key, then AES-CBC with
// a zero IV and PKCS#5 padding (the official Java SDK's AesEncrypt) with
// the AES key.
//
// The result is nil only when the payload cannot be read (ErrBadPayload).
// The error is nil for a verified phone number; ErrNoAESKey or
// ErrWrongAESKey when it does not decrypt; a *VerificationError when the
// sign failed, is missing, or covers the unquoted text; an *APIError when
// the content is an error code (explained).
func OpenPhone(payload []byte, k MiniKeys) (*PhoneResult, error) {
	p, err := ParseMiniPayload(payload)
	if err != nil {
		return nil, err
	}
	r := &PhoneResult{Payload: p, Verification: verifyMini(p, k.AlipayPublicKey, describeKey(k.AlipayPublicKey, k.AlipayKeySource))}
	plain := []byte(p.Response)
	if p.Encrypted {
		if p.EncryptType != "" && p.EncryptType != "AES" {
			return r, fmt.Errorf("%w: encrypt_type %q; Alipay encrypts with AES", ErrBadPayload, p.EncryptType)
		}
		r.AESKey = k.AESKey.Fingerprint()
		if plain, err = k.AESKey.Decrypt(p.Response); err != nil {
			return r, err
		}
		if !json.Valid(plain) {
			return r, fmt.Errorf("%w (it decrypts, but not to JSON)", ErrWrongAESKey)
		}
	}
	if !utf8.Valid(plain) {
		plain = []byte(decodeGBK(plain))
	}
	r.Plaintext = string(plain)
	var c miniContent
	if err := json.Unmarshal(plain, &c); err != nil {
		return r, fmt.Errorf("%w: the content is not a JSON object: %v", ErrBadPayload, err)
	}
	r.Mobile = c.Mobile
	r.Error = c.apiError(phoneCodes)
	err = r.settle()
	if err == nil && r.Mobile == "" {
		r.Warnings = append(r.Warnings, "mobile is empty: the user's Alipay account has no phone number bound (账号管理 → 绑定手机号)")
	}
	return r, err
}

// settle decides the outcome as a gateway call's is decided: a failed or
// misplaced signature is never trusted, an error is an error even
// unsigned, an unsigned success is untrusted.
func (r *PhoneResult) settle() error {
	v := r.Verification
	switch {
	case v.Status == VerifyFailed || v.Status == VerifiedUnquoted:
		r.Outcome = OutcomeUntrusted
		return &VerificationError{Status: v.Status, Detail: v.Detail}
	case r.Error != nil:
		r.Outcome = OutcomeGatewayError
		return r.Error
	case v.Status == Unsigned:
		r.Outcome = OutcomeUntrusted
		return &VerificationError{Status: v.Status, Detail: v.Detail}
	}
	r.Outcome = OutcomeSuccess
	switch v.Status {
	case Skipped:
		r.Warnings = append(r.Warnings, v.Detail)
	case VerifiedNormalized:
		r.Warnings = append(r.Warnings, "verified after whitespace normalization: this is not the raw payload")
	}
	return nil
}
