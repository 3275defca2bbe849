package keys

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"strings"
)

// ASN.1 universal tags that tell key structures apart.
const (
	tagInteger     = 2
	tagBitString   = 3
	tagOctetString = 4
	tagOID         = 6
	tagSequence    = 16
)

// Object identifiers this package recognises.
var (
	oidRSA          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidRSAPSS       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidEC           = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidSM2          = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 301}
	oidEd25519      = asn1.ObjectIdentifier{1, 3, 101, 112}
	oidEd448        = asn1.ObjectIdentifier{1, 3, 101, 113}
	oidX25519       = asn1.ObjectIdentifier{1, 3, 101, 110}
	oidX448         = asn1.ObjectIdentifier{1, 3, 101, 111}
	oidDSA          = asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 1}
	oidDH           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 3, 1}
	oidPKCS7Signed  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidPKCS7Data    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidRSASignature = "1.2.840.113549.1.1" // prefix of every RSA signature algorithm
)

// curveNames names the elliptic curves a key may use.
var curveNames = map[string]string{
	"1.2.840.10045.3.1.7":  "P-256",
	"1.3.132.0.34":         "P-384",
	"1.3.132.0.35":         "P-521",
	"1.3.132.0.10":         "secp256k1",
	"1.2.840.10045.3.1.1":  "P-192",
	"1.3.132.0.33":         "P-224",
	"1.2.156.10197.1.301":  "SM2",
	"1.3.36.3.3.2.8.1.1.7": "brainpoolP256r1",
}

// signatureNames names the signature algorithms found in certificates.
var signatureNames = map[string]string{
	"1.2.840.113549.1.1.4":  "MD5 with RSA",
	"1.2.840.113549.1.1.5":  "SHA-1 with RSA",
	"1.2.840.113549.1.1.10": "RSASSA-PSS",
	"1.2.840.113549.1.1.11": "SHA-256 with RSA",
	"1.2.840.113549.1.1.12": "SHA-384 with RSA",
	"1.2.840.113549.1.1.13": "SHA-512 with RSA",
	"1.2.840.10045.4.1":     "ECDSA with SHA-1",
	"1.2.840.10045.4.3.2":   "ECDSA with SHA-256",
	"1.2.840.10045.4.3.3":   "ECDSA with SHA-384",
	"1.2.840.10045.4.3.4":   "ECDSA with SHA-512",
	"1.2.156.10197.1.501":   "SM2 with SM3",
	"1.3.101.112":           "Ed25519",
}

// signatureName names a signature algorithm OID for people: "SM2 with SM3
// (1.2.156.10197.1.501)".
func signatureName(oid string) string {
	if oid == "" {
		return "unknown signature algorithm"
	}
	if name, ok := signatureNames[oid]; ok {
		return name + " (" + oid + ")"
	}
	return "signature algorithm " + oid
}

// item is what classify learned about one block: the facts, not yet judged
// against what a caller needs.
type item struct {
	block
	kind      Kind
	structure string // "PKCS#8", "PKCS#1", "PKIX", "PKCS#1 public", "X.509 certificate", ...
	algorithm string // "RSA", "EC P-256", "SM2", "Ed25519", "DSA", ...
	bits      int
	priv      *rsa.PrivateKey
	pub       *rsa.PublicKey    // an RSA public key, or the RSA key of a certificate
	spki      []byte            // the PKIX DER of the public key when known, for fingerprints
	cert      *x509.Certificate // a certificate Go could parse
	csr       *x509.CertificateRequest
	sigOID    string // certificates: the signature algorithm OID read from the raw DER
	// labelMismatch says that the PEM type names another structure than the
	// block holds, which Go reads but OpenSSL, Node and Java refuse.
	labelMismatch string
	// problem stops any use of the item: damaged, encrypted, or a container
	// this package does not open. Its message does not name the source.
	problem error
}

// format is the item's Format: its structure and how it was wrapped.
func (it *item) format() Format {
	if it.structure == "" {
		return Format(it.wrap)
	}
	return Format(it.structure + " " + it.wrap)
}

// isRSA reports whether the item's key is an RSA key.
func (it *item) isRSA() bool { return it.algorithm == "RSA" }

// classify says what one block holds.
func classify(b block) *item {
	it := &item{block: b, kind: KindUnknown}
	if b.aes {
		it.kind, it.algorithm, it.bits = KindAESKey, "AES", 8*len(b.der)
		it.structure = fmt.Sprintf("AES-%d", it.bits)
		it.problem = newError(ErrWrongKind,
			"this is an AES-%d key, the content encryption key (接口内容加密方式, AES密钥) of the Alipay console, not an RSA key or certificate; "+
				"it belongs in the SDK's encryptKey setting, never in a key slot", it.bits)
		return it
	}
	if b.encrypted {
		it.kind = KindPrivateKey
		it.structure = "encrypted " + structureForLabel(b.label)
		it.problem = encryptedError()
		return it
	}
	switch b.label {
	case "OPENSSH PRIVATE KEY":
		it.kind, it.structure = KindPrivateKey, "OpenSSH"
		it.problem = newError(ErrNotKey,
			"this is an OpenSSH private key; convert a copy to PKCS#8: cp KEY app.key && ssh-keygen -p -N '' -m PKCS8 -f app.key")
		return it
	case "X509 CRL":
		it.structure = "X.509 CRL"
		it.problem = newError(ErrNotKey, "this is a certificate revocation list, not a key or certificate")
		return it
	case "EC PARAMETERS", "DSA PARAMETERS", "DH PARAMETERS":
		it.kind = "" // written before a key by openssl; not material itself
		return it
	}
	classifyDER(it)
	if it.kind == KindUnknown && (b.label == "CERTIFICATE" || b.label == "X509 CERTIFICATE" || b.label == "TRUSTED CERTIFICATE") {
		it.kind, it.structure = KindCertificate, "X.509 certificate"
	}
	it.labelMismatch = labelMismatch(b.label, it.structure)
	return it
}

// pemLabels are the PEM types each structure is written under.
var pemLabels = map[string][]string{
	"PKCS#8":                      {"PRIVATE KEY"},
	"PKCS#1":                      {"RSA PRIVATE KEY"},
	"PKIX":                        {"PUBLIC KEY"},
	"PKCS#1 public":               {"RSA PUBLIC KEY"},
	"X.509 certificate":           {"CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"},
	"PKCS#10 certificate request": {"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"},
}

// structurePhrases name what each structure is, for sentences.
var structurePhrases = map[string]string{
	"PKCS#8":                      "a PKCS#8 private key",
	"PKCS#1":                      "a PKCS#1 private key",
	"PKIX":                        "a PKIX public key",
	"PKCS#1 public":               "a PKCS#1 public key",
	"X.509 certificate":           "an X.509 certificate",
	"PKCS#10 certificate request": "a certificate request",
}

// labelMismatch says what is wrong when a PEM block's type names another
// structure than the one it holds: typically a PKCS#1 key pasted between
// "BEGIN PRIVATE KEY" lines, which is PKCS#8's header.
func labelMismatch(label, structure string) string {
	want, known := pemLabels[structure]
	if label == "" || !known {
		return ""
	}
	for _, l := range want {
		if l == label {
			return ""
		}
	}
	for other, labels := range pemLabels {
		for _, l := range labels {
			if l != label {
				continue
			}
			fix := "change the BEGIN and END lines to " + want[0]
			if structure == "PKCS#1" {
				fix = "convert it to the PKCS#8 that header promises: openssl pkcs8 -topk8 -nocrypt -in KEY -out app_private_key.pem"
			}
			return "the PEM header says " + label + " (" + other + ") but the block holds " + structurePhrases[structure] +
				": aliauth reads it, but OpenSSL, Node's crypto and the Java SDK go by the header and refuse it; " + fix
		}
	}
	return "the PEM header says " + label + ", which is not how " + structurePhrases[structure] + " is written; change the BEGIN and END lines to " + want[0]
}

// structureForLabel guesses a structure name from a PEM type, for blocks whose
// content cannot be read (encrypted ones).
func structureForLabel(label string) string {
	switch label {
	case "RSA PRIVATE KEY":
		return "PKCS#1"
	case "EC PRIVATE KEY":
		return "SEC1"
	case "DSA PRIVATE KEY":
		return "DSA"
	default:
		return "PKCS#8"
	}
}

func encryptedError() error {
	return newError(ErrEncrypted,
		"this private key is encrypted with a passphrase, and encrypted private keys are not supported; "+
			"export it without a passphrase: openssl pkcs8 -topk8 -nocrypt -in KEY -out app_private_key.pem")
}

// errDamaged marks input that is not readable material at all (as opposed to
// material this package recognises but will not use); it is an ErrNotKey.
var errDamaged = fmt.Errorf("damaged: %w", ErrNotKey)

func damaged(format string, args ...any) error {
	return newError(errDamaged, format, args...)
}

// classifyDER recognises the DER structure by the shape of its outer SEQUENCE,
// then parses it with crypto/x509.
func classifyDER(it *item) {
	der := it.der
	var outer asn1.RawValue
	rest, err := asn1.Unmarshal(der, &outer)
	if err != nil {
		if want, ok := declaredLength(der); ok && want > len(der) {
			it.problem = damaged("it is cut short: the DER inside declares %d bytes but the %s holds only %d; copy all of it%s",
				want, wrapNoun(it.wrap), len(der), wrapHint(it.wrap))
			return
		}
		it.problem = damaged("it is damaged: the %s does not hold a DER key (%v)", wrapNoun(it.wrap), trimASN1Error(err))
		return
	}
	if outer.Class != asn1.ClassUniversal || outer.Tag != tagSequence {
		it.problem = damaged("it is not a key: the %s does not hold a DER SEQUENCE", wrapNoun(it.wrap))
		return
	}
	if len(rest) > 0 {
		it.problem = damaged("it is damaged: %d bytes follow the end of the key in the %s", len(rest), wrapNoun(it.wrap))
		return
	}
	elems, err := children(outer)
	if err != nil {
		it.problem = damaged("it is damaged: the DER inside the %s cannot be read (%v)", wrapNoun(it.wrap), trimASN1Error(err))
		return
	}
	is := func(i, tag int) bool {
		return i < len(elems) && elems[i].Class == asn1.ClassUniversal && elems[i].Tag == tag
	}
	allIntegers := len(elems) > 0
	for i := range elems {
		allIntegers = allIntegers && is(i, tagInteger)
	}
	switch {
	case len(elems) >= 3 && is(0, tagInteger) && is(1, tagSequence) && is(2, tagOctetString):
		classifyPKCS8(it, elems[1])
	case len(elems) == 2 && is(0, tagSequence) && is(1, tagOctetString):
		it.kind, it.structure = KindPrivateKey, "encrypted PKCS#8"
		it.problem = encryptedError()
	case len(elems) == 2 && is(0, tagSequence) && is(1, tagBitString):
		classifyPKIX(it, elems[0])
	case len(elems) == 3 && is(0, tagSequence) && is(1, tagSequence) && is(2, tagBitString):
		classifySigned(it, elems)
	case allIntegers && len(elems) >= 9:
		it.kind, it.structure, it.algorithm = KindPrivateKey, "PKCS#1", "RSA"
		key, err := x509.ParsePKCS1PrivateKey(der)
		if err != nil {
			it.problem = damaged("it is damaged: this PKCS#1 RSA private key cannot be read (%v)", err)
			return
		}
		it.setPrivate(key)
	case allIntegers && len(elems) == 2:
		it.kind, it.structure, it.algorithm = KindPublicKey, "PKCS#1 public", "RSA"
		key, err := x509.ParsePKCS1PublicKey(der)
		if err != nil {
			it.problem = damaged("it is damaged: this PKCS#1 RSA public key cannot be read (%v)", err)
			return
		}
		it.setPublic(key)
	case allIntegers && len(elems) == 6:
		it.kind, it.structure, it.algorithm = KindPrivateKey, "DSA", "DSA"
	case len(elems) >= 2 && is(0, tagInteger) && is(1, tagOctetString):
		classifySEC1(it, elems)
	case len(elems) >= 1 && is(0, tagOID) && oidIs(elems[0], oidPKCS7Signed):
		it.kind, it.structure = KindCertificateBundle, "PKCS#7"
		it.problem = newError(ErrNotKey,
			"this is a PKCS#7 bundle (.p7b), which is not read here; convert it to PEM: openssl pkcs7 -print_certs -in FILE -out certs.pem")
	case len(elems) == 3 && is(0, tagInteger) && is(1, tagSequence) && is(2, tagSequence) && isPKCS12(elems[1]):
		it.structure = "PKCS#12"
		it.problem = newError(ErrNotKey,
			"this is a PKCS#12 archive (.p12/.pfx), which is not read here; extract the key: "+
				"openssl pkcs12 -in FILE -nocerts -nodes | openssl pkcs8 -topk8 -nocrypt -out app_private_key.pem")
	default:
		it.problem = damaged("it is not a key: the %s holds a DER structure that is not a key or certificate", wrapNoun(it.wrap))
	}
}

func classifyPKCS8(it *item, algorithm asn1.RawValue) {
	it.kind, it.structure = KindPrivateKey, "PKCS#8"
	it.algorithm = algorithmName(algorithm)
	if it.algorithm == "SM2" {
		it.bits = 256
		return
	}
	key, err := x509.ParsePKCS8PrivateKey(it.der)
	if err != nil {
		if it.isRSA() {
			it.problem = damaged("it is damaged: this PKCS#8 RSA private key cannot be read (%v)", err)
		}
		return
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		it.setPrivate(k)
	case *ecdsa.PrivateKey:
		it.bits = k.Curve.Params().BitSize
		it.spki, _ = x509.MarshalPKIXPublicKey(&k.PublicKey)
	case ed25519.PrivateKey:
		it.bits = 256
		it.spki, _ = x509.MarshalPKIXPublicKey(k.Public())
	}
}

func classifyPKIX(it *item, algorithm asn1.RawValue) {
	it.kind, it.structure = KindPublicKey, "PKIX"
	it.algorithm = algorithmName(algorithm)
	it.spki = it.der
	if it.algorithm == "SM2" {
		it.bits = 256
		return
	}
	key, err := x509.ParsePKIXPublicKey(it.der)
	if err != nil {
		if it.isRSA() {
			it.problem = damaged("it is damaged: this PKIX RSA public key cannot be read (%v)", err)
		}
		return
	}
	switch k := key.(type) {
	case *rsa.PublicKey:
		it.setPublic(k)
	case *ecdsa.PublicKey:
		it.bits = k.Curve.Params().BitSize
	case ed25519.PublicKey:
		it.bits = 256
	}
}

func classifySEC1(it *item, elems []asn1.RawValue) {
	it.kind, it.structure, it.algorithm = KindPrivateKey, "SEC1", "EC"
	for _, e := range elems[2:] {
		if e.Class == asn1.ClassContextSpecific && e.Tag == 0 {
			var curve asn1.ObjectIdentifier
			if _, err := asn1.Unmarshal(e.Bytes, &curve); err == nil {
				it.algorithm = curveAlgorithm(curve)
			}
		}
	}
	if it.algorithm == "SM2" {
		it.bits = 256
		return
	}
	if k, err := x509.ParseECPrivateKey(it.der); err == nil {
		it.bits = k.Curve.Params().BitSize
		it.spki, _ = x509.MarshalPKIXPublicKey(&k.PublicKey)
	}
}

// classifySigned tells a certificate from a certificate request (both are
// SEQUENCE { SEQUENCE, AlgorithmIdentifier, BIT STRING }).
func classifySigned(it *item, elems []asn1.RawValue) {
	it.sigOID = oidString(elems[1])
	if cert, err := x509.ParseCertificate(it.der); err == nil {
		it.kind, it.structure, it.cert = KindCertificate, "X.509 certificate", cert
		it.spki = cert.RawSubjectPublicKeyInfo
		it.algorithm, it.bits = publicKeyAlgorithm(cert.PublicKey, cert.RawSubjectPublicKeyInfo)
		if k, ok := cert.PublicKey.(*rsa.PublicKey); ok {
			it.pub = k
		}
		return
	} else if csr, cerr := x509.ParseCertificateRequest(it.der); cerr == nil {
		it.kind, it.structure, it.csr = KindCertificateRequest, "PKCS#10 certificate request", csr
		it.spki = csr.RawSubjectPublicKeyInfo
		it.algorithm, it.bits = publicKeyAlgorithm(csr.PublicKey, csr.RawSubjectPublicKeyInfo)
		return
	} else if _, lerr := x509.ParseRevocationList(it.der); lerr == nil {
		it.structure = "X.509 CRL"
		it.problem = newError(ErrNotKey, "this is a certificate revocation list, not a key or certificate")
		return
	} else {
		// Neither parses: guess from the size of the signed part, which has
		// at least six fields in a certificate and four in a request.
		tbs, _ := children(elems[0])
		if len(tbs) == 4 && it.label != "CERTIFICATE" {
			it.kind, it.structure = KindCertificateRequest, "PKCS#10 certificate request"
			it.problem = damaged("it is damaged: this certificate request cannot be read (%v)", cerr)
			return
		}
		it.kind, it.structure = KindCertificate, "X.509 certificate"
		it.problem = newError(ErrNotKey, "%s", certReason(it.sigOID, err))
	}
}

func (it *item) setPrivate(k *rsa.PrivateKey) {
	it.priv, it.pub, it.bits = k, &k.PublicKey, k.N.BitLen()
	it.spki, _ = x509.MarshalPKIXPublicKey(&k.PublicKey)
}

func (it *item) setPublic(k *rsa.PublicKey) {
	it.pub, it.bits = k, k.N.BitLen()
	if it.spki == nil {
		it.spki, _ = x509.MarshalPKIXPublicKey(k)
	}
}

// publicKeyAlgorithm names the algorithm and size of a certificate's key.
func publicKeyAlgorithm(key any, spki []byte) (string, int) {
	switch k := key.(type) {
	case *rsa.PublicKey:
		return "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		return "EC " + k.Curve.Params().Name, k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return "Ed25519", 256
	}
	var info struct {
		Algorithm asn1.RawValue
		Key       asn1.BitString
	}
	if _, err := asn1.Unmarshal(spki, &info); err == nil {
		return algorithmName(info.Algorithm), 0
	}
	return "unknown", 0
}

// algorithmIdentifier is X.509's AlgorithmIdentifier.
type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

// algorithmName names the key algorithm of an AlgorithmIdentifier: "RSA",
// "EC P-256", "SM2", "Ed25519"...
func algorithmName(raw asn1.RawValue) string {
	var alg algorithmIdentifier
	if _, err := asn1.Unmarshal(raw.FullBytes, &alg); err != nil {
		return "unknown"
	}
	switch {
	case alg.Algorithm.Equal(oidRSA):
		return "RSA"
	case alg.Algorithm.Equal(oidRSAPSS):
		return "RSA-PSS"
	case alg.Algorithm.Equal(oidEC):
		var curve asn1.ObjectIdentifier
		if alg.Parameters.Tag == tagOID {
			if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &curve); err == nil {
				return curveAlgorithm(curve)
			}
		}
		return "EC"
	case alg.Algorithm.Equal(oidSM2):
		return "SM2"
	case alg.Algorithm.Equal(oidEd25519):
		return "Ed25519"
	case alg.Algorithm.Equal(oidEd448):
		return "Ed448"
	case alg.Algorithm.Equal(oidX25519):
		return "X25519"
	case alg.Algorithm.Equal(oidX448):
		return "X448"
	case alg.Algorithm.Equal(oidDSA):
		return "DSA"
	case alg.Algorithm.Equal(oidDH):
		return "DH"
	}
	return "algorithm " + alg.Algorithm.String()
}

func curveAlgorithm(curve asn1.ObjectIdentifier) string {
	if curve.Equal(oidSM2) {
		return "SM2"
	}
	if name, ok := curveNames[curve.String()]; ok {
		return "EC " + name
	}
	return "EC curve " + curve.String()
}

// oidString reads the OID at the start of an AlgorithmIdentifier; "" if none.
func oidString(raw asn1.RawValue) string {
	var alg algorithmIdentifier
	if _, err := asn1.Unmarshal(raw.FullBytes, &alg); err != nil || len(alg.Algorithm) == 0 {
		return ""
	}
	return alg.Algorithm.String()
}

func oidIs(raw asn1.RawValue, oid asn1.ObjectIdentifier) bool {
	var got asn1.ObjectIdentifier
	_, err := asn1.Unmarshal(raw.FullBytes, &got)
	return err == nil && got.Equal(oid)
}

// isPKCS12 reports whether raw is the ContentInfo of a PKCS#12 PFX (data or
// signed data).
func isPKCS12(raw asn1.RawValue) bool {
	elems, err := children(raw)
	return err == nil && len(elems) >= 1 && (oidIs(elems[0], oidPKCS7Data) || oidIs(elems[0], oidPKCS7Signed))
}

// children returns the elements of a constructed DER value.
func children(v asn1.RawValue) ([]asn1.RawValue, error) {
	if !v.IsCompound {
		return nil, fmt.Errorf("not a constructed value")
	}
	var elems []asn1.RawValue
	rest := v.Bytes
	for len(rest) > 0 {
		var e asn1.RawValue
		var err error
		rest, err = asn1.Unmarshal(rest, &e)
		if err != nil {
			return nil, err
		}
		elems = append(elems, e)
	}
	return elems, nil
}

// declaredLength is the total length (header and content) the DER element at
// the start of der declares, to tell a cut-short key from a damaged one.
func declaredLength(der []byte) (int, bool) {
	if len(der) < 2 || der[0]&0x1f == 0x1f {
		return 0, false
	}
	length, header := int(der[1]), 2
	if length&0x80 != 0 {
		n := length & 0x7f
		if n == 0 || n > 4 || len(der) < 2+n {
			return 0, false
		}
		length = 0
		for _, c := range der[2 : 2+n] {
			length = length<<8 | int(c)
		}
		header += n
	}
	return header + length, true
}

func wrapNoun(wrap string) string {
	switch wrap {
	case wrapPEM:
		return "PEM block"
	case wrapBase64:
		return "base64 text"
	default:
		return "DER data"
	}
}

func wrapHint(wrap string) string {
	if wrap == wrapBase64 {
		return " (Alipay's key tool writes it on one line)"
	}
	return ""
}

// trimASN1Error drops the Go struct dump some encoding/asn1 errors end with.
func trimASN1Error(err error) string {
	s := err.Error()
	if i := strings.Index(s, " {"); i >= 0 {
		s = s[:i]
	}
	return s
}
