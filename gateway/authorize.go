package gateway

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Alipay's authorization pages. A user opens the page (scanning its QR code
// with the Alipay app, or in a browser), agrees, and is sent to redirect_uri
// with an auth_code (publicAppAuthorize.htm) or an app_auth_code
// (appToAppAuth.htm). Source: Alipay's 网页授权 documentation, "第一步：URL
// 拼接": https://openauth.alipay.com/oauth2/publicAppAuthorize.htm?app_id=APPID&scope=SCOPE&redirect_uri=ENCODED_URL
// (sandbox: openauth-sandbox.dl.alipaydev.com), state optional; and 第三方应用
// 授权: https://openauth.alipay.com/oauth2/appToAppAuth.htm?app_id=APPID&redirect_uri=ENCODED_URL.
const (
	ProductionAuthorizePage = "https://openauth.alipay.com/oauth2/publicAppAuthorize.htm"
	SandboxAuthorizePage    = "https://openauth-sandbox.dl.alipaydev.com/oauth2/publicAppAuthorize.htm"
	ProductionAppToAppPage  = "https://openauth.alipay.com/oauth2/appToAppAuth.htm"
	SandboxAppToAppPage     = "https://openauth-sandbox.dl.alipaydev.com/oauth2/appToAppAuth.htm"
	// The pages' paths, which the emulator serves too.
	AuthorizePagePath = "/oauth2/publicAppAuthorize.htm"
	AppToAppPagePath  = "/oauth2/appToAppAuth.htm"
)

const (
	// maxStateLength is Alipay's limit on state.
	maxStateLength = 100
	// stateBytes of randomness make NewState's 12 characters.
	stateBytes = 9
	// defaultRedirectPath is the catcher's path on its own address.
	defaultRedirectPath = "/callback"
	scopeHelp           = "auth_user (the profile) or auth_base (the user id only)"
)

// Scopes of the user authorization page. auth_user grants the profile
// (alipay.user.info.share); auth_base the user id only.
const (
	ScopeAuthUser = "auth_user"
	ScopeAuthBase = "auth_base"
)

// ErrNoAuthorizePage means aliauth does not know the authorization page of a
// profile's gateway: it is neither Alipay's nor the emulator.
var ErrNoAuthorizePage = errors.New("no authorization page is known for this gateway")

// AuthorizePage is the user authorization page for the profile's
// environment: Alipay's production or sandbox page, or the emulator's own.
func (p *Profile) AuthorizePage() (string, error) {
	return p.page(ProductionAuthorizePage, SandboxAuthorizePage, AuthorizePagePath)
}

// AppToAppPage is the third-party app authorization page (appToAppAuth.htm)
// for the profile's environment.
func (p *Profile) AppToAppPage() (string, error) {
	return p.page(ProductionAppToAppPage, SandboxAppToAppPage, AppToAppPagePath)
}

func (p *Profile) page(production, sandbox, path string) (string, error) {
	switch p.Environment() {
	case EnvProduction:
		return production, nil
	case EnvSandbox:
		return sandbox, nil
	case EnvEmulator:
		u, err := url.Parse(p.URL())
		if err != nil || u.Host == "" {
			return "", fmt.Errorf("%w: the emulator address %q is not a URL", ErrNoAuthorizePage, p.URL())
		}
		return u.Scheme + "://" + u.Host + path, nil
	}
	return "", fmt.Errorf("%w: %s is neither Alipay's production or sandbox gateway nor the emulator; use the page of the environment the app lives in", ErrNoAuthorizePage, p.URL())
}

// Authorize is one user authorization to start on the page
// publicAppAuthorize.htm.
type Authorize struct {
	// Page is the authorization page, from Profile.AuthorizePage.
	Page  string
	AppID string
	// Scope is auth_user (profile) or auth_base (user id only); several
	// scopes are joined with commas.
	Scope string
	// RedirectURI is where Alipay sends the browser back with auth_code; its
	// domain must match the app's 授权回调地址 (see CheckRedirectDomain).
	RedirectURI string
	// State comes back unchanged with the code; the catcher rejects a landing
	// whose state differs. Empty means URL makes a random one.
	State string
}

// URL builds the authorization URL in Alipay's documented form, parameters
// in the documented order: app_id, scope, redirect_uri (URL-encoded), state.
// It returns the state used, random when none was given.
func (a Authorize) URL() (string, string, error) {
	if err := checkScope(a.Scope); err != nil {
		return "", "", err
	}
	return pageURL(a.Page, a.AppID, a.RedirectURI, a.State, [2]string{"scope", a.Scope})
}

// AppToAppAuthorize is one third-party app authorization to start on the
// page appToAppAuth.htm: a merchant authorizes the third-party (ISV) app
// AppID to call APIs for its own app, and Alipay sends the browser back to
// RedirectURI with app_auth_code.
type AppToAppAuthorize struct {
	// Page is the page, from Profile.AppToAppPage.
	Page string
	// AppID is the third-party app's id.
	AppID       string
	RedirectURI string
	State       string
}

// URL builds the app authorization URL: app_id, redirect_uri (URL-encoded),
// state. It returns the state used, random when none was given.
func (a AppToAppAuthorize) URL() (string, string, error) {
	return pageURL(a.Page, a.AppID, a.RedirectURI, a.State)
}

func pageURL(page, appID, redirectURI, state string, extra ...[2]string) (string, string, error) {
	u, err := url.Parse(page)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", "", fmt.Errorf("authorization page %q is not an http(s) URL", page)
	}
	appID = strings.TrimSpace(appID)
	if appID == "" {
		return "", "", errors.New("no app id: the authorization page needs the app id the user authorizes")
	}
	if err := CheckRedirectURI(redirectURI); err != nil {
		return "", "", err
	}
	if state == "" {
		state = NewState()
	}
	if err := checkState(state); err != nil {
		return "", "", err
	}
	var b strings.Builder
	b.WriteString(page)
	sep := "?"
	if strings.Contains(page, "?") {
		sep = "&"
	}
	add := func(k, v string) {
		b.WriteString(sep + k + "=" + url.QueryEscape(v))
		sep = "&"
	}
	add("app_id", appID)
	for _, kv := range extra {
		add(kv[0], kv[1])
	}
	add("redirect_uri", redirectURI)
	add("state", state)
	return b.String(), state, nil
}

// NewState makes a random state: 72 bits in base64url, short so the QR code
// stays small, unpredictable so a forged landing is refused.
func NewState() string {
	b := make([]byte, stateBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// checkState applies Alipay's rules for state: at most 100 characters, no
// Chinese (ASCII only, base64 recommended).
func checkState(state string) error {
	if len(state) > maxStateLength {
		return fmt.Errorf("state is %d characters; Alipay takes at most %d", len(state), maxStateLength)
	}
	for _, r := range state {
		if r < 0x21 || r > 0x7e {
			return fmt.Errorf("state %q has %q; Alipay takes printable ASCII only (base64 is recommended)", state, r)
		}
	}
	return nil
}

// knownScopes are the scopes the authorization page takes.
var knownScopes = map[string]bool{
	ScopeAuthUser: true, ScopeAuthBase: true,
	"auth_ecard": true, "auth_invoice_info": true, "auth_puc_charge": true,
}

func checkScope(scope string) error {
	if strings.TrimSpace(scope) == "" {
		return fmt.Errorf("no scope: pass %s", scopeHelp)
	}
	for s := range strings.SplitSeq(scope, ",") {
		if !knownScopes[s] {
			return fmt.Errorf("scope %q is not one Alipay's authorization page grants; use %s", s, scopeHelp)
		}
	}
	return nil
}

// CheckRedirectURI refuses a redirect URI Alipay cannot send a browser to:
// it must be an absolute http or https URL.
func CheckRedirectURI(redirectURI string) error {
	if strings.TrimSpace(redirectURI) == "" {
		return errors.New("no redirect URI: pass the URL Alipay sends the browser back to, on the domain of the app's 授权回调地址")
	}
	u, err := url.Parse(redirectURI)
	if err != nil {
		return fmt.Errorf("redirect URI %q is not a URL: %w", redirectURI, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("redirect URI %q must start with http:// or https:// and name a host", redirectURI)
	}
	return nil
}

// RedirectMismatchError means the redirect URI's domain is not the domain of
// the app's configured 授权回调地址, which Alipay's page refuses.
type RedirectMismatchError struct {
	RedirectURI string
	Configured  string
}

func (e *RedirectMismatchError) Error() string {
	return fmt.Sprintf("redirect URI %s is on %s, but the app's 授权回调地址 is %s: Alipay sends the code only to the configured domain; use a redirect URI on %s (a tunnel to this machine), or change the 授权回调地址 in the Alipay console",
		e.RedirectURI, hostOf(e.RedirectURI), e.Configured, hostOf(e.Configured))
}

// CheckRedirectDomain compares a redirect URI with the app's configured
// 授权回调地址 (a URL or a bare domain) the way Alipay does: the domain parts
// must be the same (docs: "redirect_uri与应用配置的授权回调地址域名部分必须一致").
// Case is ignored; ports and paths are not compared.
func CheckRedirectDomain(redirectURI, configured string) error {
	if err := CheckRedirectURI(redirectURI); err != nil {
		return err
	}
	want := hostOf(configured)
	if want == "" {
		return fmt.Errorf("授权回调地址 %q names no domain; write it as the console shows it, like https://example.com/callback", configured)
	}
	if !strings.EqualFold(hostOf(redirectURI), want) {
		return &RedirectMismatchError{RedirectURI: redirectURI, Configured: configured}
	}
	return nil
}

// hostOf is the host of a URL or of a bare domain (example.com/path).
func hostOf(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
