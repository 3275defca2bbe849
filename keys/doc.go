// Package keys turns the key material an Alipay integrator has into
// *rsa.PrivateKey, *rsa.PublicKey and *x509.Certificate values, with errors a
// person can act on.
//
// It reads what Alipay's tools and OpenSSL write: private keys as bare base64
// (PKCS#8, the default of Alipay's key tool, or PKCS#1), as PEM ("PRIVATE KEY",
// "RSA PRIVATE KEY") or as DER; public keys as bare base64 (PKIX or PKCS#1), PEM
// ("PUBLIC KEY", "RSA PUBLIC KEY") or DER; and the certificates of Alipay's
// certificate mode (appCertPublicKey_<app id>.crt, alipayCertPublicKey_RSA2.crt,
// alipayRootCert.crt), whose serial numbers it computes as the official SDKs do
// (CertSN, RootCertSN).
//
// Material comes from a source string (see ReadSource): a file path, "env:NAME"
// for an environment variable holding the key text, or the key text itself.
// Every error names the source, says what was found and what to pass instead.
//
// The package never prints, and never puts private key material in an error or
// in the result of Inspect.
package keys
