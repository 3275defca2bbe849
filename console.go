package main

import (
	"context"
	"fmt"
	"sync"

	"aliauth/history"
	"aliauth/ui"
)

// runConsole opens the console on the active profile: the emulator when
// nothing is configured.
func (a *app) runConsole(ctx context.Context, args []string) error {
	var o options
	fs := a.newFlagSet("", "[flags]", "Open the console. With no configuration it runs against the built-in emulator.")
	o.profileFlags(fs)
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
	cfg, err := a.loadConfig(o.config)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	env, err := envOverrides()
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	sessions := &sessionSet{}
	defer sessions.closeAll()
	// open builds a named profile's session with the variables and flags
	// laid over it, as the first one was.
	open := func(name string) (ui.Session, error) {
		if open, ok := sessions.named(name); ok {
			return open, nil
		}
		flags := o.overrides
		flags.Profile = name
		pc, err := resolve(cfg, env, flags)
		if err != nil {
			return ui.Session{}, err
		}
		s, err := openSession(pc)
		if err != nil {
			return ui.Session{}, err
		}
		return sessions.add(s), nil
	}
	first, err := resolve(cfg, env, o.overrides)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	s, err := openSession(first)
	if err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("profile %s: %w", first.Name, err)}
	}
	opts := ui.Options{Session: sessions.add(s), Profiles: cfg.names(), Open: open}
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

// sessionSet closes every session the console opened, when it ends.
// Switching back to a profile reuses its session rather than starting
// another emulator.
type sessionSet struct {
	mu   sync.Mutex
	list []*session
}

// add keeps x to close later and returns it as the console takes it.
func (s *sessionSet) add(x *session) ui.Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.list = append(s.list, x)
	return x.forConsole()
}

// named returns the session already open for a profile.
func (s *sessionSet) named(name string) (ui.Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.list {
		if x.config.Name == name {
			return x.forConsole(), true
		}
	}
	return ui.Session{}, false
}

// forConsole is the session as the console takes it.
func (x *session) forConsole() ui.Session {
	return ui.Session{Client: x.client, MintCode: x.mintCode(), StoreSecrets: x.config.storeSecrets()}
}

func (s *sessionSet) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.list {
		x.close()
	}
}
