package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
	opts, closeAll, err := a.consoleOptions(ctx, &o)
	if err != nil {
		return err
	}
	defer closeAll()
	if err := ui.Run(ctx, opts); err != nil {
		return fmt.Errorf("console: %w", err)
	}
	return nil
}

// consoleOptions opens what the console needs: the active profile, the
// others to switch to, and history. A profile (or config file) that cannot
// be opened does not stop the console: it runs the built-in demo and shows
// why, with the profile picker open. closeAll releases what was opened.
func (a *app) consoleOptions(ctx context.Context, o *options) (opts ui.Options, closeAll func(), err error) {
	var closers []func()
	closeAll = func() {
		for _, c := range closers {
			c()
		}
	}
	l, err := a.loader(o)
	var s *config.Session
	if err == nil {
		closers = append(closers, l.Close)
		opts.Profiles = l.File.Names()
		opts.Open = func(name string) (ui.Session, error) {
			s, err := l.Open(name)
			if err != nil {
				return ui.Session{}, err
			}
			return forConsole(s), nil
		}
		opts.Doctor = func(ctx context.Context, profile string, probe bool) (*doctor.Report, error) {
			setup, err := l.Setup(profile)
			if err != nil {
				return nil, err
			}
			return doctor.Run(ctx, setup, doctor.Options{Probe: probe}), nil
		}
		opts.Check = func(name string) ui.ProfileCheck { return checkProfile(l.File, name) }
		s, err = l.OpenActive()
	}
	if err != nil {
		opts.OpenError = unwrapUsage(err)
		if s, err = openDemo(l); err != nil {
			closeAll()
			return opts, nil, usage(opts.OpenError)
		}
		closers = append(closers, s.Close)
	}
	opts.Session = forConsole(s)
	opts.Lang = config.Language()
	path, err := history.ResolvePath(o.history)
	if err == nil {
		opts.History, err = history.Open(ctx, path)
	}
	if err != nil {
		opts.HistoryError = err
	} else {
		closers = append(closers, func() { opts.History.Close() })
	}
	return opts, closeAll, nil
}

// openDemo opens the built-in demo for a console whose profile failed: as
// the loader would (with the variables and flags laid over it), else bare.
func openDemo(l *config.Loader) (*config.Session, error) {
	if l != nil {
		if s, err := l.Open(config.DemoProfile); err == nil {
			return s, nil
		}
	}
	return config.Open(&config.Profile{Name: config.DemoProfile, Emulator: true})
}

// unwrapUsage is the error without its exit status, for the console to show.
func unwrapUsage(err error) error {
	var e *exitError
	if errors.As(err, &e) {
		return e.err
	}
	return err
}

// checkProfile says what a profile of the file is and what is wrong with
// it, as aliauth profiles does, without opening it.
func checkProfile(f *config.File, name string) ui.ProfileCheck {
	p := f.Profile(name)
	if p == nil {
		return ui.ProfileCheck{Problem: "not defined in the config file"}
	}
	about, problems := config.Check(p)
	c := ui.ProfileCheck{About: about}
	for _, pr := range problems {
		if text, ok := strings.CutPrefix(pr, "✗ "); ok {
			c.Problem = text
		} else {
			c.Warnings = append(c.Warnings, strings.TrimPrefix(pr, "! "))
		}
	}
	return c
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
	us := ui.Session{Client: s.Client, MintCode: s.MintCode(), StoreSecrets: s.Config.KeepsSecrets(), AutoRefresh: s.Config.AutoRefresh, Login: login}
	if s.Server != nil {
		us.Faults = s.Server.Emulator
	}
	return us
}
