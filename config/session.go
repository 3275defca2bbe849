package config

import (
	"context"
	"crypto/rsa"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/history"
	"aliauth/keys"
)

// Session is a profile made ready to call: a client and, against the
// built-in emulator, the running emulator that answers it.
type Session struct {
	Config *Profile
	Client *gateway.Client
	// Server is the in-process emulator; nil outside the demo.
	Server *emulator.Server
}

// Close stops the in-process emulator, if any.
func (s *Session) Close() {
	if s.Server != nil {
		_ = s.Server.Close()
	}
}

// MintCode stands in for my.getAuthCode; nil outside the emulator.
func (s *Session) MintCode() func(ctx context.Context, scope string) (string, error) {
	if s.Server == nil {
		return nil
	}
	return func(_ context.Context, scope string) (string, error) {
		return s.Server.MintCode(s.Client.Profile().AppID, scope, "")
	}
}

// EmulatorDir is where the demo emulator keeps its keys and state.
func EmulatorDir() (string, error) {
	dir, err := history.DefaultDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "emulator"), nil
}

// Open builds the client for a profile, starting the in-process emulator
// for emulator profiles. Errors do not name the profile: the caller knows
// how to say which it was.
func Open(pc *Profile) (*Session, error) {
	s := &Session{Config: pc}
	p, err := s.profile()
	if err == nil {
		s.Client, err = gateway.NewClient(p)
	}
	if err == nil {
		s.Client.AppAuthToken, err = loadAppAuthToken(pc.AppAuthToken)
	}
	if err != nil {
		s.Close()
		return nil, explain(err)
	}
	return s, nil
}

// Preview is the profile pc describes as far as it is known before its
// keys are read or its emulator started: its name, where it points, the
// app and how it signs. The console draws its first frame from it while
// Open does the rest.
func Preview(pc *Profile) gateway.Profile {
	p, _ := configured(pc)
	return p
}

// configured is the part of a profile that its configuration says, read
// without opening a file.
func configured(pc *Profile) (gateway.Profile, error) {
	p := gateway.Profile{Name: pc.Name, Protocol: gateway.Protocol(strings.ToLower(pc.Protocol)), Charset: pc.Charset}
	if p.Protocol == "" {
		p.Protocol = gateway.V2
	}
	signType, err := gateway.ParseSignType(pc.SignType)
	p.SignType = signType
	if pc.Emulator {
		p.Emulator, p.AppID = true, emulator.DemoAppID
		return p, err
	}
	// Pasted URLs and ids often carry spaces or a line break around them.
	p.Gateway, p.Endpoint, p.AppID = strings.TrimSpace(pc.Gateway), strings.TrimSpace(pc.Endpoint), strings.TrimSpace(pc.AppID)
	if p.Gateway == "" && p.Protocol == gateway.V2 {
		p.Gateway = gateway.ProductionGateway
	}
	if p.Endpoint == "" && p.Protocol == gateway.V3 {
		p.Endpoint = gateway.ProductionEndpoint
	}
	return p, err
}

func (s *Session) profile() (gateway.Profile, error) {
	pc := s.Config
	p, err := configured(pc)
	if err != nil {
		return p, err
	}
	if pc.Emulator {
		return p, s.startEmulator(&p)
	}
	if pc.PrivateKey != "" {
		if p.PrivateKey, _, err = keys.LoadPrivateKey(ExpandHome(pc.PrivateKey)); err != nil {
			return p, fmt.Errorf("app private key: %w", err)
		}
	}
	if pc.AlipayPublicKey != "" {
		if p.AlipayPublicKey, _, err = keys.LoadPublicKey(ExpandHome(pc.AlipayPublicKey)); err != nil {
			return p, fmt.Errorf("Alipay public key: %w", err)
		}
		p.AlipayKeySource = SourceName(pc.AlipayPublicKey)
	}
	return p, loadCertificates(&p, pc)
}

// loadCertificates fills the certificate-mode SNs, and the Alipay public key
// from the Alipay certificate unless one was given separately.
func loadCertificates(p *gateway.Profile, pc *Profile) error {
	if pc.AppCert != "" {
		cert, err := keys.LoadCertificate(ExpandHome(pc.AppCert))
		if err != nil {
			return fmt.Errorf("app certificate: %w", err)
		}
		p.AppCertSN = keys.CertSN(cert)
		if pub, ok := cert.PublicKey.(*rsa.PublicKey); ok && p.PrivateKey != nil && !keys.Match(p.PrivateKey, pub) {
			return fmt.Errorf("app certificate %s certifies another key than the app private key; use the appCertPublicKey_*.crt made from this key's CSR", SourceName(pc.AppCert))
		}
	}
	if pc.AlipayCert != "" {
		cert, err := keys.LoadCertificate(ExpandHome(pc.AlipayCert))
		if err != nil {
			return fmt.Errorf("Alipay certificate: %w", err)
		}
		p.AlipayCertSN = keys.CertSN(cert)
		if p.AlipayPublicKey == nil {
			pub, ok := cert.PublicKey.(*rsa.PublicKey)
			if !ok {
				return fmt.Errorf("Alipay certificate %s does not hold an RSA key; use alipayCertPublicKey_RSA2.crt", SourceName(pc.AlipayCert))
			}
			p.AlipayPublicKey = pub
			p.AlipayKeySource = "certificate " + SourceName(pc.AlipayCert) + " (SN " + p.AlipayCertSN + ")"
		}
	}
	if pc.AlipayRootCert != "" {
		sn, err := keys.LoadRootCertSN(ExpandHome(pc.AlipayRootCert))
		if err != nil {
			return fmt.Errorf("Alipay root certificate: %w", err)
		}
		p.AlipayRootCertSN = sn
	}
	return nil
}

// startEmulator runs the built-in emulator on loopback and points the
// profile at it.
func (s *Session) startEmulator(p *gateway.Profile) error {
	dir, err := EmulatorDir()
	if err != nil {
		return err
	}
	emu, err := emulator.New(emulator.Config{Dir: dir, CertMode: s.Config.CertMode, OpenIDOnly: s.Config.OpenIDOnly})
	if err != nil {
		return err
	}
	if s.Server, err = emulator.Listen(emu, "127.0.0.1:0"); err != nil {
		_ = emu.Close()
		return err
	}
	app := emu.DemoApp()
	p.Gateway, p.Endpoint = s.Server.Gateway(), s.Server.Endpoint()
	p.AppID, p.PrivateKey = app.ID, app.PrivateKey
	p.AlipayPublicKey = emu.AlipayPublicKey()
	p.AlipayKeySource = "the emulator's Alipay key in " + dir
	if paths, ok := emu.CertPaths(app.ID); ok {
		return loadCertificates(p, &Profile{AppCert: paths.AppCert, AlipayCert: paths.AlipayCert, AlipayRootCert: paths.AlipayRootCert})
	}
	return nil
}

// ExpandHome lets config files say ~/alipay/app.key.
func ExpandHome(source string) string {
	rest, ok := strings.CutPrefix(source, "~/")
	if !ok {
		return source
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return source
	}
	return filepath.Join(home, rest)
}

// SourceName is how a key source is named in messages: a path as given,
// "env:VAR" as such, inline key text as "inline key".
func SourceName(source string) string {
	if strings.HasPrefix(source, "env:") || (len(source) < 256 && !strings.Contains(source, "\n") && !strings.HasPrefix(source, "-----")) {
		return source
	}
	return "inline key"
}
