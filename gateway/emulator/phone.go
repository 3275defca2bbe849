package emulator

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"aliauth/gateway"
	"aliauth/internal/atomicfile"
)

// PhoneCase is how POST /emulator/phone answers, standing in for what
// my.getPhoneNumber gives a mini program in each situation its
// documentation and FAQ describe.
type PhoneCase string

// The cases the emulator issues.
const (
	// PhoneOK: the phone number, encrypted and signed.
	PhoneOK PhoneCase = "ok"
	// PhoneNoEncryption: 接口内容加密方式 is not set: 40001
	// isv.missing-encrypt-key, neither encrypted nor signed.
	PhoneNoEncryption PhoneCase = "no-encryption"
	// PhoneNoAuthorization: the user did not authorize: 40003
	// isv.invalid-auth-relations, encrypted and signed.
	PhoneNoAuthorization PhoneCase = "no-auth"
	// PhoneNoPermission: the product is not bound: 40006, encrypted and signed.
	PhoneNoPermission PhoneCase = "no-permission"
	// PhoneBusy: 20000 aop.unknow-error.
	PhoneBusy PhoneCase = "busy"
	// PhoneUnsigned: encrypted, but no sign: 接口加签方式 or 应用网关 is not set.
	PhoneUnsigned PhoneCase = "unsigned"
	// PhoneUnquoted: signed over the ciphertext without its quotes, the
	// mistake a hand-made payload makes.
	PhoneUnquoted PhoneCase = "unquoted"
)

// phoneErrors are the decrypted contents of the error cases, worded as the
// documentation's examples (camel-case subCode and subMsg, / escaped).
var phoneErrors = map[PhoneCase]string{
	PhoneNoEncryption:    `{"code":"40001","msg":"Missing Required Arguments","subCode":"isv.missing-encrypt-key","subMsg":"缺少加密配置"}`,
	PhoneNoAuthorization: `{"code":"40003","msg":"Insufficient Conditions","subCode":"isv.invalid-auth-relations","subMsg":"无效的授权关系"}`,
	PhoneNoPermission:    `{"code":"40006","msg":"Insufficient Permissions","subCode":"isv.insufficient-isv-permissions","subMsg":"ISV权限不足，建议在开发者中心检查对应功能是否已经添加，解决办法详见：https:\/\/docs.open.alipay.com\/common\/isverror"}`,
	PhoneBusy:            `{"code":"20000","msg":"Service Currently Unavailable","subCode":"aop.unknow-error","subMsg":"系统繁忙"}`,
}

// aesKeys are the apps' AES keys, made on first use and kept in the
// emulator's directory (aes_keys.json, 0600) like its other keys.
type aesKeys struct {
	mu   sync.Mutex
	keys map[string]gateway.AESKey
}

const aesKeysFile = "aes_keys.json"

// AESKey is app appID's content encryption key (接口内容加密方式), made on
// first use: the key that decrypts the phone payloads the emulator issues.
func (e *Emulator) AESKey(appID string) (gateway.AESKey, error) {
	if _, ok := e.App(appID); !ok {
		return gateway.AESKey{}, fmt.Errorf("app id %q is not registered with the emulator", appID)
	}
	e.aes.mu.Lock()
	defer e.aes.mu.Unlock()
	if e.aes.keys == nil {
		keys, err := e.loadAESKeys()
		if err != nil {
			return gateway.AESKey{}, err
		}
		e.aes.keys = keys
	}
	if k, ok := e.aes.keys[appID]; ok {
		return k, nil
	}
	k := gateway.NewAESKey()
	e.aes.keys[appID] = k
	return k, e.saveAESKeys()
}

func (e *Emulator) loadAESKeys() (map[string]gateway.AESKey, error) {
	keys := map[string]gateway.AESKey{}
	if e.cfg.Dir == "" {
		return keys, nil
	}
	path := filepath.Join(e.cfg.Dir, aesKeysFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return keys, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read emulator AES keys %s: %w", path, err)
	}
	var stored map[string]string
	if err := json.Unmarshal(data, &stored); err != nil {
		return nil, fmt.Errorf("emulator AES keys %s is damaged (%v); remove it to start over", path, err)
	}
	for app, s := range stored {
		k, err := gateway.ParseAESKey(s)
		if err != nil {
			return nil, fmt.Errorf("emulator AES keys %s, app %s: %w", path, app, err)
		}
		keys[app] = k
	}
	return keys, nil
}

func (e *Emulator) saveAESKeys() error {
	if e.cfg.Dir == "" {
		return nil
	}
	stored := make(map[string]string, len(e.aes.keys))
	for app, k := range e.aes.keys {
		stored[app] = k.Reveal()
	}
	data, err := json.MarshalIndent(stored, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(e.cfg.Dir, aesKeysFile), data, 0o600)
}

// mobileOf is a user's phone number: stable for the user, shaped like a
// mainland mobile number.
func mobileOf(userID string) string {
	sum := sha256.Sum256([]byte("mobile\x00" + userID))
	n := new(big.Int).SetBytes(sum[:8])
	return fmt.Sprintf("13%09d", n.Mod(n, big.NewInt(1e9)))
}

// PhonePayload makes what my.getPhoneNumber gives the mini program in res:
// {"response":"<the payload as a JSON string>"}, the payload being
// {"response":"<ciphertext>","sign":"...","sign_type":"RSA2","encrypt_type":"AES","charset":"UTF-8"}
// (the documentation's example, in its order). The content is encrypted
// with the app's AES key (AES-128-CBC, zero IV, PKCS#5) and the sign is
// over the ciphertext in quotes, with the emulator's Alipay key.
func (e *Emulator) PhonePayload(appID, userID string, c PhoneCase) ([]byte, error) {
	if c == "" {
		c = PhoneOK
	}
	if userID == "" {
		userID = DemoUsers[0]
	}
	content, ok := phoneErrors[c]
	switch {
	case c == PhoneOK || c == PhoneUnsigned || c == PhoneUnquoted:
		content = string(marshalV2(struct {
			Code   string `json:"code"`
			Msg    string `json:"msg"`
			Mobile string `json:"mobile"`
		}{"10000", "Success", mobileOf(userID)}))
	case !ok:
		return nil, fmt.Errorf("phone case %q is not one of ok, no-encryption, no-auth, no-permission, busy, unsigned, unquoted", c)
	}
	var payload []byte
	if c == PhoneNoEncryption {
		// Nothing to encrypt with, and so nothing signed.
		payload = []byte(`{"response":` + content + `}`)
	} else {
		key, err := e.AESKey(appID)
		if err != nil {
			return nil, err
		}
		ciphertext, err := key.Encrypt([]byte(content))
		if err != nil {
			return nil, err
		}
		signed := `"` + ciphertext + `"`
		if c == PhoneUnquoted {
			signed = ciphertext
		}
		var p struct {
			Response    string `json:"response"`
			Sign        string `json:"sign,omitempty"`
			SignType    string `json:"sign_type,omitempty"`
			EncryptType string `json:"encrypt_type"`
			Charset     string `json:"charset"`
		}
		p.Response, p.EncryptType, p.Charset = ciphertext, "AES", "UTF-8"
		if c != PhoneUnsigned {
			if p.Sign, err = gateway.SignBytes(e.alipayKey, gateway.RSA2, []byte(signed)); err != nil {
				return nil, err
			}
			p.SignType = string(gateway.RSA2)
		}
		payload = marshalV2(p)
	}
	return json.Marshal(map[string]string{"response": string(payload)})
}

// servePhone answers POST /emulator/phone (form: app_id, user_id,
// case=ok|no-encryption|no-auth|no-permission|busy|unsigned|unquoted) with
// a my.getPhoneNumber result, standing in for the mini program.
func (e *Emulator) servePhone(w http.ResponseWriter, r *http.Request) {
	appID, ok := e.controlForm(w, r)
	if !ok {
		return
	}
	res, err := e.PhonePayload(appID, r.Form.Get("user_id"), PhoneCase(r.Form.Get("case")))
	if err != nil {
		writeControlError(w, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(res)
}
