package cli

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sync"

	"aliauth/config"
	"aliauth/gateway"
	"aliauth/keys"
)

func (a *app) runVerify(ctx context.Context, args []string) error {
	var o options
	fs := a.newFlagSet("verify", "[FILE|-] [flags]",
		"Verify a raw v2 gateway response offline, from a file or standard input (-, the default).\n"+
			"The body must be exactly as received; a trace printed by --json is accepted too.\n"+
			"Exit status 0 when the signature verifies, 4 when it fails or is unsigned, 2 on bad input.")
	o.profileFlags(fs)
	method := fs.String("method", "", "the method whose node is signed (default: the node found, else "+gateway.MethodOAuthToken+")")
	fs.BoolVar(&o.jsonOut, "json", false, "print the response as a trace: the shape every command's --json prints, without a request")
	fs.BoolVar(&o.reveal, "reveal", false, "with --json, show tokens in full")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	body, what, err := a.readFileArg(fs, args)
	if err != nil {
		return err
	}
	var bom string
	if rest, ok := bytes.CutPrefix(body, []byte(byteOrderMark)); ok {
		// Editors add it; the gateway never sends one, and no signature covers it.
		body = rest
		bom = what + " starts with a byte order mark, which an editor adds and the gateway never sends; it was ignored"
		say(a.stderr, "aliauth: "+bom)
	}
	if b, ok, err := gateway.ParseBundle(body); ok {
		if err != nil {
			return usageError("%s: %v", what, err)
		}
		return a.verifyBundle(&o, b)
	}
	body = traceBody(body)
	if masked := maskedToken().Find(body); masked != nil {
		return usageError("%s holds an answer whose tokens were masked or replaced by fingerprints (%s) when it was printed, exported or recorded, so it is no longer the body the gateway signed; verify a copy with the tokens in full: aliauth history export --reveal, or the command's --json --reveal", what, masked)
	}
	if *method == "" {
		*method = gateway.DetectMethod(body)
	}
	signType, err := gateway.ParseSignType(o.SignType)
	if err != nil {
		return usage(fmt.Errorf("--sign-type %q: %w", o.SignType, err))
	}
	key, source, err := a.verifyKey(&o)
	if err != nil {
		return err
	}
	t, err := gateway.VerifyOffline(body, *method, key, source, signType)
	if err != nil {
		return usageError("%s is not a gateway response: %v; pass the raw body exactly as received", what, err)
	}
	if bom != "" {
		t.Warnings = append(t.Warnings, bom)
	}
	if o.jsonOut {
		if err := printTraceJSON(a.stdout, t, o.reveal); err != nil {
			return err
		}
	} else {
		printVerification(a.stdout, t)
	}
	if !t.Verification.Status.Passed() {
		return silentExit(ExitUntrusted)
	}
	return nil
}

// verifyBundle replays a bundle's verification with the Alipay key given
// or configured, and shows it as verify shows any response.
func (a *app) verifyBundle(o *options, b *gateway.Bundle) error {
	key, source, err := a.verifyKey(o)
	if err != nil {
		return err
	}
	t, err := b.Replay(key, source)
	if err != nil {
		return usage(err)
	}
	if o.jsonOut {
		if err := printTraceJSON(a.stdout, t, o.reveal); err != nil {
			return err
		}
	} else {
		printVerification(a.stdout, t)
		field(a.stdout, "bundle", "tokens and the code are fingerprints; the signature was checked over the digest the bundle kept of the signed bytes")
	}
	if !t.Verification.Status.Passed() {
		return silentExit(ExitUntrusted)
	}
	return nil
}

// readFileArg reads the one optional FILE argument of a command that reads
// what it checks from a file or standard input (-, the default), and names
// it for messages.
func (a *app) readFileArg(fs *flag.FlagSet, args []string) (body []byte, what string, err error) {
	if err := wantArgs(fs, args, 0, 1, "at most one file"); err != nil {
		return nil, "", err
	}
	name := "-"
	if len(args) == 1 {
		name = args[0]
	}
	if body, err = a.readInput(name); err != nil {
		return nil, "", usage(err)
	}
	return body, inputName(name), nil
}

// readInput reads a file, or standard input for "-".
func (a *app) readInput(name string) ([]byte, error) {
	var r io.Reader = a.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("read response: %w; check the path", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, gateway.MaxBodySize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", inputName(name), err)
	}
	if len(data) > gateway.MaxBodySize {
		return nil, fmt.Errorf("%s is larger than %d MB; that is not a gateway response", inputName(name), gateway.MaxBodySize>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s is empty; pass the raw response body", inputName(name))
	}
	return data, nil
}

// maskedToken finds a token member whose value was masked for display
// (authusrB…1a2b) or replaced by a fingerprint for storage.
var maskedToken = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`"(?:access_token|refresh_token|auth_token)"\s*:\s*"(?:[^"\\]*…[^"\\]*|sha256:[0-9a-f]{16})"`)
})

func inputName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return fmt.Sprintf("%q", name)
}

// traceBody takes the raw response out of a trace printed by --json, so
// its output can be piped back in; anything else is returned as it is.
func traceBody(data []byte) []byte {
	var t gateway.Trace
	if json.Unmarshal(data, &t) != nil || t.Response == nil || len(t.Response.Body) == 0 || t.Method == "" {
		return data
	}
	return t.Response.Body
}

// verifyKey is --alipay-public-key (or ALIAUTH_ALIPAY_PUBLIC_KEY), else the
// selected profile's Alipay key: with nothing configured, the built-in
// emulator's, so its output verifies.
func (a *app) verifyKey(o *options) (*rsa.PublicKey, string, error) {
	source := o.AlipayPublicKey
	if source == "" {
		source = os.Getenv("ALIAUTH_ALIPAY_PUBLIC_KEY")
	}
	if source != "" {
		key, _, err := keys.LoadPublicKey(config.ExpandHome(source))
		if err != nil {
			return nil, "", usage(fmt.Errorf("Alipay public key: %w", err))
		}
		return key, config.SourceName(source), nil
	}
	l, s, err := a.openProfile(o)
	if err != nil {
		return nil, "", usageError("no Alipay public key: pass --alipay-public-key FILE (%v)", err)
	}
	defer l.Close()
	p := s.Client.Profile()
	if p.AlipayPublicKey == nil {
		return nil, "", usageError("no Alipay public key: pass --alipay-public-key FILE, the 支付宝公钥 of the app's environment")
	}
	return p.AlipayPublicKey, p.AlipayKeySource, nil
}
