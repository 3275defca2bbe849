package config

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// The settings of the login surface beyond the token exchange: the app's
// 授权回调地址 and the catcher's address for authorizations, the AES key
// for mini program payloads, and the app_auth_token of a third-party app.

// LoadAESKey reads the AES key a setting names: "env:VAR", a file that holds
// it, or the key text itself. No error quotes the key.
func LoadAESKey(source string) (gateway.AESKey, error) {
	source = strings.TrimSpace(source)
	if source == "" {
		return gateway.AESKey{}, explainAESKey(gateway.ErrNoAESKey)
	}
	if name, ok := strings.CutPrefix(source, "env:"); ok {
		v := os.Getenv(name)
		if strings.TrimSpace(v) == "" {
			return gateway.AESKey{}, fmt.Errorf("AES key: the variable %s that %s names is not set", name, source)
		}
		k, err := gateway.ParseAESKey(v)
		if err != nil {
			return gateway.AESKey{}, fmt.Errorf("AES key from %s: %w", source, err)
		}
		return k, nil
	}
	path := ExpandHome(source)
	data, err := os.ReadFile(path)
	if err == nil {
		k, err := gateway.ParseAESKey(string(data))
		if err != nil {
			return gateway.AESKey{}, fmt.Errorf("AES key file %s: %w", source, err)
		}
		return k, nil
	}
	k, perr := gateway.ParseAESKey(source)
	if perr == nil {
		return k, nil
	}
	// Base64 has no '.' or '~'; a value with one was meant as a path.
	if strings.ContainsAny(source, ".~") || !errors.Is(err, fs.ErrNotExist) {
		return gateway.AESKey{}, fmt.Errorf("read AES key file %s: %w", source, err)
	}
	return gateway.AESKey{}, fmt.Errorf("AES key given as text: %w", perr)
}

// explainAESKey names the ways to give the AES key.
func explainAESKey(err error) error {
	return fmt.Errorf("%w; give it with --aes-key KEY (the key, env:VAR or a file), ALIAUTH_AES_KEY, or aes_key in the profile", err)
}

// loadAppAuthToken reads app_auth_token: the token, or "env:VAR".
func loadAppAuthToken(source string) (string, error) {
	source = strings.TrimSpace(source)
	name, ok := strings.CutPrefix(source, "env:")
	if !ok {
		return source, nil
	}
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return "", fmt.Errorf("app_auth_token: the variable %s that %s names is not set (--app-auth-token, ALIAUTH_APP_AUTH_TOKEN or app_auth_token in the profile)", name, source)
	}
	return v, nil
}

// CheckRedirect checks a redirect URI against the profile's 授权回调地址
// (redirect_uri), when one is configured: Alipay sends the code only to
// that domain.
func (p *Profile) CheckRedirect(redirectURI string) error {
	if p.RedirectURI == "" {
		return gateway.CheckRedirectURI(redirectURI)
	}
	err := gateway.CheckRedirectDomain(redirectURI, p.RedirectURI)
	var mismatch *gateway.RedirectMismatchError
	if errors.As(err, &mismatch) {
		return fmt.Errorf("%w (the 授权回调地址 is redirect_uri in profile %s, or ALIAUTH_REDIRECT_URI)", err, p.Name)
	}
	return err
}

// loginProblems checks the login settings without using them.
func loginProblems(pc *Profile) []string {
	var out []string
	if pc.RedirectURI != "" {
		if err := gateway.CheckRedirectURI(pc.RedirectURI); err != nil {
			out = append(out, "✗ redirect_uri (the 授权回调地址): "+err.Error())
		}
	}
	if pc.Listen != "" {
		if _, _, err := net.SplitHostPort(pc.Listen); err != nil {
			out = append(out, fmt.Sprintf("✗ listen %q is not host:port, like 127.0.0.1:8080", pc.Listen))
		}
	}
	if pc.AESKey != "" {
		if _, err := LoadAESKey(pc.AESKey); err != nil {
			out = append(out, "✗ aes_key: "+err.Error())
		}
	}
	if pc.AppAuthToken != "" {
		if _, err := loadAppAuthToken(pc.AppAuthToken); err != nil {
			out = append(out, "✗ "+err.Error())
		}
	}
	return out
}

// AESKey is the key that decrypts the profile's mini program payloads: its
// aes_key setting, else, against the built-in emulator, the emulator's key
// for the app.
func (s *Session) AESKey() (gateway.AESKey, error) {
	if s.Config.AESKey != "" {
		return LoadAESKey(s.Config.AESKey)
	}
	if s.Server != nil {
		return s.Server.AESKey(s.Client.Profile().AppID)
	}
	return gateway.AESKey{}, explainAESKey(gateway.ErrNoAESKey)
}

// PhonePayload stands in for my.getPhoneNumber (cases as POST
// /emulator/phone takes them); nil outside the emulator.
func (s *Session) PhonePayload() func(ctx context.Context, phoneCase string) ([]byte, error) {
	if s.Server == nil {
		return nil
	}
	return func(_ context.Context, phoneCase string) ([]byte, error) {
		return s.Server.PhonePayload(s.Client.Profile().AppID, "", emulator.PhoneCase(phoneCase))
	}
}

// MintAppAuthCode stands in for a merchant agreeing on appToAppAuth.htm: an
// app_auth_code for the profile's app, granted by the first merchant app
// the emulator offers; nil outside the emulator.
func (s *Session) MintAppAuthCode() func(ctx context.Context) (string, error) {
	if s.Server == nil {
		return nil
	}
	return func(context.Context) (string, error) {
		return s.Server.MintDemoAppAuthCode(s.Client.Profile().AppID)
	}
}

// OpenUserInfoPayload stands in for my.getOpenUserInfo (cases as POST
// /emulator/openuserinfo takes them); nil outside the emulator.
func (s *Session) OpenUserInfoPayload() func(ctx context.Context, userInfoCase string) ([]byte, error) {
	if s.Server == nil {
		return nil
	}
	return func(_ context.Context, userInfoCase string) ([]byte, error) {
		return s.Server.OpenUserInfoPayload("", emulator.OpenUserInfoCase(userInfoCase))
	}
}
