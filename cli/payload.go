package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"aliauth/config"
	"aliauth/gateway"
	"aliauth/keys"
)

// The mini program's payloads: what my.getPhoneNumber and my.getOpenUserInfo
// hand the mini program, which its server must check. They are read
// offline, like verify, and not recorded in history: the phone number is
// the user's, and the AES key must stay where the user keeps it.

func (a *app) runPhone(ctx context.Context, args []string) error {
	var o options
	fs := a.newFlagSet("phone", "[FILE|-] [flags]",
		"Verify and decrypt what my.getPhoneNumber gave the mini program (res.response: the whole res, its\n"+
			"JSON string, or that string quoted again), from a file or standard input (-, the default): the sign over\n"+
			"the quoted ciphertext with the Alipay public key, then AES-128-CBC with the app's AES key.\n"+
			"Exit status 0 decrypted and verified, 1 the content is an error code, 2 bad input or an AES key that\n"+
			"does not open it, 4 the signature failed, is missing, or covers the unquoted ciphertext.\n"+
			"Against the built-in emulator: curl -s -X POST http://127.0.0.1:PORT/emulator/phone | aliauth phone")
	o.profileFlags(fs)
	fs.StringVar(&o.AESKey, "aes-key", "", "the 接口内容加密方式 AES key: the key, env:VAR or a FILE holding it (env ALIAUTH_AES_KEY, aes_key in the profile; never printed)")
	fs.BoolVar(&o.jsonOut, "json", false, "print the result as JSON (the AES key by its fingerprint only)")
	fs.BoolVar(&o.verbose, "v", false, "show the signed content, the sign and the ciphertext")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	body, what, err := a.readFileArg(fs, args)
	if err != nil {
		return err
	}
	mk, noAESKey, err := a.miniKeys(&o)
	if err != nil {
		return err
	}
	r, err := gateway.OpenPhone(body, mk)
	if errors.Is(err, gateway.ErrNoAESKey) {
		err = noAESKey
	}
	if r == nil {
		return usageError("%s: %v", what, err)
	}
	if o.jsonOut {
		out := struct {
			*gateway.PhoneResult
			Problem string `json:"problem,omitempty"`
		}{PhoneResult: r}
		if payloadStatus(err) == ExitUsage {
			out.Problem = err.Error()
		}
		if err := writeJSON(a.stdout, out); err != nil {
			return err
		}
	} else {
		printPhone(a.stdout, r, err, o.verbose)
	}
	if status := payloadStatus(err); status != ExitOK {
		return silentExit(status)
	}
	return nil
}

func (a *app) runOpenUserInfo(ctx context.Context, args []string) error {
	var o options
	fs := a.newFlagSet("openuserinfo", "[FILE|-] [flags]",
		"Read what my.getOpenUserInfo gave the mini program (res.response, the whole res, or the answer itself), from\n"+
			"a file or standard input (-, the default): its fields, and what its error codes mean. The answer is never\n"+
			"signed, so it proves nothing about who the user is.\n"+
			"Exit status 0 an answer with the user's fields, 1 an error code, 2 bad input.")
	fs.BoolVar(&o.jsonOut, "json", false, "print the answer as JSON")
	fs.BoolVar(&o.verbose, "v", false, "show the answer as received")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	body, what, err := a.readFileArg(fs, args)
	if err != nil {
		return err
	}
	u, err := gateway.ParseOpenUserInfo(body)
	if err != nil {
		return usageError("%s: %v", what, err)
	}
	if o.jsonOut {
		if err := writeJSON(a.stdout, u); err != nil {
			return err
		}
	} else {
		printOpenUserInfo(a.stdout, u, o.verbose)
	}
	if u.Error != nil {
		return silentExit(payloadStatus(u.Error))
	}
	return nil
}

// miniKeys are the keys that open a phone payload: the Alipay public key
// from --alipay-public-key (or its variable), else the profile's; the AES
// key from --aes-key, ALIAUTH_AES_KEY or the profile, else, against the
// built-in emulator, the emulator's. The profile is opened only when one of
// them must come from it. With no AES key configured the key is left zero,
// since an unencrypted payload needs none, and noAESKey says how to give
// one.
func (a *app) miniKeys(o *options) (mk gateway.MiniKeys, noAESKey error, err error) {
	l, err := a.loader(o)
	if err != nil {
		return mk, nil, err
	}
	defer l.Close()
	p, err := l.Active()
	if err != nil {
		return mk, nil, usage(err)
	}
	var session *config.Session
	open := func() (*config.Session, error) {
		if session != nil {
			return session, nil
		}
		s, err := l.OpenActive()
		if err != nil {
			return nil, err
		}
		session = s
		return s, nil
	}

	if source := firstSet(o.AlipayPublicKey, os.Getenv("ALIAUTH_ALIPAY_PUBLIC_KEY")); source != "" {
		if mk.AlipayPublicKey, _, err = keys.LoadPublicKey(config.ExpandHome(source)); err != nil {
			return mk, nil, usage(fmt.Errorf("Alipay public key: %w", err))
		}
		mk.AlipayKeySource = config.SourceName(source)
	} else {
		s, err := open()
		if err != nil {
			return mk, nil, usageError("no Alipay public key to verify the sign: pass --alipay-public-key FILE (%v)", err)
		}
		prof := s.Client.Profile()
		if prof.AlipayPublicKey == nil {
			return mk, nil, usageError("no Alipay public key to verify the sign: pass --alipay-public-key FILE, the 支付宝公钥 of the mini program's environment")
		}
		mk.AlipayPublicKey, mk.AlipayKeySource = prof.AlipayPublicKey, prof.AlipayKeySource
	}

	switch {
	case p.AESKey != "":
		mk.AESKey, err = config.LoadAESKey(p.AESKey)
	case p.Emulator:
		var s *config.Session
		if s, err = open(); err == nil {
			mk.AESKey, err = s.AESKey()
		}
	default:
		_, noAESKey = config.LoadAESKey("")
	}
	if err != nil {
		return mk, nil, usage(err)
	}
	return mk, noAESKey, nil
}

func firstSet(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// printPhone is phone's account of a payload: the verdict and the phone
// number first, then what the content says, then how it was checked.
func printPhone(w io.Writer, r *gateway.PhoneResult, err error, verbose bool) {
	v := r.Verification
	var verr *gateway.VerificationError
	var apiErr *gateway.APIError
	switch {
	case err == nil:
		fmt.Fprintln(w, "✓ phone number decrypted · "+v.Status.Verdict())
	case errors.As(err, &verr):
		fmt.Fprintln(w, "✗ untrusted payload · "+v.Status.Verdict())
	case errors.As(err, &apiErr):
		fmt.Fprintln(w, "✗ my.getPhoneNumber answered an error · "+v.Status.Verdict())
	default:
		fmt.Fprintln(w, "✗ not decrypted · "+v.Status.Verdict())
	}
	fmt.Fprintln(w)
	switch {
	case r.Mobile != "" && err != nil:
		field(w, "mobile", r.Mobile+"   (decrypted, but do NOT use it: the payload is untrusted)")
	case r.Mobile != "":
		field(w, "mobile", r.Mobile)
	}
	if r.Error != nil {
		printMiniError(w, r.Error)
	}
	if payloadStatus(err) == ExitUsage {
		field(w, "problem", err.Error())
	}
	if verr != nil {
		field(w, "what to do", "do not use this payload; check that the Alipay public key is this mini program's (sandbox and production differ) and that the payload is exactly what my.getPhoneNumber returned")
	}
	for _, warn := range r.Warnings {
		field(w, "!", warn)
	}
	fmt.Fprintln(w)
	field(w, "signature", string(v.Status)+": "+v.Detail)
	if v.Key != "" {
		field(w, "key", v.Key)
	}
	p := r.Payload
	encryption := "not encrypted"
	if p.Encrypted {
		encryption = "encrypt_type " + p.EncryptType
	}
	field(w, "payload", fmt.Sprintf("sign_type %s · %s · charset %s", p.SignType, encryption, p.Charset))
	if r.AESKey != "" {
		field(w, "AES key", r.AESKey+"   (its fingerprint; the key itself is never shown)")
	}
	if r.Plaintext != "" {
		field(w, "content", r.Plaintext)
	}
	if verbose {
		field(w, "signed content", v.SignedContent)
		if v.Sign != "" {
			field(w, "sign", v.Sign)
		}
	}
}

// printOpenUserInfo is openuserinfo's account of an answer.
func printOpenUserInfo(w io.Writer, u *gateway.OpenUserInfo, verbose bool) {
	if u.Error != nil {
		fmt.Fprintln(w, "✗ my.getOpenUserInfo answered an error · unsigned, as it always is")
	} else {
		fmt.Fprintln(w, "✓ my.getOpenUserInfo answered · unsigned, as it always is: it proves nothing")
	}
	fmt.Fprintln(w)
	for _, f := range [][2]string{
		{"nickName", u.NickName}, {"avatar", u.Avatar}, {"gender", u.Gender},
		{"countryCode", u.CountryCode}, {"province", u.Province}, {"city", u.City},
	} {
		if f[1] != "" {
			field(w, f[0], f[1])
		}
	}
	if u.Error != nil {
		printMiniError(w, u.Error)
	}
	for _, n := range u.Notes {
		field(w, "!", n)
	}
	if verbose {
		fmt.Fprintln(w)
		field(w, "content", u.Content)
	}
}

// printMiniError explains a mini program API's error code.
func printMiniError(w io.Writer, e *gateway.APIError) {
	code := e.Code
	if e.SubCode != "" {
		code += " " + e.SubCode
	}
	field(w, "code", code)
	field(w, "Alipay says", errorWords(e))
	printMeaning(w, e, "Alipay's")
}
