package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"aliauth/internal/atomicfile"
	"aliauth/keys"
)

// certSet is the emulator's own certificate authority for certificate mode:
// a root bundle shaped like Alipay's (an ECDSA root that the SN skips and an
// RSA root that counts), the Alipay public key certificate, and an app
// certificate per app.
type certSet struct {
	dir      string
	rootKey  *rsa.PrivateKey
	root     *x509.Certificate
	rootSN   string
	alipaySN string
	// temp marks a directory made for want of one, removed on Close.
	temp bool
}

// CertPaths are the certificate files a client of the emulator configures.
type CertPaths struct {
	AppCert        string `json:"app_cert"`
	AlipayCert     string `json:"alipay_cert"`
	AlipayRootCert string `json:"alipay_root_cert"`
}

const (
	rootCertFile   = "alipayRootCert.crt"
	rootKeyFile    = "root_ca_key.pem"
	alipayCertFile = "alipayCertPublicKey_RSA2.crt"
)

func appCertFile(appID string) string { return "appCertPublicKey_" + appID + ".crt" }

// issueCertificates loads or makes the certificate authority, the Alipay
// certificate and the app certificates, in the emulator's directory (a
// temporary one when the emulator keeps none).
func (e *Emulator) issueCertificates() error {
	dir := e.cfg.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "aliauth-emulator-certs-")
		if err != nil {
			return fmt.Errorf("certificate directory: %w", err)
		}
		dir = d
	}
	c := &certSet{dir: dir, temp: e.cfg.Dir == ""}
	var err error
	if c.rootKey, err = e.privateKey(nil, rootKeyFile); err != nil {
		return err
	}
	if e.cfg.Dir == "" {
		// privateKey only keeps keys in the configured directory; keep the root
		// key beside the certificates so they stay consistent.
		if err := atomicfile.WriteFile(filepath.Join(dir, rootKeyFile), keys.EncodePrivatePKCS8PEM(c.rootKey), 0o600); err != nil {
			return err
		}
	}
	if err := c.loadOrMakeRoot(); err != nil {
		return err
	}
	if c.alipaySN, err = c.leaf(alipayCertFile, "aliauth emulator Alipay public key (not Alipay)", &e.alipayKey.PublicKey, true); err != nil {
		return err
	}
	for id, app := range e.apps {
		if app.CertSN, err = c.issueAppCert(id, app.PublicKey); err != nil {
			return err
		}
	}
	e.certs = c
	return nil
}

// Paths returns the certificate files for an app.
func (c *certSet) Paths(appID string) CertPaths {
	return CertPaths{
		AppCert:        filepath.Join(c.dir, appCertFile(appID)),
		AlipayCert:     filepath.Join(c.dir, alipayCertFile),
		AlipayRootCert: filepath.Join(c.dir, rootCertFile),
	}
}

// CertPaths returns the certificate files a client of app appID configures;
// ok is false when the emulator is not in certificate mode.
func (e *Emulator) CertPaths(appID string) (CertPaths, bool) {
	if e.certs == nil {
		return CertPaths{}, false
	}
	return e.certs.Paths(appID), true
}

func (c *certSet) loadOrMakeRoot() error {
	path := filepath.Join(c.dir, rootCertFile)
	if data, err := os.ReadFile(path); err == nil {
		certs, _, err := keys.ParseCertificates(data)
		if err == nil {
			for _, cert := range certs {
				if pub, ok := cert.PublicKey.(*rsa.PublicKey); ok && pub.Equal(&c.rootKey.PublicKey) {
					c.root = cert
				}
			}
		}
		if c.root != nil {
			c.rootSN, err = keys.RootCertSN(data)
			return err
		}
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	ecRoot, err := selfSigned(ecKey, &ecKey.PublicKey, "aliauth emulator Root CA ECC (not Alipay)")
	if err != nil {
		return err
	}
	rsaRoot, err := selfSigned(c.rootKey, &c.rootKey.PublicKey, "aliauth emulator Root CA RSA (not Alipay)")
	if err != nil {
		return err
	}
	if c.root, err = x509.ParseCertificate(rsaRoot); err != nil {
		return err
	}
	bundle := append(pemCert(ecRoot), pemCert(rsaRoot)...)
	if err := atomicfile.WriteFile(path, bundle, 0o644); err != nil {
		return err
	}
	c.rootSN, err = keys.RootCertSN(bundle)
	return err
}

func selfSigned(signer any, pub any, cn string) ([]byte, error) {
	tmpl := template(cn)
	tmpl.IsCA = true
	tmpl.BasicConstraintsValid = true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	return x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, signer)
}

func template(cn string) *x509.Certificate {
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	now := time.Now()
	return &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			CommonName:         cn,
			OrganizationalUnit: []string{"Certification Authority"},
			Organization:       []string{"aliauth emulator"},
			Country:            []string{"CN"},
		},
		NotBefore: now.Add(-time.Hour),
		NotAfter:  now.AddDate(10, 0, 0),
	}
}

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// leaf returns the SN of the certificate in file for pub, issuing it from
// the root when it is missing or certifies another key. withChain appends
// the root after it, as Alipay's alipayCertPublicKey_RSA2.crt does.
func (c *certSet) leaf(file, cn string, pub *rsa.PublicKey, withChain bool) (string, error) {
	path := filepath.Join(c.dir, file)
	if cert, err := keys.LoadCertificate(path); err == nil {
		if have, ok := cert.PublicKey.(*rsa.PublicKey); ok && have.Equal(pub) && cert.CheckSignatureFrom(c.root) == nil {
			return keys.CertSN(cert), nil
		}
	}
	tmpl := template(cn)
	tmpl.Subject.OrganizationalUnit = nil
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.root, pub, c.rootKey)
	if err != nil {
		return "", fmt.Errorf("issue %s: %w", file, err)
	}
	data := pemCert(der)
	if withChain {
		data = append(data, pemCert(c.root.Raw)...)
	}
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return "", err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return "", err
	}
	return keys.CertSN(cert), nil
}

func (c *certSet) issueAppCert(appID string, pub *rsa.PublicKey) (string, error) {
	return c.leaf(appCertFile(appID), "aliauth emulator app "+appID, pub, false)
}

// checkCertSNs checks the SNs a certificate-mode request carries. Outside
// certificate mode they are ignored, as the gateway ignores them for apps
// that use bare public keys.
func (e *Emulator) checkCertSNs(app *App, appCertSN, rootSN string) *apiError {
	if e.certs == nil {
		return nil
	}
	switch {
	case appCertSN == "":
		return missingArg("app-cert-sn")
	case appCertSN != app.CertSN:
		return invalidArg("isv.app-cert-not-exist", "应用公钥证书不存在")
	case rootSN == "":
		return missingArg("alipay-root-cert-sn")
	}
	for sn := range strings.SplitSeq(rootSN, "_") {
		if sn == e.certs.rootSN {
			return nil
		}
	}
	return invalidArg("isv.invalid-alipay-root-cert-sn", "无效支付宝根证书序列号")
}
