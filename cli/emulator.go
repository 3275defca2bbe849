package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"time"

	"aliauth/config"
	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/keys"
)

func (a *app) runEmulator(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "code" {
		return a.emulatorCode(args[1:])
	}
	fs := a.newFlagSet("emulator", "[flags] | code [--scope auth_user|auth_base]",
		"Run aliauth's Alipay gateway emulator standalone: it prints one JSON line when ready (gateway, endpoint,\n"+
			"app id and keys, authcode_url) and serves until interrupted. It is a local stand-in, not Alipay.\n"+
			"  aliauth emulator code    mints an auth code for the built-in demo emulator and prints it")
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on; port 0 picks a free one; loopback unless told otherwise")
	dir := fs.String("dir", "", "state directory (keys, apps, codes, tokens); default: the demo emulator's, under the data directory")
	appKey := fs.String("app-public-key", "", "register your own app public key (FILE, env:VAR or text) to test your real key pair")
	appID := fs.String("app-id", "2021000000000002", "the app id to register --app-public-key under")
	signType := fs.String("sign-type", "RSA2", "the sign type the registered app uses: RSA2 or RSA")
	certMode := fs.Bool("cert-mode", false, "certificate mode: issue certificates into the state directory and require SNs")
	openIDOnly := fs.Bool("openid-only", false, "the app is one created after the OpenID migration: tokens carry open_id, no user_id")
	codeTTL := fs.Duration("code-ttl", emulator.DefaultCodeTTL, "how long an auth code lives")
	accessTTL := fs.Duration("access-ttl", emulator.DefaultAccessTTL, "how long an access token lives (expires_in)")
	refreshTTL := fs.Duration("refresh-ttl", emulator.DefaultRefreshTTL, "how long a refresh token lives (re_expires_in)")
	window := fs.Duration("timestamp-window", 0, "opt-in strict mode: refuse (isv.invalid-timestamp) a request timestamp further than this from the\n"+
		"emulator's clock (v2 read as China time) and a v3 expired_seconds that has run out; 0, the default,\n"+
		"accepts any well-formed timestamp and notes the skew")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, args, 0, 0, "no arguments besides code"); err != nil {
		return err
	}
	if *window < 0 {
		return usageError("--timestamp-window %s: use 0 (accept any well-formed timestamp) or a positive duration such as 15m", *window)
	}
	if *dir == "" {
		if *dir, err = config.EmulatorDir(); err != nil {
			return usage(err)
		}
	}
	emu, err := emulator.New(emulator.Config{Dir: *dir, CertMode: *certMode, CodeTTL: *codeTTL, AccessTTL: *accessTTL, RefreshTTL: *refreshTTL, TimestampWindow: *window})
	if err != nil {
		return usage(err)
	}
	readyApp := emulator.DemoAppID
	if *appKey != "" {
		st, err := gateway.ParseSignType(*signType)
		if err != nil {
			return usage(err)
		}
		pub, _, err := keys.LoadPublicKey(*appKey)
		if _, _, perr := keys.LoadPrivateKey(*appKey); err != nil && perr == nil {
			return usageError("--app-public-key %s is an app private key; pass the app public key that belongs to it (app_public_key.txt beside the app_private_key.txt aliauth keys gen writes, or the 应用公钥 uploaded to the Alipay console); the emulator never needs a private key of yours", config.SourceName(*appKey))
		}
		if err != nil {
			return usage(fmt.Errorf("--app-public-key: %w", err))
		}
		if err := emu.RegisterApp(*appID, pub, st); err != nil {
			return usage(err)
		}
		readyApp = *appID
	}
	if *openIDOnly {
		if err := emu.SetOpenIDOnly(readyApp, true); err != nil {
			_ = emu.Close()
			return usage(err)
		}
	}
	srv, err := emulator.Listen(emu, *addr)
	if err != nil {
		_ = emu.Close()
		return usage(err)
	}
	defer srv.Close()
	if host, _, _ := net.SplitHostPort(*addr); host != "127.0.0.1" && host != "localhost" && host != "::1" {
		say(a.stderr, fmt.Sprintf("aliauth: the emulator listens on %s, beyond loopback: anyone who reaches it can mint codes and tokens", *addr))
	}
	ready, err := srv.Ready(readyApp)
	if err != nil {
		return err
	}
	line, err := json.Marshal(ready)
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, string(line))
	<-ctx.Done()
	return nil
}

// emulatorCode mints a code in the demo emulator's state, standing in for
// my.getAuthCode: aliauth exchange "$(aliauth emulator code)".
func (a *app) emulatorCode(args []string) error {
	fs := a.newFlagSet("emulator code", "[--scope auth_user|auth_base] [--user-id ID] [--openid-only] [--app-auth]",
		"Mint an auth code for the built-in demo emulator and print it, standing in for my.getAuthCode:\n  aliauth exchange \"$(aliauth emulator code)\"")
	scope := fs.String("scope", emulator.ScopeAuthUser, "auth_user (profile access) or auth_base (user id only)")
	userID := fs.String("user-id", "", "the user to authorize as (default: a new user)")
	dir := fs.String("dir", "", "state directory (default: the demo emulator's)")
	appID := fs.String("app-id", emulator.DemoAppID, "the app the code is for")
	openIDOnly := fs.Bool("openid-only", false, "mint for the demo app as one created after the OpenID migration (open_id, no user_id)")
	appAuth := fs.Bool("app-auth", false, "mint an app_auth_code instead, as a merchant agreeing on appToAppAuth.htm: aliauth appauth exchange \"$(aliauth emulator code --app-auth)\"")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, args, 0, 0, "no arguments"); err != nil {
		return err
	}
	if *dir == "" {
		if *dir, err = config.EmulatorDir(); err != nil {
			return usage(err)
		}
	}
	emu, err := emulator.New(emulator.Config{Dir: *dir, OpenIDOnly: *openIDOnly})
	if err != nil {
		return usage(err)
	}
	defer emu.Close()
	mint := func() (string, error) { return emu.MintCode(*appID, *scope, *userID) }
	if *appAuth {
		mint = func() (string, error) { return emu.MintDemoAppAuthCode(*appID) }
	}
	code, err := mint()
	if err != nil {
		return usage(err)
	}
	fmt.Fprintln(a.stdout, code)
	if a.interactive && *appAuth {
		fmt.Fprintf(a.stderr, "aliauth: an app_auth_code for app %s from the emulator (not Alipay), valid %s, single use\n", *appID, emulator.AppAuthCodeTTL.Round(time.Second))
	} else if a.interactive {
		fmt.Fprintf(a.stderr, "aliauth: a %s code for app %s from the emulator (not Alipay), valid %s, single use\n", *scope, *appID, emulator.DefaultCodeTTL.Round(time.Second))
	}
	return nil
}
