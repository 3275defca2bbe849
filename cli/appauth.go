package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"aliauth/gateway"
)

// runAppAuth is third-party app authorization (应用授权): the calls a
// third-party app makes with the app_auth_code a merchant's authorization
// produced, each recorded in history like every call.
func (a *app) runAppAuth(ctx context.Context, args []string) error {
	subs := map[string]func(context.Context, []string) error{
		"exchange": a.appAuthExchange,
		"refresh":  a.appAuthRefresh,
		"query":    a.appAuthQuery,
	}
	if len(args) == 0 || subs[args[0]] == nil {
		fmt.Fprintln(a.stderr, "usage: aliauth appauth exchange APP_AUTH_CODE | refresh APP_REFRESH_TOKEN | query APP_AUTH_TOKEN [flags]")
		fmt.Fprintln(a.stderr, "\nA third-party app trades the app_auth_code a merchant's authorization sent to its redirect URI for an\napp_auth_token (alipay.open.auth.token.app), renews it, or asks what it covers (alipay.open.auth.token.app.query).\nGet the code with: aliauth authorize --app")
		if len(args) == 0 {
			return usageError("appauth needs exchange, refresh or query")
		}
		return usageError("appauth has no %q; use exchange, refresh or query", args[0])
	}
	return subs[args[0]](ctx, args[1:])
}

func (a *app) appAuthExchange(ctx context.Context, args []string) error {
	var o options
	fs := a.newFlagSet("appauth exchange", "APP_AUTH_CODE [flags]",
		"Trade the app_auth_code of a merchant's authorization for an app_auth_token (alipay.open.auth.token.app,\n"+
			"grant_type=authorization_code, in biz_content). APP_AUTH_CODE may be the landed URL (…app_auth_code=…).\n"+
			"Against the built-in emulator: aliauth appauth exchange \"$(aliauth emulator code --app-auth)\"")
	o.callFlags(fs)
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, args, 1, 1, "one app_auth_code"); err != nil {
		return err
	}
	code, err := appAuthCode(args[0])
	if err != nil {
		return usageError("app_auth_code: %v", err)
	}
	return a.call(ctx, &o, func(ctx context.Context, c *gateway.Client) (*gateway.Trace, error) {
		return c.AppAuthExchange(ctx, code)
	}, callHooks{})
}

func (a *app) appAuthRefresh(ctx context.Context, args []string) error {
	var o options
	fs := a.newFlagSet("appauth refresh", "APP_REFRESH_TOKEN [flags]",
		"Renew an app_auth_token with its app_refresh_token (alipay.open.auth.token.app, grant_type=refresh_token).")
	o.callFlags(fs)
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, args, 1, 1, "one app_refresh_token"); err != nil {
		return err
	}
	return a.call(ctx, &o, func(ctx context.Context, c *gateway.Client) (*gateway.Trace, error) {
		return c.AppAuthRefresh(ctx, args[0])
	}, callHooks{})
}

func (a *app) appAuthQuery(ctx context.Context, args []string) error {
	var o options
	fs := a.newFlagSet("appauth query", "APP_AUTH_TOKEN [flags]",
		"Ask which merchant app an app_auth_token acts for, whether it is valid, and which methods it may call\n"+
			"(alipay.open.auth.token.app.query).")
	o.callFlags(fs)
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, args, 1, 1, "one app_auth_token"); err != nil {
		return err
	}
	return a.call(ctx, &o, func(ctx context.Context, c *gateway.Client) (*gateway.Trace, error) {
		return c.AppAuthQuery(ctx, args[0])
	}, callHooks{})
}

// appAuthCode takes the code from what is pasted: the bare code, or the
// URL the merchant's browser landed on.
func appAuthCode(pasted string) (string, error) {
	s := strings.TrimSpace(pasted)
	if !strings.Contains(s, "=") {
		return s, nil
	}
	l, err := gateway.ParseLanding(s)
	if err != nil {
		return "", err
	}
	if l.Kind != gateway.KindAppAuthCode {
		return "", fmt.Errorf("the URL carries an auth_code, a user's code: exchange it with aliauth exchange")
	}
	return l.Code, nil
}

// printAppAuth shows an app authorization's answer: which merchant app the
// token acts for, the tokens with the refresh token's expiry, and, from a
// query, what the authorization covers.
func printAppAuth(w io.Writer, x *gateway.AppAuth, now time.Time) {
	if x.AuthAppID != "" {
		field(w, "auth_app_id", x.AuthAppID+"   the merchant's app the token acts for")
	}
	if x.UserID != "" {
		field(w, "user_id", x.UserID+"   the merchant's Alipay account")
	}
	if x.AppAuthToken != "" {
		field(w, "app_auth_token", x.AppAuthToken+"   long-lived; --app-auth-token (or app_auth_token in the profile) makes calls act for the merchant")
	}
	if x.AppRefreshToken != "" {
		field(w, "app_refresh_token", x.AppRefreshToken+"   "+gateway.Expiry{At: x.RefreshExpiresAt}.Phrase(now))
	}
	if x.Status != "" {
		field(w, "status", x.Status)
	}
	if len(x.AuthMethods) > 0 {
		field(w, "auth_methods", strings.Join(x.AuthMethods, "\n"))
	}
	if x.AuthStart != "" {
		field(w, "auth_start", x.AuthStart+" China Standard Time")
	}
	if x.AuthEnd != "" {
		field(w, "auth_end", x.AuthEnd+" China Standard Time")
	}
	if x.IsByAppAuth != nil {
		field(w, "is_by_app_auth", strconv.FormatBool(*x.IsByAppAuth)+"   whether the merchant delegated everything (全权委托)")
	}
	// A batch authorization lists every merchant app; the first is above.
	if len(x.Tokens) > 1 {
		for i, sub := range x.Tokens {
			fmt.Fprintln(w)
			field(w, "tokens["+strconv.Itoa(i)+"]", "")
			printAppAuth(w, &sub, now)
		}
	}
}
