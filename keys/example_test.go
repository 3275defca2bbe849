package keys_test

import (
	"fmt"
	"os"
	"path/filepath"

	"aliauth/keys"
)

// A new pair in the formats Alipay takes: the private key as its key tool
// writes it, the public key as the console takes it.
func Example() {
	key, err := keys.Generate()
	if err != nil {
		fmt.Println(err)
		return
	}
	privateText := keys.EncodePrivatePKCS8Base64(key)     // keep secret: app_private_key.txt
	publicText := keys.EncodePublicBase64(&key.PublicKey) // paste into the Alipay console

	priv, format, err := keys.ParsePrivateKey([]byte(privateText))
	if err != nil {
		fmt.Println(err)
		return
	}
	pub, _, err := keys.ParsePublicKey([]byte(publicText))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(format, priv.N.BitLen(), keys.Match(priv, pub))
	// Output: PKCS#8 base64 2048 true
}

// Errors say what the input is and what to pass instead.
func ExampleLoadPrivateKey() {
	_, _, err := keys.LoadPrivateKey("testdata/rsa2048_public.txt")
	fmt.Println(err)
	// Output: read private key file "testdata/rsa2048_public.txt": this is a public key (PKIX base64); pass the app private key (Alipay's key tool saves it as 应用私钥RSA2048.txt)
}

// What a file holds, for keys inspect.
func ExampleInspect() {
	data, err := os.ReadFile("testdata/rsa2048_public_pkcs1.pem")
	if err != nil {
		fmt.Println(err)
		return
	}
	info, err := keys.Inspect(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s, %s, %d bits\n", info.Kind, info.Format, info.Bits)
	// Output: public key, PKCS#1 public PEM, 2048 bits
}

// The serial numbers of certificate mode, as the official SDKs compute them.
func ExampleRootCertSN() {
	dir := filepath.Join("..", "..", "shared", "testdata", "alipay-certs")
	rootSN, err := keys.LoadRootCertSN(filepath.Join(dir, "alipayRootCert.crt"))
	if err != nil {
		fmt.Println(err)
		return
	}
	cert, err := keys.LoadCertificate(filepath.Join(dir, "appPublicCert.crt"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("alipay_root_cert_sn:", rootSN)
	fmt.Println("app_cert_sn:", keys.CertSN(cert))
	// Output:
	// alipay_root_cert_sn: 687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6
	// app_cert_sn: f5476a255774929671073404f7af2b90
}
