package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"aliauth/config"
	"aliauth/internal/atomicfile"
)

func (a *app) runProfiles(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "init" {
		return a.profilesInit(args[1:])
	}
	var o options
	flags := a.newFlagSet("profiles", "[init] [--config FILE]",
		"List the named profiles of the config file, and say what is wrong with each: a missing file, the wrong\n"+
			"kind of key, the app key given as the Alipay key, a retired gateway. `aliauth profiles init` writes an example.")
	flags.StringVar(&o.config, "config", "", "config file (env "+config.EnvConfig+")")
	args, err := parseArgs(flags, args)
	if err != nil {
		return err
	}
	if err := wantArgs(flags, args, 0, 0, "no arguments besides init"); err != nil {
		return err
	}
	l, err := config.NewLoader(o.config, config.Settings{})
	if err != nil {
		return usage(err)
	}
	cfg := l.File
	active, _ := l.Active()
	if cfg.Path == "" {
		path, _ := config.DefaultPath()
		say(a.stdout, fmt.Sprintf("no config file (looked for %s); only the built-in demo profile exists.", path))
		fmt.Fprintln(a.stdout, "write an example with: aliauth profiles init")
	} else {
		say(a.stdout, "config file "+cfg.Path)
		for _, w := range cfg.Warnings() {
			say(a.stdout, "  ! "+w)
		}
	}
	bad := 0
	for _, name := range cfg.Names() {
		mark := " "
		if active != nil && active.Name == name {
			mark = "*"
		}
		fmt.Fprintln(a.stdout)
		say(a.stdout, mark+" "+name)
		describe, problems := config.Check(cfg.Profile(name))
		say(a.stdout, "    "+describe)
		broken := false
		for _, p := range problems {
			say(a.stdout, "    "+p)
			broken = broken || strings.HasPrefix(p, "✗")
		}
		if broken {
			bad++
		} else {
			fmt.Fprintln(a.stdout, "    ✓ ready")
		}
	}
	if active != nil {
		fmt.Fprintf(a.stdout, "\n* is the active profile (--profile, ALIAUTH_PROFILE or the config's default picks it)\n")
	}
	if bad > 0 {
		return silentExit(ExitUsage)
	}
	return nil
}

func (a *app) profilesInit(args []string) error {
	flags := a.newFlagSet("profiles init", "[--config FILE] [--force]", "Write a commented example config file of named profiles.")
	path := flags.String("config", "", "where to write it (env "+config.EnvConfig+"; default the user's config directory)")
	force := flags.Bool("force", false, "overwrite an existing file")
	args, err := parseArgs(flags, args)
	if err != nil {
		return err
	}
	if err := wantArgs(flags, args, 0, 0, "no arguments"); err != nil {
		return err
	}
	if *path == "" {
		*path = os.Getenv(config.EnvConfig)
	}
	if *path == "" {
		if *path, err = config.DefaultPath(); err != nil {
			return usage(err)
		}
	}
	if _, err := os.Stat(*path); err == nil && !*force {
		return usageError("%s exists; edit it, or pass --force to replace it with the example", *path)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return usage(err)
	}
	if err := os.MkdirAll(filepath.Dir(*path), 0o700); err != nil {
		return usage(err)
	}
	if err := atomicfile.WriteFile(*path, []byte(config.Example), 0o600); err != nil {
		return usage(err)
	}
	say(a.stdout, fmt.Sprintf("wrote %s; edit it, then check it with: aliauth profiles", *path))
	return nil
}
