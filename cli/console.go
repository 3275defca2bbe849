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
	opts, finish := a.consoleOptions(ctx, &o)
	runErr := ui.Run(ctx, opts)
	if err := finish(); err != nil {
		return err
	}
	if runErr != nil {
		return fmt.Errorf("console: %w", runErr)
	}
	return nil
}

// consoleOptions prepares the console: the active profile, the others to
// switch to, and history. What takes time (reading keys, starting the
// emulator, opening history and bringing its schema up to date) is done on
// other goroutines while the console draws its first frame from the
// profile as configured (opts.Opening). A profile (or config file) that
// cannot be opened does not stop the console: it runs the built-in demo and
// shows why, with the profile picker open. finish waits for the opening,
// releases what was opened, and returns the error that kept even the demo
// from opening, when that happened (the console then quit at once).
func (a *app) consoleOptions(ctx context.Context, o *options) (opts ui.Options, finish func() error) {
	l, err := a.loader(o)
	var active *config.Profile
	if err == nil {
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
		active, err = l.Active()
	}
	if active == nil {
		active = &config.Profile{Name: config.DemoProfile, Emulator: true}
	}
	opts.Lang = config.Language()

	// The session and history open side by side, each on its own
	// goroutine; the console waits for each with Opening.
	openCtx, cancel := context.WithCancel(ctx)
	var (
		session     *config.Session
		demo        *config.Session
		openErr     error
		fatal       error
		store       *history.Store
		historyErr  error
		sessionDone = make(chan struct{})
		historyDone = make(chan struct{})
	)
	go func(loadErr error) {
		defer close(sessionDone)
		session, demo, openErr, fatal = openConsoleSession(l, loadErr)
	}(err)
	go func() {
		defer close(historyDone)
		path, err := history.ResolvePath(o.history)
		if err == nil {
			store, err = history.Open(openCtx, path)
		}
		historyErr = err
	}()
	opts.Opening = &ui.Opening{
		Profile: config.Preview(active),
		Session: func() (ui.Session, error) {
			<-sessionDone
			if session == nil {
				return ui.Session{}, openErr
			}
			return forConsole(session), openErr
		},
		History: func() (*history.Store, error) {
			<-historyDone
			return store, historyErr
		},
	}
	finish = func() error {
		cancel()
		<-sessionDone
		<-historyDone
		if demo != nil {
			demo.Close()
		}
		if store != nil {
			store.Close()
		}
		if l != nil {
			l.Close()
		}
		return fatal
	}
	return opts, finish
}

// openConsoleSession opens the session the console starts on: the active
// profile, or the built-in demo when the config (loadErr) or the profile is
// broken, with the reason in openErr. The demo is opened as the loader
// would (with the variables and flags laid over it), else bare, and then
// returned as demo too, for the caller to close. fatal is the error of a
// console that cannot open even the demo.
func openConsoleSession(l *config.Loader, loadErr error) (s, demo *config.Session, openErr, fatal error) {
	openErr = loadErr
	if openErr == nil {
		if s, openErr = l.OpenActive(); openErr == nil {
			return s, nil, nil, nil
		}
	}
	openErr = unwrapUsage(openErr)
	if l != nil {
		if s, err := l.Open(config.DemoProfile); err == nil {
			return s, nil, openErr, nil
		}
	}
	s, err := config.Open(&config.Profile{Name: config.DemoProfile, Emulator: true})
	if err != nil {
		return nil, nil, openErr, usage(openErr)
	}
	return s, s, openErr, nil
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
