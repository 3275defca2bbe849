package keys

import (
	"errors"
	"strings"
	"testing"
)

// privateVariants is every shape in which the main private key reaches users.
func privateVariants(t *testing.T) map[string]struct {
	data   string
	format Format
} {
	pkcs8 := strings.TrimSpace(string(fixture(t, "rsa2048_pkcs8.txt")))
	pkcs1 := strings.TrimSpace(string(fixture(t, "rsa2048_pkcs1.txt")))
	pem8 := string(fixture(t, "rsa2048_pkcs8.pem"))
	pem1 := string(fixture(t, "rsa2048_pkcs1.pem"))
	return map[string]struct {
		data   string
		format Format
	}{
		"PKCS#8 base64 one line (Alipay key tool)": {pkcs8, FormatPKCS8Base64},
		"PKCS#8 base64 trailing newline":           {pkcs8 + "\n", FormatPKCS8Base64},
		"PKCS#8 base64 wrapped 64 CRLF":            {wrap(pkcs8, 64, "\r\n") + "\r\n", FormatPKCS8Base64},
		"PKCS#8 base64 wrapped 76 LF":              {wrap(pkcs8, 76, "\n"), FormatPKCS8Base64},
		"PKCS#8 base64 with BOM":                   {"\ufeff" + pkcs8, FormatPKCS8Base64},
		"PKCS#8 base64 quoted":                     {`"` + pkcs8 + `"`, FormatPKCS8Base64},
		"PKCS#8 base64 spaces around":              {"  \t" + pkcs8 + "  \n\n", FormatPKCS8Base64},
		"PKCS#8 base64 literal \\n":                {wrap(pkcs8, 64, `\n`), FormatPKCS8Base64},
		"PKCS#8 base64 without padding":            {strings.TrimRight(pkcs8, "="), FormatPKCS8Base64},
		"PKCS#8 base64 URL alphabet":               {strings.NewReplacer("+", "-", "/", "_").Replace(pkcs8), FormatPKCS8Base64},
		"PKCS#1 base64":                            {pkcs1, FormatPKCS1Base64},
		"PKCS#1 base64 wrapped CRLF":               {wrap(pkcs1, 64, "\r\n"), FormatPKCS1Base64},
		"PKCS#8 PEM":                               {pem8, FormatPKCS8PEM},
		"PKCS#8 PEM CRLF":                          {strings.ReplaceAll(pem8, "\n", "\r\n"), FormatPKCS8PEM},
		"PKCS#8 PEM with BOM":                      {"\ufeff" + pem8, FormatPKCS8PEM},
		"PKCS#8 PEM on one line":                   {strings.ReplaceAll(strings.TrimSpace(pem8), "\n", " "), FormatPKCS8PEM},
		"PKCS#8 PEM with literal \\n (env file)":   {strings.ReplaceAll(pem8, "\n", `\n`), FormatPKCS8PEM},
		"PKCS#8 PEM indented":                      {"    " + strings.ReplaceAll(pem8, "\n", "\n    "), FormatPKCS8PEM},
		"PKCS#8 PEM after text":                    {"Bag Attributes\n    localKeyID: 01 02\nKey Attributes: <No Attributes>\n" + pem8, FormatPKCS8PEM},
		"PKCS#8 PEM after a certificate":           {string(fixture(t, "rsa2048_cert.pem")) + pem8, FormatPKCS8PEM},
		"PKCS#1 PEM":                               {pem1, FormatPKCS1PEM},
		"PKCS#1 PEM CRLF":                          {strings.ReplaceAll(pem1, "\n", "\r\n"), FormatPKCS1PEM},
		"PKCS#1 PEM labelled PRIVATE KEY":          {strings.ReplaceAll(pem1, "RSA PRIVATE KEY", "PRIVATE KEY"), FormatPKCS1PEM},
		"PKCS#8 DER":                               {string(fixture(t, "rsa2048_pkcs8.der")), FormatPKCS8DER},
		"PKCS#1 DER":                               {string(fixture(t, "rsa2048_pkcs1.der")), FormatPKCS1DER},
		"PKCS#8 base64 UTF-16 with BOM":            {utf16LE("\ufeff" + pkcs8), FormatPKCS8Base64},
	}
}

func utf16LE(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}

func TestParsePrivateKeyFormats(t *testing.T) {
	want := mainKey(t)
	for name, tc := range privateVariants(t) {
		t.Run(name, func(t *testing.T) {
			key, format, err := ParsePrivateKey([]byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if format != tc.format {
				t.Errorf("format = %q, want %q", format, tc.format)
			}
			if !key.Equal(want) {
				t.Error("parsed a different key")
			}
		})
	}
}

func TestParsePublicKeyFormats(t *testing.T) {
	want := &mainKey(t).PublicKey
	pkix := strings.TrimSpace(string(fixture(t, "rsa2048_public.txt")))
	pemPKIX := string(fixture(t, "rsa2048_public.pem"))
	tests := map[string]struct {
		data   string
		format Format
	}{
		"PKIX base64 (Alipay console)": {pkix, FormatPKIXBase64},
		"PKIX base64 wrapped CRLF":     {wrap(pkix, 64, "\r\n"), FormatPKIXBase64},
		"PKIX base64 with BOM":         {"\ufeff" + pkix + "\n", FormatPKIXBase64},
		"PKIX PEM":                     {pemPKIX, FormatPKIXPEM},
		"PKIX PEM CRLF":                {strings.ReplaceAll(pemPKIX, "\n", "\r\n"), FormatPKIXPEM},
		"PKIX PEM one line":            {strings.ReplaceAll(pemPKIX, "\n", ""), FormatPKIXPEM},
		"PKIX DER":                     {string(fixture(t, "rsa2048_public.der")), FormatPKIXDER},
		"PKCS#1 public base64":         {string(fixture(t, "rsa2048_public_pkcs1.txt")), FormatPKCS1PublicBase64},
		"PKCS#1 public PEM":            {string(fixture(t, "rsa2048_public_pkcs1.pem")), FormatPKCS1PublicPEM},
		"PKCS#1 public DER":            {string(fixture(t, "rsa2048_public_pkcs1.der")), FormatPKCS1PublicDER},
		"certificate PEM":              {string(fixture(t, "rsa2048_cert.pem")), FormatCertificatePEM},
		"certificate DER":              {string(fixture(t, "rsa2048_cert.der")), FormatCertificateDER},
		"certificate base64":           {b64(fixture(t, "rsa2048_cert.der")), FormatCertificateBase64},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			key, format, err := ParsePublicKey([]byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if format != tc.format {
				t.Errorf("format = %q, want %q", format, tc.format)
			}
			if !key.Equal(want) {
				t.Error("parsed a different key")
			}
		})
	}
}

func TestParsePrivateKeyRefuses(t *testing.T) {
	pkcs8 := strings.TrimSpace(string(fixture(t, "rsa2048_pkcs8.txt")))
	pem8 := string(fixture(t, "rsa2048_pkcs8.pem"))
	damagedPEM := strings.Replace(pem8, "\n", "\n!!", 3)
	tests := []struct {
		name  string
		data  string
		is    error
		parts []string
	}{
		{"PKIX base64 public key", string(fixture(t, "rsa2048_public.txt")), ErrWrongKind,
			[]string{"this is a public key (PKIX base64)", "pass the app private key", "应用私钥"}},
		{"PKIX PEM public key", string(fixture(t, "rsa2048_public.pem")), ErrWrongKind, []string{"this is a public key (PKIX PEM)"}},
		{"PKCS#1 public key", string(fixture(t, "rsa2048_public_pkcs1.pem")), ErrWrongKind, []string{"public key (PKCS#1 public PEM)"}},
		{"certificate", string(fixture(t, "rsa2048_cert.pem")), ErrWrongKind,
			[]string{"this is a certificate (X.509 certificate PEM", "holds only public keys", "pass the app private key"}},
		{"certificate request", string(fixture(t, "rsa2048_csr.pem")), ErrWrongKind, []string{"certificate signing request", "pass the app private key"}},
		{"encrypted PKCS#8", string(fixture(t, "encrypted_pkcs8.pem")), ErrEncrypted,
			[]string{"encrypted private keys are not supported", "export it without a passphrase", "openssl pkcs8 -topk8 -nocrypt"}},
		{"encrypted PKCS#1", string(fixture(t, "encrypted_pkcs1.pem")), ErrEncrypted, []string{"encrypted", "openssl pkcs8 -topk8 -nocrypt"}},
		{"encrypted PKCS#1 one line", strings.ReplaceAll(string(fixture(t, "encrypted_pkcs1.pem")), "\n", " "), ErrEncrypted, []string{"encrypted"}},
		{"EC SEC1", string(fixture(t, "ec_p256_sec1.pem")), ErrNotRSA,
			[]string{"EC P-256 private key (SEC1 PEM)", "Alipay RSA2 needs an RSA key", "aliauth keys gen"}},
		{"EC PKCS#8", string(fixture(t, "ec_p256_pkcs8.pem")), ErrNotRSA, []string{"EC P-256 private key (PKCS#8 PEM)", "Alipay RSA2 needs an RSA key"}},
		{"SM2", string(fixture(t, "sm2_pkcs8.pem")), ErrNotRSA, []string{"an SM2 private key", "Alipay RSA2 needs an RSA key"}},
		{"Ed25519", string(fixture(t, "ed25519_pkcs8.pem")), ErrNotRSA, []string{"an Ed25519 private key", "needs an RSA key"}},
		{"512-bit", string(fixture(t, "rsa512_pkcs8.pem")), ErrWeakKey, []string{"512 bits", "too short", "2048"}},
		{"empty", "", ErrNotKey, []string{"it is empty", "expected base64", "PEM"}},
		{"whitespace", " \r\n\t\n", ErrNotKey, []string{"it is empty"}},
		{"BOM only", "\ufeff\n", ErrNotKey, []string{"it is empty"}},
		{"garbage text", "hello, world!", ErrNotKey, []string{"not a key", "expected base64", "','"}},
		{"short word", "hello", ErrNotKey, []string{"not a key", "5 characters of text, too short"}},
		{"JSON", `{"app_id":"2021","private_key":"xyz"}`, ErrNotKey, []string{"not a key", "JSON"}},
		{"ssh public key", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ user@host", ErrNotKey, []string{"OpenSSH public key", "ssh-keygen -e -m PKCS8"}},
		{"OpenSSH private key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n", ErrNotKey,
			[]string{"OpenSSH private key", "ssh-keygen -p"}},
		{"binary", "\x00\x01\x02\xff\xfe\x80garbage", ErrNotKey, []string{"not a key", "binary data"}},
		{"hex", strings.Repeat("3082010a02820101", 8), ErrNotKey, []string{"hexadecimal"}},
		{"base64 not DER", strings.Repeat("QUJD", 30), ErrNotKey, []string{"base64 text that does not decode to a key"}},
		{"truncated base64", pkcs8[:1000], ErrNotKey, []string{"cut short", "declares 1217 bytes", "holds only 750", "copy all of it"}},
		{"truncated base64 odd length", pkcs8[:1001], ErrNotKey, []string{"damaged", "cut short or has a character too many"}},
		{"two keys pasted", pkcs8 + pkcs8, ErrNotKey, []string{"two keys pasted together"}},
		{"truncated PEM", pem8[:len(pem8)/2], ErrNotKey, []string{`PEM block 1 ("PRIVATE KEY") has no -----END line`, "cut short"}},
		{"damaged PEM", damagedPEM, ErrNotKey, []string{`PEM block 1 ("PRIVATE KEY") is damaged`, "'!'"}},
		{"PKCS#12", string(fixture(t, "rsa2048.p12")), ErrNotKey, []string{"PKCS#12", "openssl pkcs12"}},
		{"PKCS#7", string(fixture(t, "rsa2048_cert.p7b")), ErrNotKey, []string{"PKCS#7", "openssl pkcs7 -print_certs"}},
		{"EC parameters only", "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n", ErrNotKey, []string{"only parameters"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, format, err := ParsePrivateKey([]byte(tc.data))
			if key != nil || format != "" {
				t.Errorf("got a key (%q) from bad input", format)
			}
			wantMessage(t, err, tc.parts...)
			if !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
			noSecret(t, err.Error(), pkcs8)
		})
	}
}

func TestParsePublicKeyRefuses(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		is    error
		parts []string
	}{
		{"private key", string(fixture(t, "rsa2048_pkcs8.txt")), ErrWrongKind,
			[]string{"this is a private key (PKCS#8 base64), where a public key is needed", "支付宝公钥"}},
		{"encrypted private key", string(fixture(t, "encrypted_pkcs8.pem")), ErrWrongKind, []string{"private key (encrypted PKCS#8 PEM)"}},
		{"EC public key", string(fixture(t, "ec_p256_public.pem")), ErrNotRSA, []string{"EC P-256 public key (PKIX PEM)", "Alipay RSA2 needs an RSA key"}},
		{"SM2 public key", string(fixture(t, "sm2_public.pem")), ErrNotRSA, []string{"SM2 public key"}},
		{"EC certificate", string(fixture(t, "ec_p256_cert.pem")), ErrNotRSA, []string{"the certificate's public key is EC P-256"}},
		{"certificate request", string(fixture(t, "rsa2048_csr.pem")), ErrWrongKind, []string{"certificate signing request", "upload it in the Alipay console"}},
		{"garbage", "not a key at all", ErrNotKey, []string{"not a key"}},
		{"truncated", strings.TrimSpace(string(fixture(t, "rsa2048_public.txt")))[:200], ErrNotKey, []string{"cut short", "declares 294 bytes"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, _, err := ParsePublicKey([]byte(tc.data))
			if key != nil {
				t.Error("got a key from bad input")
			}
			wantMessage(t, err, tc.parts...)
			if !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
		})
	}
}

func TestWeakKeysLoadButFailStrength(t *testing.T) {
	key, _, err := ParsePrivateKey(fixture(t, "rsa1024_pkcs8.pem"))
	if err != nil {
		t.Fatalf("a 1024-bit key should load: %v", err)
	}
	err = CheckStrength(&key.PublicKey)
	wantMessage(t, err, "1024 bits", "Alipay RSA2 needs 2048")
	if !errors.Is(err, ErrWeakKey) {
		t.Errorf("not ErrWeakKey: %v", err)
	}
	if err := CheckStrength(&mainKey(t).PublicKey); err != nil {
		t.Errorf("2048-bit key: %v", err)
	}
	if CheckStrength(nil) == nil {
		t.Error("nil key passed")
	}
}

func TestMatch(t *testing.T) {
	priv := mainKey(t)
	pub, _, err := ParsePublicKey(fixture(t, "rsa2048_public.txt"))
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := ParsePublicKey(fixture(t, "other2048_public.pem"))
	if err != nil {
		t.Fatal(err)
	}
	fromCert, _, err := ParsePublicKey(fixture(t, "rsa2048_cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if !Match(priv, pub) || !Match(priv, fromCert) {
		t.Error("Match(priv, its public key) = false")
	}
	if Match(priv, other) {
		t.Error("Match(priv, another key) = true")
	}
	if Match(nil, pub) || Match(priv, nil) {
		t.Error("Match with nil = true")
	}
}

func TestFingerprint(t *testing.T) {
	priv := mainKey(t)
	fp := Fingerprint(&priv.PublicKey)
	if !strings.HasPrefix(fp, "SHA256:") || strings.HasSuffix(fp, "=") || len(fp) != len("SHA256:")+43 {
		t.Errorf("Fingerprint = %q, want SHA256: and 43 unpadded base64 characters", fp)
	}
	other, _, _ := ParsePublicKey(fixture(t, "other2048_public.pem"))
	if Fingerprint(other) == fp {
		t.Error("two keys share a fingerprint")
	}
	if Fingerprint(nil) != "" {
		t.Error("Fingerprint(nil) != \"\"")
	}
}

// TestFingerprintMatchesOpenSSL checks the fingerprint against the SHA-256 of
// the PKIX DER as openssl wrote it.
func TestFingerprintMatchesOpenSSL(t *testing.T) {
	info, err := Inspect(fixture(t, "rsa2048_public.der"))
	if err != nil {
		t.Fatal(err)
	}
	if got := Fingerprint(&mainKey(t).PublicKey); got != info.Fingerprint {
		t.Errorf("Fingerprint = %s, Inspect of the DER = %s", got, info.Fingerprint)
	}
}
