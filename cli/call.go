package cli

import (
	"context"
	"fmt"

	"aliauth/config"
	"aliauth/doctor"
	"aliauth/gateway"
	"aliauth/history"
)

func (a *app) runExchange(ctx context.Context, args []string) error {
	var o options
	fs := a.newFlagSet("exchange", "CODE [flags]",
		"Trade an auth code from my.getAuthCode for tokens (alipay.system.oauth.token, grant_type=authorization_code).\n"+
			"CODE may be pasted as the bare code, the redirect URL (…auth_code=…) or my.getAuthCode's JSON.\n"+
			"Against the built-in emulator, mint a code first: aliauth exchange \"$(aliauth emulator code)\"")
	o.callFlags(fs)
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, args, 1, 1, "one auth code"); err != nil {
		return err
	}
	code, err := gateway.ParseAuthCode(args[0])
	if err != nil {
		return usageError("auth code: %v", err)
	}
	return a.call(ctx, &o, func(ctx context.Context, c *gateway.Client) (*gateway.Trace, error) {
		return c.Exchange(ctx, code)
	}, callHooks{explain: codeTriage(args[0])})
}

func (a *app) runRefresh(ctx context.Context, args []string) error {
	var o options
	fs := a.newFlagSet("refresh", "REFRESH_TOKEN [flags]",
		"Trade a refresh token for new tokens (grant_type=refresh_token). The gateway rotates the refresh token: keep the new one.")
	o.callFlags(fs)
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, args, 1, 1, "one refresh token"); err != nil {
		return err
	}
	return a.call(ctx, &o, func(ctx context.Context, c *gateway.Client) (*gateway.Trace, error) {
		return c.Refresh(ctx, args[0])
	}, callHooks{before: rotatedRefreshWarning(args[0])})
}

func (a *app) runUserInfo(ctx context.Context, args []string) error {
	var o options
	fs := a.newFlagSet("userinfo", "ACCESS_TOKEN [flags]",
		"Fetch the profile of the user an access token belongs to (alipay.user.info.share). auth_user tokens only.")
	o.callFlags(fs)
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, args, 1, 1, "one access token"); err != nil {
		return err
	}
	return a.call(ctx, &o, func(ctx context.Context, c *gateway.Client) (*gateway.Trace, error) {
		return c.UserInfo(ctx, args[0])
	}, callHooks{})
}

// loader reads the config file and the environment for the options, and
// warns, on every use, about a config file others can read that holds a
// private key.
func (a *app) loader(o *options) (*config.Loader, error) {
	l, err := config.NewLoader(o.config, o.Settings)
	if err != nil {
		return nil, usage(err)
	}
	for _, w := range l.File.Warnings() {
		say(a.stderr, "aliauth: warning: "+w)
	}
	return l, nil
}

// openProfile opens the profile the options select; closing the loader
// closes it.
func (a *app) openProfile(o *options) (*config.Loader, *config.Session, error) {
	l, err := a.loader(o)
	if err != nil {
		return nil, nil, err
	}
	s, err := l.OpenActive()
	if err != nil {
		if p, _ := l.Active(); p == nil || !p.Emulator {
			err = fmt.Errorf("%w\n(aliauth --profile %s runs against the built-in emulator meanwhile)", err, config.DemoProfile)
		}
		return nil, nil, usage(err)
	}
	return l, s, nil
}

// historyBusyTimeout is how long a command waits for a history another
// process is writing.
var historyBusyTimeout = history.DefaultBusyTimeout

// openHistory opens the history database.
func openHistory(ctx context.Context, flagValue string, opts ...history.Option) (*history.Store, error) {
	path, err := history.ResolvePath(flagValue)
	if err != nil {
		return nil, historyError(err)
	}
	s, err := history.Open(ctx, path, append(opts, history.WithBusyTimeout(historyBusyTimeout))...)
	return s, historyError(err)
}

// callHooks are what a command adds around its call, from history:
// warnings before it is sent, and an explanation of its answer.
type callHooks struct {
	before  func(ctx context.Context, store *history.Store) []string
	explain func(ctx context.Context, store *history.Store, t *gateway.Trace) []doctor.Check
}

// call runs one gateway call for a command: it opens the profile and the
// history, makes the call, records it, prints it, and exits with the
// outcome's status.
func (a *app) call(ctx context.Context, o *options, do func(context.Context, *gateway.Client) (*gateway.Trace, error), hooks callHooks) error {
	c, err := a.openCall(ctx, o)
	if err != nil {
		return err
	}
	defer c.close()
	if hooks.before != nil && c.store != nil {
		for _, w := range hooks.before(ctx, c.store) {
			say(a.stderr, "aliauth: warning: "+w)
		}
	}
	callCtx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	t, err := do(callCtx, c.session.Client)
	return a.finishCall(ctx, o, c, t, err, hooks)
}

// openedCall is what a call needs open: the profile and the history.
type openedCall struct {
	loader  *config.Loader
	session *config.Session
	store   *history.Store
	// note says why the call will not be recorded, when it will not.
	note string
}

func (c *openedCall) close() {
	if c.store != nil {
		c.store.Close()
	}
	c.loader.Close()
}

// openCall opens the profile and the history for a call.
func (a *app) openCall(ctx context.Context, o *options) (*openedCall, error) {
	if o.timeout <= 0 {
		return nil, usageError("--timeout %s: give how long to wait for the gateway, a positive duration like 30s or 2m", o.timeout)
	}
	if o.timestamp != "" {
		if _, err := gateway.ParseTimestamp(o.timestamp); err != nil {
			return nil, usageError("--timestamp: %v, in China Standard Time (UTC+8), e.g. \"2026-11-24 16:19:10\"", err)
		}
	}
	l, s, err := a.openProfile(o)
	if err != nil {
		return nil, err
	}
	c := &openedCall{loader: l, session: s}
	if o.timestamp != "" && s.Client.Profile().Protocol == gateway.V3 {
		c.close()
		return nil, usageError("--timestamp pins the v2 timestamp; v3 signs milliseconds since the epoch, which cannot be pinned")
	}
	s.Client.DryRun, s.Client.Timestamp = o.dryRun, o.timestamp
	if !o.dryRun {
		// A broken history must not stop a debugging session.
		if c.store, err = openHistory(ctx, o.history); err != nil {
			c.note = "NOT recorded in history: " + err.Error()
		}
	}
	return c, nil
}

// finishCall records a call's trace, prints it (with what hooks.explain
// adds), and exits with the outcome's status; with no trace, err says why
// there was no call. Recording outlives the call's cancellation.
func (a *app) finishCall(ctx context.Context, o *options, c *openedCall, t *gateway.Trace, err error, hooks callHooks) error {
	if t == nil {
		return usageError("%v", err)
	}
	note := c.note
	if c.store != nil {
		if _, err = c.store.RecordDetached(ctx, t, c.session.Config.KeepsSecrets()); err != nil {
			note = "NOT recorded in history: " + err.Error()
		}
	}
	reveal := o.reveal
	if note != "" {
		more, shown := keepUnrecorded(t, c.session.Config.KeepsSecrets(), !o.jsonOut)
		note, reveal = note+more, reveal || shown
	}
	if o.jsonOut {
		if err := printTraceJSON(a.stdout, t, o.reveal); err != nil {
			return err
		}
		if note != "" {
			say(a.stderr, "aliauth: "+note)
		}
	} else {
		printTrace(a.stdout, t, printOptions{reveal: reveal, verbose: o.verbose, historyID: t.ID, historyNote: note, now: now()})
		if hooks.explain != nil {
			printTriage(a.stdout, hooks.explain(ctx, c.store, t))
		}
	}
	if status := outcomeStatus(t.Outcome); status != ExitOK {
		return silentExit(status)
	}
	return nil
}
