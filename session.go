package main

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

// session is a profile made ready to call: a client and, against the
// built-in emulator, the running emulator that answers it.
type session struct {
	config *profileConfig
	client *gateway.Client
	server *emulator.Server
}

// close stops the in-process emulator, if any.
func (s *session) close() {
	if s.server != nil {
		_ = s.server.Close()
	}
}

// mintCode stands in for my.getAuthCode; nil outside the emulator.
func (s *session) mintCode() func(ctx context.Context, scope string) (string, error) {
	if s.server == nil {
		return nil
	}
	return func(_ context.Context, scope string) (string, error) {
		return s.server.MintCode(s.client.Profile().AppID, scope, "")
	}
}

// emulatorDir is where the demo emulator keeps its keys and state.
func emulatorDir() (string, error) {
	dir, err := history.DefaultDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "emulator"), nil
}

// openSession builds the client for a profile, starting the in-process
// emulator for emulator profiles. Errors do not name the profile: the
// caller knows how to say which it was.
func openSession(pc *profileConfig) (*session, error) {
	s := &session{config: pc}
	p, err := s.profile()
	if err == nil {
		s.client, err = gateway.NewClient(p)
	}
	if err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *session) profile() (gateway.Profile, error) {
	pc := s.config
	p := gateway.Profile{Name: pc.Name, Protocol: gateway.Protocol(strings.ToLower(pc.Protocol)), Charset: pc.Charset}
	if p.Protocol == "" {
		p.Protocol = gateway.V2
	}
	signType, err := gateway.ParseSignType(pc.SignType)
	if err != nil {
		return p, err
	}
	p.SignType = signType
	if pc.Emulator {
		return p, s.startEmulator(&p)
	}
	p.Gateway, p.Endpoint, p.AppID = pc.Gateway, pc.Endpoint, pc.AppID
	if p.Gateway == "" && p.Protocol == gateway.V2 {
		p.Gateway = gateway.ProductionGateway
	}
	if p.Endpoint == "" && p.Protocol == gateway.V3 {
		p.Endpoint = gateway.ProductionEndpoint
	}
	if pc.PrivateKey != "" {
		if p.PrivateKey, _, err = keys.LoadPrivateKey(expandHome(pc.PrivateKey)); err != nil {
			return p, fmt.Errorf("app private key: %w", err)
		}
	}
	if pc.AlipayPublicKey != "" {
		if p.AlipayPublicKey, _, err = keys.LoadPublicKey(expandHome(pc.AlipayPublicKey)); err != nil {
			return p, fmt.Errorf("Alipay public key: %w", err)
		}
		p.AlipayKeySource = sourceName(pc.AlipayPublicKey)
	}
	return p, loadCertificates(&p, pc)
}

// loadCertificates fills the certificate-mode SNs, and the Alipay public key
// from the Alipay certificate unless one was given separately.
func loadCertificates(p *gateway.Profile, pc *profileConfig) error {
	if pc.AppCert != "" {
		cert, err := keys.LoadCertificate(expandHome(pc.AppCert))
		if err != nil {
			return fmt.Errorf("app certificate: %w", err)
		}
		p.AppCertSN = keys.CertSN(cert)
		if pub, ok := cert.PublicKey.(*rsa.PublicKey); ok && p.PrivateKey != nil && !keys.Match(p.PrivateKey, pub) {
			return fmt.Errorf("app certificate %s certifies another key than the app private key; use the appCertPublicKey_*.crt made from this key's CSR", sourceName(pc.AppCert))
		}
	}
	if pc.AlipayCert != "" {
		cert, err := keys.LoadCertificate(expandHome(pc.AlipayCert))
		if err != nil {
			return fmt.Errorf("Alipay certificate: %w", err)
		}
		p.AlipayCertSN = keys.CertSN(cert)
		if p.AlipayPublicKey == nil {
			pub, ok := cert.PublicKey.(*rsa.PublicKey)
			if !ok {
				return fmt.Errorf("Alipay certificate %s does not hold an RSA key; use alipayCertPublicKey_RSA2.crt", sourceName(pc.AlipayCert))
			}
			p.AlipayPublicKey = pub
			p.AlipayKeySource = "certificate " + sourceName(pc.AlipayCert) + " (SN " + p.AlipayCertSN + ")"
		}
	}
	if pc.AlipayRootCert != "" {
		sn, err := keys.LoadRootCertSN(expandHome(pc.AlipayRootCert))
		if err != nil {
			return fmt.Errorf("Alipay root certificate: %w", err)
		}
		p.AlipayRootCertSN = sn
	}
	return nil
}

// startEmulator runs the built-in emulator on loopback and points the
// profile at it.
func (s *session) startEmulator(p *gateway.Profile) error {
	dir, err := emulatorDir()
	if err != nil {
		return err
	}
	emu, err := emulator.New(emulator.Config{Dir: dir, CertMode: s.config.CertMode})
	if err != nil {
		return err
	}
	if s.server, err = emulator.Listen(emu, "127.0.0.1:0"); err != nil {
		_ = emu.Close()
		return err
	}
	app := emu.DemoApp()
	p.Emulator = true
	p.Gateway, p.Endpoint = s.server.Gateway(), s.server.Endpoint()
	p.AppID, p.PrivateKey = app.ID, app.PrivateKey
	p.AlipayPublicKey = emu.AlipayPublicKey()
	p.AlipayKeySource = "the emulator's Alipay key in " + dir
	if paths, ok := emu.CertPaths(app.ID); ok {
		return loadCertificates(p, &profileConfig{AppCert: paths.AppCert, AlipayCert: paths.AlipayCert, AlipayRootCert: paths.AlipayRootCert})
	}
	return nil
}

// expandHome lets config files say ~/alipay/app.key.
func expandHome(source string) string {
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

// sourceName is how a key source is named in messages: a path as given,
// "env:VAR" as such, inline key text as "inline key".
func sourceName(source string) string {
	if strings.HasPrefix(source, "env:") || (len(source) < 256 && !strings.Contains(source, "\n") && !strings.HasPrefix(source, "-----")) {
		return source
	}
	return "inline key"
}
