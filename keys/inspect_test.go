package keys

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestInspect(t *testing.T) {
	fp := Fingerprint(&mainKey(t).PublicKey)
	tests := []struct {
		name     string
		data     []byte
		kind     Kind
		format   Format
		bits     int
		fp       string
		warnings []string
	}{
		{"PKCS#8 base64", fixture(t, "rsa2048_pkcs8.txt"), KindPrivateKey, FormatPKCS8Base64, 2048, fp, nil},
		{"PKCS#1 PEM", fixture(t, "rsa2048_pkcs1.pem"), KindPrivateKey, FormatPKCS1PEM, 2048, fp, []string{"Java SDK takes PKCS#8"}},
		{"PKIX base64", fixture(t, "rsa2048_public.txt"), KindPublicKey, FormatPKIXBase64, 2048, fp, nil},
		{"PKCS#1 public", fixture(t, "rsa2048_public_pkcs1.pem"), KindPublicKey, FormatPKCS1PublicPEM, 2048, fp, nil},
		{"certificate", fixture(t, "rsa2048_cert.pem"), KindCertificate, FormatCertificatePEM, 2048, fp, nil},
		{"request", fixture(t, "rsa2048_csr.pem"), KindCertificateRequest, "PKCS#10 certificate request PEM", 2048, fp, []string{"upload it in the Alipay console"}},
		{"1024-bit", fixture(t, "rsa1024_pkcs8.pem"), KindPrivateKey, FormatPKCS8PEM, 1024, "", []string{"1024 bits and Alipay RSA2 needs 2048"}},
		{"512-bit", fixture(t, "rsa512_pkcs8.pem"), KindPrivateKey, FormatPKCS8PEM, 512, "", []string{"too short to use"}},
		{"encrypted", fixture(t, "encrypted_pkcs8.pem"), KindPrivateKey, "encrypted PKCS#8 PEM", 0, "", []string{"export it without a passphrase"}},
		{"EC", fixture(t, "ec_p256_sec1.pem"), KindPrivateKey, "SEC1 PEM", 256, "", []string{"Alipay RSA2 needs an RSA key"}},
		{"SM2", fixture(t, "sm2_public.pem"), KindPublicKey, FormatPKIXPEM, 256, "", []string{"SM2"}},
		{"PKCS#12", fixture(t, "rsa2048.p12"), KindUnknown, "PKCS#12 DER", 0, "", []string{"openssl pkcs12"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Inspect(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if info.Kind != tc.kind || info.Format != tc.format || info.Bits != tc.bits {
				t.Errorf("Inspect = %s, %s, %d bits; want %s, %s, %d", info.Kind, info.Format, info.Bits, tc.kind, tc.format, tc.bits)
			}
			if tc.fp != "" && info.Fingerprint != tc.fp {
				t.Errorf("fingerprint %s, want %s", info.Fingerprint, tc.fp)
			}
			all := strings.Join(info.Warnings, "\n")
			for _, w := range tc.warnings {
				if !strings.Contains(all, w) {
					t.Errorf("warnings %q lack %q", info.Warnings, w)
				}
			}
			if len(tc.warnings) == 0 && len(info.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", info.Warnings)
			}
		})
	}
}

// TestInspectNeverShowsPrivateKey: nothing of the private key appears in the
// JSON of its Info.
func TestInspectNeverShowsPrivateKey(t *testing.T) {
	for _, name := range []string{"rsa2048_pkcs8.txt", "rsa2048_pkcs1.pem", "rsa2048_pkcs8.der"} {
		info, err := Inspect(fixture(t, name))
		if err != nil {
			t.Fatal(err)
		}
		out, _ := json.Marshal(info)
		noSecret(t, string(out), string(fixture(t, "rsa2048_pkcs8.txt")))
		noSecret(t, string(out), string(fixture(t, "rsa2048_pkcs1.txt")))
	}
}

func TestInspectRealCertificates(t *testing.T) {
	info, err := Inspect(realCert(t, "alipayRootCert.crt"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Kind != KindCertificateBundle || info.RootSN != realRootSN || len(info.Certificates) != 3 || len(info.Skipped) != 1 {
		t.Errorf("root bundle: %s, root SN %q, %d certificates, %d skipped", info.Kind, info.RootSN, len(info.Certificates), len(info.Skipped))
	}
	if info.Skipped[0].SignatureAlgorithmOID != sm2SignatureOID {
		t.Errorf("skipped %+v", info.Skipped[0])
	}

	info, err = Inspect(realCert(t, "alipayPublicCert.crt"))
	if err != nil {
		t.Fatal(err)
	}
	c := info.Certificates[0]
	if info.RootSN != "" || c.SN != realAlipaySN || c.IsCA || c.Bits != 2048 || info.Bits != 2048 {
		t.Errorf("Alipay certificate: root SN %q, %+v", info.RootSN, c)
	}
	if !strings.HasPrefix(c.Subject, "CN=支付宝(中国)网络技术有限公司") || c.Issuer != "CN=Ant Financial Certification Authority Class 2 R1 test,OU=Certification Authority test,O=Ant Financial test,C=CN" {
		t.Errorf("subject %q issuer %q", c.Subject, c.Issuer)
	}
	if !strings.Contains(strings.Join(info.Warnings, "\n"), "certificate 1 of 2 expired on 2024-06-08") {
		t.Errorf("no expiry warning: %q", info.Warnings)
	}

	info, err = Inspect(realCert(t, "appPublicCert.crt"))
	if err != nil || info.Kind != KindCertificate || info.Certificates[0].SN != realAppCertSN {
		t.Errorf("app certificate: %+v, %v", info, err)
	}
}

func TestInspectRefuses(t *testing.T) {
	for _, data := range []string{"", "garbage!", strings.TrimSpace(string(fixture(t, "rsa2048_pkcs8.txt")))[:500]} {
		info, err := Inspect([]byte(data))
		if err == nil || info.Kind != KindUnknown {
			t.Errorf("Inspect(%.10q) = %+v, %v", data, info, err)
		}
	}
}

// Each real certificate is told apart by the part it plays, so its SN can
// be named by the parameter it travels in.
func TestCertificateRoles(t *testing.T) {
	want := map[string][]CertRole{
		"appPublicCert.crt":    {RoleApp},
		"alipayPublicCert.crt": {RoleAlipay, RoleAuthority},
		"alipayRootCert.crt":   {RoleAuthority, RoleAuthority, RoleAuthority},
	}
	for file, roles := range want {
		data, err := os.ReadFile(filepath.Join(realCertDir, file))
		if err != nil {
			t.Fatal(err)
		}
		info, err := Inspect(data)
		if err != nil {
			t.Fatal(err)
		}
		var got []CertRole
		for _, c := range info.Certificates {
			got = append(got, c.Role)
		}
		if !slices.Equal(got, roles) {
			t.Errorf("%s: roles %v, want %v", file, got, roles)
		}
	}
}
