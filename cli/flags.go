package cli

import (
	"errors"
	"flag"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"aliauth/config"
)

// options are the flags shared by the commands that talk to a gateway.
type options struct {
	config.Settings
	config    string
	history   string
	jsonOut   bool
	reveal    bool
	verbose   bool
	dryRun    bool
	timestamp string
	timeout   time.Duration
}

// newFlagSet makes a flag set whose errors and help go to the app's stderr.
func (a *app) newFlagSet(name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(strings.TrimSpace("aliauth "+name), flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		fmt.Fprintf(a.stderr, "usage: %s %s\n\n%s\n\nflags:\n", fs.Name(), args, about)
		fs.PrintDefaults()
	}
	return fs
}

// profileFlags registers the settings that pick and tune a profile.
func (o *options) profileFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.Profile, "profile", "", "named profile from the config file (env ALIAUTH_PROFILE); \"demo\" is the built-in emulator")
	fs.StringVar(&o.Gateway, "gateway", "", "v2 gateway URL (env ALIAUTH_GATEWAY; default production https://openapi.alipay.com/gateway.do)")
	fs.StringVar(&o.Endpoint, "endpoint", "", "v3 endpoint URL (env ALIAUTH_ENDPOINT; default https://openapi.alipay.com)")
	fs.StringVar(&o.Protocol, "protocol", "", "v2 (gateway.do) or v3 (REST) (env ALIAUTH_PROTOCOL; default v2)")
	fs.StringVar(&o.AppID, "app-id", "", "the app id (env ALIAUTH_APP_ID)")
	fs.StringVar(&o.PrivateKey, "private-key", "", "app private key: FILE, env:VAR, or the key text (env ALIAUTH_PRIVATE_KEY)")
	fs.StringVar(&o.AlipayPublicKey, "alipay-public-key", "", "Alipay public key (支付宝公钥): FILE, env:VAR or text (env ALIAUTH_ALIPAY_PUBLIC_KEY)")
	fs.StringVar(&o.AppCert, "app-cert", "", "certificate mode: appCertPublicKey_<app id>.crt (env ALIAUTH_APP_CERT)")
	fs.StringVar(&o.AlipayCert, "alipay-cert", "", "certificate mode: alipayCertPublicKey_RSA2.crt (env ALIAUTH_ALIPAY_CERT)")
	fs.StringVar(&o.AlipayRootCert, "alipay-root-cert", "", "certificate mode: alipayRootCert.crt (env ALIAUTH_ALIPAY_ROOT_CERT)")
	fs.StringVar(&o.SignType, "sign-type", "", "RSA2 (SHA256withRSA) or RSA (SHA1withRSA, legacy) (env ALIAUTH_SIGN_TYPE; default RSA2)")
	fs.StringVar(&o.Charset, "charset", "", "utf-8 or GBK (env ALIAUTH_CHARSET; default utf-8)")
	fs.StringVar(&o.AppAuthToken, "app-auth-token", "", "act for a merchant app: the app_auth_token it granted this third-party app, or env:VAR (env ALIAUTH_APP_AUTH_TOKEN)")
	fs.BoolVar(&o.NoStoreSecrets, "no-store-secrets", false, "keep token fingerprints in history instead of tokens (env ALIAUTH_NO_STORE_SECRETS)")
	fs.StringVar(&o.config, "config", "", "config file of named profiles (env ALIAUTH_CONFIG)")
	fs.StringVar(&o.history, "history", "", "history database (env ALIAUTH_HISTORY)")
}

// callFlags registers what a single call takes beyond the profile.
func (o *options) callFlags(fs *flag.FlagSet) {
	o.profileFlags(fs)
	fs.BoolVar(&o.jsonOut, "json", false, "print the whole trace as one JSON object (tokens masked unless --reveal)")
	fs.BoolVar(&o.reveal, "reveal", false, "show tokens in full")
	fs.BoolVar(&o.verbose, "v", false, "show every step: parameters, string to sign, signature, request, raw response, verification")
	fs.BoolVar(&o.dryRun, "dry-run", false, "build and sign the request, do not send it")
	fs.StringVar(&o.timestamp, "timestamp", "", "pin the v2 timestamp, \"yyyy-MM-dd HH:mm:ss\" China Standard Time (reproducible signing)")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "give up waiting for the gateway after this long")
}

// parseArgs parses flags wherever they appear among the arguments, as
// people type them (aliauth exchange CODE --json), and returns the rest.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usage(fmt.Errorf("%w (see %s -h)", err, fs.Name()))
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// wantArgs checks the number of positional arguments.
func wantArgs(fs *flag.FlagSet, args []string, min, max int, what string) error {
	if len(args) < min || len(args) > max {
		return usageError("%s takes %s; got %d argument(s) (see %s -h)", strings.TrimPrefix(fs.Name(), "aliauth "), what, len(args), fs.Name())
	}
	return nil
}

func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

// oneLine keeps a value on one line for terse output.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// now is the clock the command line shows expiry against.
var now = time.Now
