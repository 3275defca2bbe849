package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"aliauth/internal/safetext"
	"aliauth/keys"
)

func (a *app) runKeys(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError("keys needs a subcommand: gen, check or inspect (see aliauth keys gen -h)")
	}
	switch args[0] {
	case "gen":
		return a.keysGen(args[1:])
	case "check":
		return a.keysCheck(args[1:])
	case "inspect":
		return a.keysInspect(args[1:])
	}
	return usageError("keys %s: unknown subcommand; use gen, check or inspect", args[0])
}

func (a *app) keysGen(args []string) error {
	fs := a.newFlagSet("keys gen", "[--dir DIR]",
		"Write a new 2048-bit RSA key pair for an app, in the formats the Alipay console and SDKs take.\nThe private key is written to files only, never printed.")
	dir := fs.String("dir", ".", "directory to write the key files into")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, args, 0, 0, "no arguments"); err != nil {
		return err
	}
	k, err := keys.Generate()
	if err != nil {
		return err
	}
	paths, err := keys.WritePair(*dir, k)
	if err != nil {
		return usage(err)
	}
	fmt.Fprintln(a.stdout, "wrote a 2048-bit RSA key pair, fingerprint "+keys.Fingerprint(&k.PublicKey)+":")
	for _, p := range paths {
		fmt.Fprintln(a.stdout, "  "+p)
	}
	fmt.Fprintln(a.stdout)
	fmt.Fprintln(a.stdout, "next: in the Alipay console (开发设置 → 接口加签方式 → 公钥), paste this app public key:")
	fmt.Fprintln(a.stdout, "  "+keys.EncodePublicBase64(&k.PublicKey))
	fmt.Fprintln(a.stdout, "then save the Alipay public key (支付宝公钥) the console shows as alipay_public_key.txt, and run:")
	fmt.Fprintln(a.stdout, "  aliauth exchange CODE --app-id APP_ID --private-key "+paths[0]+" --alipay-public-key alipay_public_key.txt")
	fmt.Fprintln(a.stdout, "keep the private key files secret; they are readable by you only (0600).")
	return nil
}

func (a *app) keysCheck(args []string) error {
	fs := a.newFlagSet("keys check", "PRIVATE_KEY PUBLIC_KEY",
		"Say whether a public key (or certificate) belongs to a private key. Each is a FILE, env:VAR or the key text.\nExit status 0 when they match, 1 when they do not, 2 when one cannot be read.")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, args, 2, 2, "a private key and a public key"); err != nil {
		return err
	}
	priv, privFormat, err := keys.LoadPrivateKey(args[0])
	if err != nil {
		return usage(err)
	}
	pub, pubFormat, err := keys.LoadPublicKey(args[1])
	if err != nil {
		return usage(err)
	}
	if keys.Match(priv, pub) {
		say(a.stdout, fmt.Sprintf("✓ match: %s (%s) is the public half of %s (%s), fingerprint %s", args[1], pubFormat, args[0], privFormat, keys.Fingerprint(pub)))
		fmt.Fprintln(a.stdout, "  this is the app public key: upload it to the console; it is never the Alipay public key")
		return nil
	}
	say(a.stdout, fmt.Sprintf("✗ no match: %s (%s, %s) does not belong to %s (%s, %s)",
		args[1], pubFormat, keys.Fingerprint(pub), args[0], privFormat, keys.Fingerprint(&priv.PublicKey)))
	fmt.Fprintln(a.stdout, "  if the gateway answers isv.invalid-signature with identical strings to sign, the app public key in the console is not this one;")
	fmt.Fprintln(a.stdout, "  if this is the Alipay public key (支付宝公钥), no match is expected: it pairs with Alipay's private key, not yours")
	return silentExit(ExitGateway)
}

func (a *app) keysInspect(args []string) error {
	fs := a.newFlagSet("keys inspect", "FILE [--json]",
		"Say what a key or certificate file holds: kind, format, bits, fingerprint; for certificates\nsubject, issuer, validity and the serial number as Alipay computes it; for a root bundle the joined root SN.")
	jsonOut := fs.Bool("json", false, "print as JSON")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, args, 1, 1, "one file (or env:VAR)"); err != nil {
		return err
	}
	data, describe, err := keys.ReadSource(args[0])
	if err != nil {
		return usage(err)
	}
	info, err := keys.Inspect(data)
	if err != nil {
		return usage(fmt.Errorf("%s: %w", describe, err))
	}
	if *jsonOut {
		return writeJSON(a.stdout, info)
	}
	printKeyInfo(a.stdout, describe, info)
	return nil
}

func printKeyInfo(w io.Writer, describe string, info keys.Info) {
	say(w, fmt.Sprintf("%s: %s, %s", describe, info.Kind, info.Format))
	if info.Algorithm != "" {
		field(w, "algorithm", strings.TrimSpace(fmt.Sprintf("%s %s", info.Algorithm, bits(info.Bits))))
	}
	if info.Fingerprint != "" {
		field(w, "fingerprint", info.Fingerprint)
	}
	for i, c := range info.Certificates {
		fmt.Fprintf(w, "\n  certificate %d of %d\n", i+1, len(info.Certificates)+len(info.Skipped))
		field(w, "subject", safetext.Line(c.Subject))
		field(w, "issuer", safetext.Line(c.Issuer))
		field(w, "valid", c.NotBefore.Format("2006-01-02")+" to "+c.NotAfter.Format("2006-01-02")+expired(c))
		field(w, "serial", c.Serial)
		field(w, snLabel(c.Role), c.SN)
		field(w, "key", strings.TrimSpace(c.PublicKeyAlgorithm+" "+bits(c.Bits)))
		field(w, "signed with", c.SignatureAlgorithm)
		if c.IsCA {
			field(w, "role", "certificate authority")
		}
	}
	for _, s := range info.Skipped {
		fmt.Fprintln(w)
		say(w, fmt.Sprintf("  certificate #%d skipped: %s", s.Index, s.Reason))
	}
	if info.RootSN != "" {
		fmt.Fprintln(w)
		field(w, "alipay_root_cert_sn", info.RootSN)
	}
	for _, warn := range info.Warnings {
		say(w, "  ! "+warn)
	}
}

// snLabel names the parameter a certificate's Alipay SN is sent in.
func snLabel(role keys.CertRole) string {
	switch role {
	case keys.RoleApp:
		return "app_cert_sn"
	case keys.RoleAlipay:
		return "alipay_cert_sn"
	case keys.RoleAuthority:
		return "SN (authority)"
	}
	return "Alipay SN"
}

func bits(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d bits", n)
}

func expired(c keys.CertInfo) string {
	if now().After(c.NotAfter) {
		return " (EXPIRED)"
	}
	return ""
}
