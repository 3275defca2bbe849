package config

import (
	"fmt"
	"sync"
)

// Loader resolves and opens profiles for one run of the program: the config
// file, the ALIAUTH_* variables and the flags, laid over each other. It
// keeps the sessions it opened, so switching back to a profile reuses its
// session rather than starting another emulator, and closes them all at
// the end.
type Loader struct {
	File  *File
	env   Settings
	flags Settings

	mu   sync.Mutex
	open []*Session
}

// NewLoader reads the config file (configPath, else ALIAUTH_CONFIG, else the
// default) and the ALIAUTH_* variables; flags are the values given on the
// command line.
func NewLoader(configPath string, flags Settings) (*Loader, error) {
	if err := flags.check(asFlag); err != nil {
		return nil, err
	}
	f, err := Load(configPath)
	if err != nil {
		return nil, err
	}
	env, err := FromEnv()
	if err != nil {
		return nil, err
	}
	return &Loader{File: f, env: env, flags: flags}, nil
}

// Active is the profile the flags, variables and file select, not opened.
func (l *Loader) Active() (*Profile, error) {
	return Resolve(l.File, l.env, l.flags)
}

// OpenActive opens the profile the flags, variables and file select; its
// errors name the profile.
func (l *Loader) OpenActive() (*Session, error) {
	p, err := l.Active()
	if err != nil {
		return nil, err
	}
	s, err := l.openProfile(p)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", p.Name, err)
	}
	return s, nil
}

// Open opens a named profile with the variables and flags laid over it, as
// the active one was; a profile already open is reused. Its errors do not
// name the profile: the caller asked for it by name.
func (l *Loader) Open(name string) (*Session, error) {
	l.mu.Lock()
	for _, s := range l.open {
		if s.Config.Name == name {
			l.mu.Unlock()
			return s, nil
		}
	}
	l.mu.Unlock()
	flags := l.flags
	flags.Profile = name
	p, err := Resolve(l.File, l.env, flags)
	if err != nil {
		return nil, err
	}
	return l.openProfile(p)
}

func (l *Loader) openProfile(p *Profile) (*Session, error) {
	s, err := Open(p)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open = append(l.open, s)
	return s, nil
}

// Close closes every session the loader opened.
func (l *Loader) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.open {
		s.Close()
	}
	l.open = nil
}
