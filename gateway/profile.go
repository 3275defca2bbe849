package gateway

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"aliauth/keys"
)

// Well-known addresses of the gateway.
const (
	ProductionGateway  = "https://openapi.alipay.com/gateway.do"
	SandboxGateway     = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
	ProductionEndpoint = "https://openapi.alipay.com"
	SandboxEndpoint    = "https://openapi-sandbox.dl.alipaydev.com"
	// retiredSandboxHost is the old sandbox, which no longer answers.
	retiredSandboxHost = "openapi.alipaydev.com"
)

// Environments a profile can point at.
const (
	EnvEmulator   = "emulator"
	EnvSandbox    = "sandbox"
	EnvProduction = "production"
	EnvCustom     = "custom"
)

// Profile is everything needed to talk to one app on one gateway.
type Profile struct {
	Name string
	// Emulator marks a profile that points at aliauth's built-in emulator, so
	// it is never mistaken for Alipay.
	Emulator bool
	Protocol Protocol
	// Gateway is the v2 gateway.do URL; Endpoint the v3 base URL.
	Gateway  string
	Endpoint string
	AppID    string
	// PrivateKey is the app private key that signs requests.
	PrivateKey *rsa.PrivateKey
	// AlipayPublicKey verifies responses; nil means verification is skipped
	// (and said loudly). In certificate mode it comes from the Alipay certificate.
	AlipayPublicKey *rsa.PublicKey
	// AlipayKeySource says where the Alipay key came from, for the trace.
	AlipayKeySource string
	SignType        SignType
	Charset         string
	// Certificate mode: the SNs of the app certificate and the Alipay root
	// bundle, sent with each request, and of the Alipay certificate, checked
	// against each response.
	AppCertSN        string
	AlipayRootCertSN string
	AlipayCertSN     string
}

// What a profile can lack. The errors say what is missing; the caller knows
// how it was configured and says how to supply it.
var (
	ErrNoURL        = errors.New("no gateway URL")
	ErrNoAppID      = errors.New("no app id")
	ErrNoPrivateKey = errors.New("no app private key")
	// ErrV3NeedsRSA2: v3 has no SHA1withRSA.
	ErrV3NeedsRSA2 = errors.New("v3 signs with SHA256withRSA only, so the sign type must be RSA2")
)

// MissingCertificatesError is certificate mode with some of its three
// certificates missing.
type MissingCertificatesError struct {
	AppCert, AlipayCert, AlipayRootCert bool
}

func (e *MissingCertificatesError) Error() string {
	var missing []string
	if e.AppCert {
		missing = append(missing, "the app certificate (appCertPublicKey_<app id>.crt)")
	}
	if e.AlipayCert {
		missing = append(missing, "the Alipay certificate (alipayCertPublicKey_RSA2.crt)")
	}
	if e.AlipayRootCert {
		missing = append(missing, "the Alipay root certificate (alipayRootCert.crt)")
	}
	return "certificate mode needs three certificates; missing " + strings.Join(missing, ", ")
}

// ErrAppKeyAsAlipayKey is the most common misconfiguration: the app's own
// public key given where the Alipay public key belongs.
var ErrAppKeyAsAlipayKey = errors.New("the configured Alipay public key is the app's own public key (it verifies a signature made with the app private key); pass the Alipay public key (支付宝公钥), which the console shows after the app public key (应用公钥) is uploaded")

// CertMode reports whether the profile uses certificates rather than bare
// public keys.
func (p *Profile) CertMode() bool {
	return p.AppCertSN != "" || p.AlipayRootCertSN != "" || p.AlipayCertSN != ""
}

// URL is the address the profile sends to: the gateway for v2, the endpoint
// for v3.
func (p *Profile) URL() string {
	if p.Protocol == V3 {
		return p.Endpoint
	}
	return p.Gateway
}

// Environment says where the profile points: the emulator, Alipay's sandbox,
// production, or somewhere else.
func (p *Profile) Environment() string {
	if p.Emulator {
		return EnvEmulator
	}
	u, err := url.Parse(p.URL())
	if err != nil {
		return EnvCustom
	}
	host := u.Hostname()
	switch {
	case host == "openapi.alipay.com":
		return EnvProduction
	case strings.HasSuffix(host, "alipaydev.com"):
		return EnvSandbox
	}
	return EnvCustom
}

// Warnings lists what is not wrong enough to refuse but must be said.
func (p *Profile) Warnings() []string {
	var w []string
	if u, err := url.Parse(p.URL()); err == nil {
		if u.Hostname() == retiredSandboxHost {
			w = append(w, fmt.Sprintf("%s is the retired sandbox host and no longer answers; use %s", u.Host, p.sandboxURL()))
		}
		if u.Scheme == "http" && !isLoopback(u.Hostname()) {
			w = append(w, fmt.Sprintf("%s is plain http: tokens cross the network unencrypted", p.URL()))
		}
	}
	if p.AlipayPublicKey == nil {
		w = append(w, "no Alipay public key is configured: responses are NOT verified; configure the Alipay public key (支付宝公钥) or, in certificate mode, the Alipay certificate")
	}
	if p.SignType == RSA2 {
		// Older apps made 1024-bit keys for RSA; the gateway wants 2048 bits for RSA2.
		if p.PrivateKey != nil {
			if err := keys.CheckStrength(&p.PrivateKey.PublicKey); err != nil {
				w = append(w, "the app private key is too short: "+err.Error())
			}
		}
		if p.AlipayPublicKey != nil {
			if err := keys.CheckStrength(p.AlipayPublicKey); err != nil {
				w = append(w, "the Alipay public key is too short: "+err.Error())
			}
		}
	}
	return w
}

func (p *Profile) sandboxURL() string {
	if p.Protocol == V3 {
		return SandboxEndpoint
	}
	return SandboxGateway
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Validate checks the profile before any call and says what to fix. It also
// runs the probe that catches the app's own public key configured as the
// Alipay key: a signature made with the app private key must not verify
// with the Alipay public key.
func (p *Profile) Validate() error {
	switch p.Protocol {
	case V2, V3:
	default:
		return fmt.Errorf("protocol %q is not supported; use v2 (gateway.do) or v3 (REST)", p.Protocol)
	}
	if err := checkURL(p.Protocol, p.URL()); err != nil {
		return err
	}
	if strings.TrimSpace(p.AppID) == "" {
		return ErrNoAppID
	}
	if p.PrivateKey == nil {
		return ErrNoPrivateKey
	}
	if p.SignType != RSA2 && p.SignType != RSA {
		return fmt.Errorf("sign type %q is not supported; use RSA2 or RSA", p.SignType)
	}
	if p.Protocol == V3 && p.SignType == RSA {
		return ErrV3NeedsRSA2
	}
	if _, err := NormalizeCharset(p.Charset); err != nil {
		return err
	}
	if p.CertMode() {
		if err := p.checkCertSNs(); err != nil {
			return err
		}
	}
	if p.AlipayPublicKey != nil {
		sig, err := SignBytes(p.PrivateKey, RSA2, []byte("aliauth probe"))
		if err != nil {
			return err
		}
		if VerifyBytes(p.AlipayPublicKey, RSA2, []byte("aliauth probe"), sig) == nil {
			return ErrAppKeyAsAlipayKey
		}
	}
	return nil
}

func (p *Profile) checkCertSNs() error {
	e := &MissingCertificatesError{AppCert: p.AppCertSN == "", AlipayCert: p.AlipayCertSN == "", AlipayRootCert: p.AlipayRootCertSN == ""}
	if e.AppCert || e.AlipayCert || e.AlipayRootCert {
		return e
	}
	return nil
}

// checkURL refuses a gateway address a request could not be sent to, and
// says how to write it.
func checkURL(protocol Protocol, raw string) error {
	what, example := "gateway URL", ProductionGateway
	if protocol == V3 {
		what, example = "endpoint URL", ProductionEndpoint
	}
	if strings.TrimSpace(raw) == "" {
		return ErrNoURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s %q is not a URL: %v; write it like %s", what, raw, err, example)
	}
	if u.Scheme == "" {
		return fmt.Errorf("%s %q has no scheme or host; write it in full, like https://%s", what, raw, strings.TrimPrefix(strings.TrimPrefix(raw, "//"), "/"))
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("%s %q uses %s; use https, like %s", what, raw, u.Scheme, example)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%s %q has no host; write it in full, like %s", what, raw, example)
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%s %q has port %s; a port is a number from 1 to 65535 (https uses 443 when none is given), like %s", what, raw, port, example)
		}
	}
	return nil
}
