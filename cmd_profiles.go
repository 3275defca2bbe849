package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"aliauth/gateway"
)

func (a *app) runProfiles(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "init" {
		return a.profilesInit(args[1:])
	}
	var o options
	flags := a.newFlagSet("profiles", "[init] [--config FILE]",
		"List the named profiles of the config file, and say what is wrong with each: a missing file, the wrong\n"+
			"kind of key, the app key given as the Alipay key, a retired gateway. `aliauth profiles init` writes an example.")
	flags.StringVar(&o.config, "config", "", "config file (env ALIAUTH_CONFIG)")
	args, err := parseArgs(flags, args)
	if err != nil {
		return err
	}
	if err := wantArgs(flags, args, 0, 0, "no arguments besides init"); err != nil {
		return err
	}
	cfg, err := loadConfig(o.config)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	env, err := envOverrides()
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	active, _ := resolve(cfg, env, overrides{})
	if cfg.path == "" {
		path, _ := defaultConfigPath()
		fmt.Fprintf(a.stdout, "no config file (looked for %s); only the built-in demo profile exists.\n", path)
		fmt.Fprintln(a.stdout, "write an example with: aliauth profiles init")
	} else {
		fmt.Fprintf(a.stdout, "config file %s\n", cfg.path)
		for _, w := range configFileWarnings(cfg) {
			fmt.Fprintln(a.stdout, "  ! "+w)
		}
	}
	bad := 0
	for _, name := range cfg.names() {
		pc := cfg.profile(name)
		mark := " "
		if active != nil && active.Name == name {
			mark = "*"
		}
		fmt.Fprintf(a.stdout, "\n%s %s\n", mark, name)
		problems, describe := checkProfile(pc)
		fmt.Fprintln(a.stdout, "    "+describe)
		broken := false
		for _, p := range problems {
			fmt.Fprintln(a.stdout, "    "+p)
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
		return silentExit(exitUsage)
	}
	return nil
}

// checkProfile opens a profile without calling anything and says what is
// wrong with it, and what it is.
func checkProfile(pc *profileConfig) (problems []string, describe string) {
	protocol := pc.Protocol
	if protocol == "" {
		protocol = "v2"
	}
	if pc.Emulator {
		mode := ""
		if pc.CertMode {
			mode = ", certificate mode"
		}
		return nil, fmt.Sprintf("%s · the built-in emulator (not Alipay)%s", protocol, mode)
	}
	s := &session{config: pc}
	p, err := s.profile()
	describe = fmt.Sprintf("%s · %s · app %s · %s", protocol, p.Environment(), orNone(pc.AppID), p.URL())
	if err == nil {
		_, err = gateway.NewClient(p)
	}
	if err != nil {
		// The rest of the profile was not loaded, so its warnings would mislead.
		return append(problems, "✗ "+err.Error()), describe
	}
	for _, w := range p.Warnings() {
		problems = append(problems, "! "+w)
	}
	return problems, describe
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// configFileWarnings flags a config file others can read that holds key
// text inline rather than a path or an env: reference.
func configFileWarnings(cfg *configFile) []string {
	info, err := os.Stat(cfg.path)
	if err != nil || info.Mode().Perm()&0o077 == 0 {
		return nil
	}
	var inline []string
	for _, name := range cfg.names() {
		p := cfg.Profiles[name]
		if p != nil && sourceName(p.PrivateKey) == "inline key" {
			inline = append(inline, name)
		}
	}
	if len(inline) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("the file is readable by others (mode %o) and holds a private key inline (profile %s): chmod 600 %s, or move the key to a file or an env: reference",
		info.Mode().Perm(), strings.Join(inline, ", "), cfg.path)}
}

func (a *app) profilesInit(args []string) error {
	flags := a.newFlagSet("profiles init", "[--config FILE] [--force]", "Write a commented example config file of named profiles.")
	path := flags.String("config", "", "where to write it (env ALIAUTH_CONFIG; default the user's config directory)")
	force := flags.Bool("force", false, "overwrite an existing file")
	args, err := parseArgs(flags, args)
	if err != nil {
		return err
	}
	if err := wantArgs(flags, args, 0, 0, "no arguments"); err != nil {
		return err
	}
	if *path == "" {
		*path = os.Getenv("ALIAUTH_CONFIG")
	}
	if *path == "" {
		if *path, err = defaultConfigPath(); err != nil {
			return &exitError{code: exitUsage, err: err}
		}
	}
	if _, err := os.Stat(*path); err == nil && !*force {
		return usageError("%s exists; edit it, or pass --force to replace it with the example", *path)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return &exitError{code: exitUsage, err: err}
	}
	if err := os.MkdirAll(filepath.Dir(*path), 0o700); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if err := writeFileAtomic(*path, []byte(exampleConfig), 0o600); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	fmt.Fprintf(a.stdout, "wrote %s; edit it, then check it with: aliauth profiles\n", *path)
	return nil
}

// writeFileAtomic writes through a temporary file and a rename: never a
// half-written file.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return err
}

const exampleConfig = `# aliauth profiles. Check them with: aliauth profiles
# Pick one with --profile NAME or ALIAUTH_PROFILE; ALIAUTH_* variables and flags
# override a profile's settings, in that order.
# Keys and certificates: a file path (~ allowed), or "env:VAR" to read the key
# text from an environment variable. Keep private keys out of this file.

default = "sandbox"

# Alipay's sandbox (沙箱环境), v2 gateway, public-key mode.
[profiles.sandbox]
protocol = "v2"
gateway = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
app_id = "9021000000000000"
private_key = "~/alipay/sandbox/app_private_key.txt"       # 应用私钥, as the key tool saved it
alipay_public_key = "~/alipay/sandbox/alipay_public_key.txt" # 支付宝公钥, from the console
sign_type = "RSA2"
charset = "utf-8"

# Production in certificate mode (公钥证书模式) over the v3 REST protocol.
[profiles.production]
protocol = "v3"
endpoint = "https://openapi.alipay.com"
app_id = "2021000000000000"
private_key = "env:ALIPAY_APP_PRIVATE_KEY"
app_cert = "~/alipay/prod/appCertPublicKey_2021000000000000.crt"
alipay_cert = "~/alipay/prod/alipayCertPublicKey_RSA2.crt"
alipay_root_cert = "~/alipay/prod/alipayRootCert.crt"
store_secrets = false # history keeps token fingerprints, not tokens

# The built-in emulator over v3, in certificate mode. ("demo" is built in: v2.)
[profiles.emulator-v3]
emulator = true
protocol = "v3"
cert_mode = true
`
