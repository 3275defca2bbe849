package doctor

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	_ "crypto/sha1" // the hashes certificates are signed with
	_ "crypto/sha256"
	_ "crypto/sha512"
	"crypto/x509"
)

// chained reports whether the first certificate of a file chains, through
// the others of its file, to a certificate of the root bundle. Each link is
// checked by its signature alone: expiry is checked on its own, and Alipay's
// older roots are signed with SHA-1, which crypto/x509 no longer verifies.
func chained(file, roots []*x509.Certificate) bool {
	pool := append(append([]*x509.Certificate{}, file[1:]...), roots...)
	cur := file[0]
	for range 8 {
		if contains(roots, cur) {
			return true
		}
		var next *x509.Certificate
		for _, c := range pool {
			if bytes.Equal(c.RawSubject, cur.RawIssuer) && signedBy(cur, c) {
				next = c
				break
			}
		}
		if next == nil || next == cur {
			return false
		}
		cur = next
	}
	return false
}

func contains(certs []*x509.Certificate, c *x509.Certificate) bool {
	for _, x := range certs {
		if bytes.Equal(x.Raw, c.Raw) {
			return true
		}
	}
	return false
}

// signedBy reports whether issuer's key made c's signature.
func signedBy(c, issuer *x509.Certificate) bool {
	var h crypto.Hash
	switch c.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1:
		h = crypto.SHA1
	case x509.SHA256WithRSA, x509.ECDSAWithSHA256:
		h = crypto.SHA256
	case x509.SHA384WithRSA, x509.ECDSAWithSHA384:
		h = crypto.SHA384
	case x509.SHA512WithRSA, x509.ECDSAWithSHA512:
		h = crypto.SHA512
	default:
		return c.CheckSignatureFrom(issuer) == nil
	}
	hash := h.New()
	hash.Write(c.RawTBSCertificate)
	digest := hash.Sum(nil)
	switch k := issuer.PublicKey.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, h, digest, c.Signature) == nil
	case *ecdsa.PublicKey:
		return ecdsa.VerifyASN1(k, digest, c.Signature)
	}
	return false
}
