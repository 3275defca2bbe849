package cli

import (
	"context"
	"fmt"

	"aliauth/config"
	"aliauth/doctor"
	"aliauth/history"
	"aliauth/ui"
)

// runConsole opens the console on the active profile: the emulator when
// nothing is configured.
func (a *app) runConsole(ctx context.Context, args []string) error {
	var o options
	fs := a.newFlagSet("", "[flags]", "Open the console. With no configuration it runs against the built-in emulator.")
	o.profileFlags(fs)
	fs.StringVar(&o.Listen, "listen", "", "where the redirect catcher of an authorization (a) listens: what a tunnel to redirect_uri forwards to (env ALIAUTH_LISTEN, listen in the profile)")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		a.usage(a.stderr)
		return usageError("unknown command %q", args[0])
	}
	if !a.interactive {
		return usageError("the console needs a terminal; in scripts use the commands (aliauth exchange, refresh, userinfo, history, ...; aliauth -h lists them)")
	}
	l, s, err := a.openProfile(&o)
	if err != nil {
		return err
	}
	defer l.Close()
	opts := ui.Options{Session: forConsole(s), Profiles: l.File.Names(), Open: func(name string) (ui.Session, error) {
		s, err := l.Open(name)
		if err != nil {
			return ui.Session{}, err
		}
		return forConsole(s), nil
	}, Doctor: func(ctx context.Context, profile string, probe bool) (*doctor.Report, error) {
		setup, err := l.Setup(profile)
		if err != nil {
			return nil, err
		}
		return doctor.Run(ctx, setup, doctor.Options{Probe: probe}), nil
	}}
	path, err := history.ResolvePath(o.history)
	if err == nil {
		opts.History, err = history.Open(ctx, path)
	}
	if err != nil {
		opts.HistoryError = err
	} else {
		defer opts.History.Close()
	}
	if err := ui.Run(ctx, opts); err != nil {
		return fmt.Errorf("console: %w", err)
	}
	return nil
}

// forConsole is a session as the console takes it.
func forConsole(s *config.Session) ui.Session {
	login := ui.LoginOptions{
		RedirectURI:         s.Config.RedirectURI,
		Listen:              s.Config.Listen,
		PhonePayload:        s.PhonePayload(),
		OpenUserInfoPayload: s.OpenUserInfoPayload(),
		MintAppAuthCode:     s.MintAppAuthCode(),
	}
	if s.Config.AESKey != "" || s.Server != nil {
		login.AESKey = s.AESKey
	}
	return ui.Session{Client: s.Client, MintCode: s.MintCode(), StoreSecrets: s.Config.KeepsSecrets(), AutoRefresh: s.Config.AutoRefresh, Login: login}
}
