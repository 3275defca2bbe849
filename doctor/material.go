package doctor

import (
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"aliauth/gateway"
	"aliauth/keys"
)

// loaded is the material of a setup once read: what the cross-checks, the
// probe and the certificate checks use.
type loaded struct {
	private      *rsa.PrivateKey
	appPublic    *rsa.PublicKey
	alipayPublic *rsa.PublicKey // from the Alipay public key slot
	appCert      *x509.Certificate
	alipayCerts  []*x509.Certificate // the Alipay certificate file, in order
	rootCerts    []*x509.Certificate
	rootSN       string
	// alipayIsApp: the configured Alipay key is the app's own public key.
	alipayIsApp bool
}

// verifyKey is the key responses are verified with: the Alipay public key,
// else the Alipay certificate's.
func (l *loaded) verifyKey() *rsa.PublicKey {
	if l.alipayPublic != nil {
		return l.alipayPublic
	}
	if len(l.alipayCerts) > 0 {
		if k, ok := l.alipayCerts[0].PublicKey.(*rsa.PublicKey); ok {
			return k
		}
	}
	return nil
}

// slotFixes say where each slot's material comes from, for the fix of a
// check that found it wrong.
var slotFixes = map[Slot]string{
	SlotPrivateKey:      "configure the app private key (应用私钥) that Alipay's key tool saved beside the app public key you uploaded",
	SlotAppPublicKey:    "configure the app public key (应用公钥) uploaded in the Alipay console, the public half of the app private key",
	SlotAlipayPublicKey: "configure the Alipay public key (支付宝公钥) shown on the app's page in the Alipay console after the app public key was uploaded",
	SlotAppCert:         "configure appCertPublicKey_<app id>.crt as downloaded from the Alipay console",
	SlotAlipayCert:      "configure alipayCertPublicKey_RSA2.crt as downloaded from the Alipay console",
	SlotRootCert:        "configure alipayRootCert.crt as downloaded from the Alipay console",
	SlotEncryptKey:      "configure the AES key (接口内容加密方式) shown in the Alipay console",
}

// checkMaterial examines every slot, then what the slots say of each other.
func checkMaterial(r *Report, s *Setup, now time.Time) *loaded {
	l := &loaded{}
	if s.material(SlotPrivateKey) == nil {
		r.add(Check{Group: GroupKeys, Subject: string(SlotPrivateKey), Status: Failed,
			Finding: "none is configured, so nothing can be signed", Fix: slotFixes[SlotPrivateKey]})
	}
	for _, slot := range slotOrder {
		m := s.material(slot)
		if m == nil {
			continue
		}
		examine(r, s, l, m, now)
	}
	crossCheck(r, s, l)
	return l
}

// keyCheck is a check of key material, in the keys group.
func keyCheck(m *Material, status Status, finding, fix string) Check {
	return Check{Group: GroupKeys, Subject: string(m.Slot), Status: status, Finding: finding, Fix: fix, Source: m.Source}
}

// examine reads one slot's material and says what it is and whether it
// belongs there.
func examine(r *Report, s *Setup, l *loaded, m *Material, now time.Time) {
	fix := slotFixes[m.Slot]
	if m.Err != nil {
		r.add(keyCheck(m, Failed, m.Err.Error(), fix))
		return
	}
	id := keys.Identify(m.Data)
	for _, t := range id.Tolerated {
		defer r.add(keyCheck(m, Warning, t, "copy the key again from the file it was saved in"))
	}
	if m.Slot == SlotEncryptKey {
		if id.Kind == keys.KindAESKey {
			r.add(keyCheck(m, OK, id.Describe()+", the content encryption key (接口内容加密方式)", ""))
		} else {
			r.add(keyCheck(m, Failed, "this is "+id.Describe()+", not the AES key of content encryption", fix))
		}
		return
	}
	if id.Problem != nil {
		r.add(keyCheck(m, Failed, sentence(id.Problem.Error()), fix))
		return
	}
	switch m.Slot {
	case SlotPrivateKey:
		examinePrivate(r, s, l, m, id)
	case SlotAppPublicKey, SlotAlipayPublicKey:
		examinePublic(r, s, l, m, id)
	case SlotAppCert, SlotAlipayCert:
		examineCert(r, s, l, m, id, now)
	case SlotRootCert:
		examineRoot(r, l, m, id, now)
	}
}

// sentence capitalises nothing and trims: key errors already read as
// sentences; this only drops a trailing period for the report's layout.
func sentence(s string) string {
	return strings.TrimSuffix(strings.TrimSpace(s), ".")
}

func examinePrivate(r *Report, s *Setup, l *loaded, m *Material, id keys.Identity) {
	fix := slotFixes[m.Slot]
	if id.Kind != keys.KindPrivateKey {
		r.add(keyCheck(m, Failed, "this is "+id.Describe()+", where the app private key belongs", fix))
		return
	}
	key, _, err := keys.ParsePrivateKey(m.Data)
	if err != nil {
		r.add(keyCheck(m, Failed, sentence(err.Error()), fix))
		return
	}
	l.private = key
	r.add(keyCheck(m, OK, id.Describe()+", public half "+id.Fingerprint, ""))
	checkStrength(r, s, m, id.Bits)
	checkFormat(r, s, m, id)
}

// checkStrength flags a key too short for the sign type.
func checkStrength(r *Report, s *Setup, m *Material, bits int) {
	switch {
	case bits >= keys.MinBits:
	case s.SignType == string(gateway.RSA):
		r.add(keyCheck(m, Warning, fmt.Sprintf("a %d-bit key: legacy RSA (SHA1withRSA) takes it, RSA2 would not", bits),
			"move the app to RSA2 with a 2048-bit key pair"))
	default:
		r.add(keyCheck(m, Failed, fmt.Sprintf("a %d-bit key: RSA2 needs %d bits", bits, keys.MinBits),
			"generate a 2048-bit pair (aliauth keys gen, or Alipay's key tool) and upload its public half"))
	}
}

// checkFormat says whether the program that reads the key takes it as
// written.
func checkFormat(r *Report, s *Setup, m *Material, id keys.Identity) {
	strict := s.Reader == ReaderJava || s.Reader == ReaderNode
	if id.LabelMismatch != "" {
		status := Warning
		if strict {
			status = Failed
		}
		r.add(keyCheck(m, status, id.LabelMismatch, ""))
	}
	private := m.Slot == SlotPrivateKey
	switch s.Reader {
	case ReaderJava:
		// AlipaySignature.getPrivateKeyFromPKCS8 base64-decodes the text as
		// it is and reads PKCS8EncodedKeySpec; getPublicKeyFromX509 reads
		// X509EncodedKeySpec (alipay-sdk-java-all, AlipaySignature.java).
		if id.Wrap == "PEM" {
			r.add(keyCheck(m, Failed, "the Java SDK takes the bare base64 of the key, and reads the -----BEGIN and -----END lines as part of it",
				"remove the -----BEGIN and -----END lines and the line breaks, leaving one line of base64"))
		}
		if private && id.Structure == "PKCS#1" {
			r.add(keyCheck(m, Failed, "the Java SDK reads private keys as PKCS#8 only (PKCS8EncodedKeySpec), and this is PKCS#1: it fails with \"algid parse error, not a sequence\"",
				"convert it: openssl pkcs8 -topk8 -nocrypt -in KEY -outform DER | base64 -w0 (or save the key tool's PKCS#8 output)"))
		}
		if !private && id.Structure == "PKCS#1 public" {
			r.add(keyCheck(m, Failed, "the Java SDK reads public keys as X.509 SubjectPublicKeyInfo (PKIX), and this is PKCS#1",
				"convert it: openssl rsa -RSAPublicKey_in -in KEY -pubout -outform DER | base64 -w0"))
		}
		if !private && id.Kind != keys.KindPublicKey {
			r.add(keyCheck(m, Failed, "the Java SDK's public key setting takes a key, and this is "+id.Describe(),
				"in certificate mode configure the certificate paths instead; in public key mode, the key itself"))
		}
	case ReaderNode:
		// The Node SDK wraps the key in the PEM header its keyType names,
		// RSA PRIVATE KEY unless keyType is PKCS8 (alipay-sdk src/alipay.ts,
		// formatKey); Node's crypto refuses PKCS#1 under PKCS#8's header
		// ("DECODER routines::unsupported").
		keyType := strings.ToUpper(s.NodeKeyType)
		switch {
		case private && id.Structure == "PKCS#1" && keyType == "PKCS8":
			r.add(keyCheck(m, Failed, "keyType is PKCS8, so the Node SDK wraps this PKCS#1 key in a PRIVATE KEY header, which Node's crypto refuses (DECODER routines::unsupported)",
				"drop keyType (PKCS1 is the default), or convert the key to PKCS#8"))
		case private && id.Structure == "PKCS#8" && keyType != "PKCS8":
			r.add(keyCheck(m, Warning, "the Node SDK wraps the key in an RSA PRIVATE KEY header unless keyType is PKCS8, and this is PKCS#8: Node 17 and later read it anyway, older Node does not",
				"set keyType: 'PKCS8'"))
		case !private && id.Structure == "PKCS#1 public":
			r.add(keyCheck(m, Failed, "the Node SDK wraps the Alipay public key in a PUBLIC KEY (PKIX) header, and this is PKCS#1, which Node's crypto refuses under it",
				"convert it: openssl rsa -RSAPublicKey_in -in KEY -pubout"))
		}
	}
}

func examinePublic(r *Report, s *Setup, l *loaded, m *Material, id keys.Identity) {
	fix := slotFixes[m.Slot]
	switch id.Kind {
	case keys.KindPrivateKey:
		finding := "this is " + id.Describe() + ", where a public key belongs: a private key never goes here"
		if priv, _, err := keys.ParsePrivateKey(m.Data); err == nil && l.private != nil && keys.Match(l.private, &priv.PublicKey) {
			finding = "this is the app private key itself, where the " + string(m.Slot) + " belongs"
		}
		r.add(keyCheck(m, Failed, finding, fix))
		return
	case keys.KindCertificateRequest:
		r.add(keyCheck(m, Failed, "this is "+id.Describe()+": the request you upload to get certificates, not a key", fix))
		return
	case keys.KindCertificateBundle:
		if len(id.Certificates) > 0 && id.Certificates[0].SelfSigned {
			r.add(keyCheck(m, Failed, "this is the Alipay root certificate bundle, which gives a serial number, not a key", fix))
			return
		}
	}
	key, _, err := keys.ParsePublicKey(m.Data)
	if err != nil {
		r.add(keyCheck(m, Failed, sentence(err.Error()), fix))
		return
	}
	if m.Slot == SlotAppPublicKey {
		l.appPublic = key
	} else {
		l.alipayPublic = key
	}
	r.add(keyCheck(m, OK, id.Describe()+", fingerprint "+keys.Fingerprint(key), ""))
	checkStrength(r, s, m, key.N.BitLen())
	checkFormat(r, s, m, id)
}

func examineCert(r *Report, s *Setup, l *loaded, m *Material, id keys.Identity, now time.Time) {
	fix := slotFixes[m.Slot]
	switch id.Kind {
	case keys.KindCertificate, keys.KindCertificateBundle:
	case keys.KindCertificateRequest:
		r.add(keyCheck(m, Failed, "this is "+id.Describe()+": upload it in the Alipay console, which issues the certificates of certificate mode", fix))
		return
	default:
		r.add(keyCheck(m, Failed, "this is "+id.Describe()+", where a certificate belongs", fix))
		return
	}
	certs, _, err := keys.ParseCertificates(m.Data)
	if err != nil {
		r.add(keyCheck(m, Failed, sentence(err.Error()), fix))
		return
	}
	if m.Slot == SlotAlipayCert && allSelfSigned(certs) {
		r.add(keyCheck(m, Failed, "this is the Alipay root certificate bundle, in the Alipay certificate's place", fix))
		return
	}
	leaf := certs[0]
	info := id.Certificates[0]
	sent := "app_cert_sn " + info.SN + " (sent with each request)"
	if m.Slot == SlotAlipayCert {
		sent = "alipay_cert_sn " + info.SN + " (expected in each response)"
		l.alipayCerts = certs
	} else {
		l.appCert = leaf
	}
	validity := ""
	if !now.Before(leaf.NotBefore) && !now.After(leaf.NotAfter) {
		validity = ", valid until " + info.NotAfter.UTC().Format(time.DateOnly)
	}
	r.add(keyCheck(m, OK, fmt.Sprintf("a certificate issued to %s%s; %s", info.Subject, validity, sent), ""))
	checkExpiry(r, m, leaf, now)
	if _, ok := leaf.PublicKey.(*rsa.PublicKey); !ok {
		r.add(keyCheck(m, Failed, "the certificate's key is "+info.PublicKeyAlgorithm+"; Alipay RSA2 needs an RSA key", fix))
	}
}

// allSelfSigned reports a root bundle.
func allSelfSigned(certs []*x509.Certificate) bool {
	for _, c := range certs {
		if string(c.RawIssuer) != string(c.RawSubject) {
			return false
		}
	}
	return true
}

// expiryWarning is how far ahead a certificate's expiry is warned about.
const expiryWarning = 30 * 24 * time.Hour

// checkExpiry flags a certificate that is expired, not yet valid, or
// expiring within 30 days.
func checkExpiry(r *Report, m *Material, c *x509.Certificate, now time.Time) {
	day := func(t time.Time) string { return t.UTC().Format(time.DateOnly) }
	switch {
	case now.After(c.NotAfter):
		r.add(keyCheck(m, Failed, "the certificate expired on "+day(c.NotAfter)+": the gateway refuses requests made with it",
			"download the renewed certificates from the Alipay console (证书到期后需重新申请)"))
	case now.Before(c.NotBefore):
		r.add(keyCheck(m, Failed, "the certificate is not valid before "+day(c.NotBefore)+": check this machine's date", ""))
	case c.NotAfter.Sub(now) < expiryWarning:
		r.add(keyCheck(m, Warning, fmt.Sprintf("the certificate expires on %s, in %d days", day(c.NotAfter), int(c.NotAfter.Sub(now).Hours()/24)),
			"renew it in the Alipay console before then, and deploy the new files"))
	}
}

func examineRoot(r *Report, l *loaded, m *Material, id keys.Identity, now time.Time) {
	fix := slotFixes[m.Slot]
	if id.Kind != keys.KindCertificate && id.Kind != keys.KindCertificateBundle {
		r.add(keyCheck(m, Failed, "this is "+id.Describe()+", where the root certificate bundle belongs", fix))
		return
	}
	sn, err := keys.RootCertSN(m.Data)
	if err != nil {
		r.add(keyCheck(m, Failed, sentence(err.Error()), fix))
		return
	}
	certs, skipped, _ := keys.ParseCertificates(m.Data)
	l.rootCerts, l.rootSN = certs, sn
	finding := fmt.Sprintf("%d certificates", len(certs)+len(skipped))
	if len(certs)+len(skipped) == 1 {
		finding = "1 certificate"
	}
	if len(skipped) > 0 {
		finding += fmt.Sprintf(" (%d that Go cannot read, skipped as the SDKs skip them)", len(skipped))
	}
	r.add(keyCheck(m, OK, finding+"; alipay_root_cert_sn "+sn+" (sent with each request)", ""))
	if !allSelfSigned(certs) {
		r.add(keyCheck(m, Warning, "not every certificate in it is a root: is this the Alipay certificate file?", fix))
	}
	for _, c := range certs {
		if now.After(c.NotAfter) {
			r.add(keyCheck(m, Warning, fmt.Sprintf("the root %q expired on %s", c.Subject.CommonName, c.NotAfter.UTC().Format(time.DateOnly)), fix))
		}
	}
}

// crossCheck checks what the slots say of each other: the private key
// against the app public key and certificate, the Alipay key against the
// app's, certificate mode complete, the Alipay certificate's chain.
func crossCheck(r *Report, s *Setup, l *loaded) {
	pair := func(slot Slot, pub *rsa.PublicKey) {
		m := s.material(slot)
		if l.private == nil || pub == nil {
			return
		}
		if keys.Match(l.private, pub) {
			r.add(keyCheck(m, OK, "it belongs to the app private key", ""))
			return
		}
		r.add(keyCheck(m, Failed, "it does not belong to the app private key: the gateway checks this app's signatures with the key it holds, so every call fails with isv.invalid-signature",
			"upload the public half of the app private key in the Alipay console (aliauth keys check compares a pair)"))
	}
	pair(SlotAppPublicKey, l.appPublic)
	if l.appCert != nil {
		pub, _ := l.appCert.PublicKey.(*rsa.PublicKey)
		pair(SlotAppCert, pub)
	}
	checkAlipayKey(r, s, l)
	checkCertMode(r, s, l)
}

// checkAlipayKey catches the most common mistake: the app's own public key
// configured as the Alipay public key.
func checkAlipayKey(r *Report, s *Setup, l *loaded) {
	m := s.material(SlotAlipayPublicKey)
	key := l.alipayPublic
	if key == nil && len(l.alipayCerts) > 0 {
		m = s.material(SlotAlipayCert)
		key, _ = l.alipayCerts[0].PublicKey.(*rsa.PublicKey)
	}
	if key == nil {
		if s.material(SlotAlipayPublicKey) == nil && s.material(SlotAlipayCert) == nil {
			r.add(Check{Group: GroupKeys, Subject: string(SlotAlipayPublicKey), Status: Warning,
				Finding: "none is configured, so answers are not verified: anyone between you and the gateway could forge them",
				Fix:     slotFixes[SlotAlipayPublicKey]})
		}
		return
	}
	var own *rsa.PublicKey
	var whose string
	switch {
	case l.private != nil:
		own, whose = &l.private.PublicKey, "the public half of the app private key"
	case l.appPublic != nil:
		own, whose = l.appPublic, "the app public key"
	case l.appCert != nil:
		own, _ = l.appCert.PublicKey.(*rsa.PublicKey)
		whose = "the app certificate's key"
	}
	if own == nil {
		return
	}
	if own.Equal(key) {
		l.alipayIsApp = true
		r.add(keyCheck(m, Failed, "this is the app's own public key ("+whose+"), not Alipay's: every answer fails verification",
			"configure the Alipay public key (支付宝公钥), not the app public key (应用公钥): the Alipay console shows the two side by side on the app's page"))
		return
	}
	r.add(keyCheck(m, OK, "it is not the app's own key", ""))
	if l.alipayPublic != nil && len(l.alipayCerts) > 0 {
		certKey, _ := l.alipayCerts[0].PublicKey.(*rsa.PublicKey)
		if certKey != nil && !certKey.Equal(l.alipayPublic) {
			r.add(keyCheck(s.material(SlotAlipayPublicKey), Failed, "the Alipay public key and the Alipay certificate hold different keys; answers are verified with the public key",
				"configure one of them: the certificate in certificate mode, the key in public key mode"))
		}
	}
}

// checkCertMode checks that certificate mode, once started, is complete, and
// that the Alipay certificate chains to the root bundle.
func checkCertMode(r *Report, s *Setup, l *loaded) {
	given := map[Slot]bool{}
	for _, slot := range []Slot{SlotAppCert, SlotAlipayCert, SlotRootCert} {
		given[slot] = s.material(slot) != nil
	}
	if !given[SlotAppCert] && !given[SlotAlipayCert] && !given[SlotRootCert] {
		return
	}
	var missing []string
	for _, slot := range []Slot{SlotAppCert, SlotAlipayCert, SlotRootCert} {
		if !given[slot] {
			missing = append(missing, "the "+string(slot))
		}
	}
	if len(missing) > 0 {
		r.add(Check{Group: GroupKeys, Subject: "certificate mode", Status: Failed,
			Finding: "certificate mode is half set up: " + strings.Join(missing, " and ") + " missing; the gateway needs app_cert_sn and alipay_root_cert_sn with every request",
			Fix:     "configure all three certificates downloaded from the Alipay console, or none of them for public key mode"})
		return
	}
	if len(l.alipayCerts) == 0 || len(l.rootCerts) == 0 {
		return
	}
	m := s.material(SlotAlipayCert)
	if chained(l.alipayCerts, l.rootCerts) {
		r.add(keyCheck(m, OK, "it chains to a root in the root certificate bundle", ""))
		return
	}
	status, fix := Failed, "download alipayCertPublicKey_RSA2.crt and alipayRootCert.crt again, together, from the Alipay console of this app"
	finding := "it does not chain to any root in the root certificate bundle: the two files are not from the same place"
	if environment(s) == gateway.EnvSandbox {
		status = Warning
		finding += " (sandbox certificates are issued by Alipay's test authority, which a production root bundle does not hold)"
	}
	r.add(keyCheck(m, status, finding, fix))
}
