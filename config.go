package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// DemoProfile is the built-in profile: the in-process emulator, with keys
// kept under the user's data directory.
const DemoProfile = "demo"

// profileConfig is one named profile as the config file, the ALIAUTH_*
// variables and the flags describe it. Key and certificate fields hold a
// path, "env:VAR", or the key text itself.
type profileConfig struct {
	Name            string `toml:"-"`
	Emulator        bool   `toml:"emulator"`
	CertMode        bool   `toml:"cert_mode"`
	Protocol        string `toml:"protocol"`
	Gateway         string `toml:"gateway"`
	Endpoint        string `toml:"endpoint"`
	AppID           string `toml:"app_id"`
	PrivateKey      string `toml:"private_key"`
	AlipayPublicKey string `toml:"alipay_public_key"`
	AppCert         string `toml:"app_cert"`
	AlipayCert      string `toml:"alipay_cert"`
	AlipayRootCert  string `toml:"alipay_root_cert"`
	SignType        string `toml:"sign_type"`
	Charset         string `toml:"charset"`
	StoreSecrets    *bool  `toml:"store_secrets"`
}

// configFile is the TOML file of named profiles.
type configFile struct {
	Default  string                    `toml:"default"`
	Profiles map[string]*profileConfig `toml:"profiles"`
	// path is where it was read from; empty when there is no file.
	path string
}

// defaultConfigPath is config.toml in the user's config directory.
func defaultConfigPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the config directory: %w; use --config FILE", err)
	}
	return filepath.Join(dir, "aliauth", "config.toml"), nil
}

// loadConfig reads the config file: --config, else ALIAUTH_CONFIG, else the
// default path. A missing default file is no error (there is then only the
// demo profile); a missing file that was named explicitly is.
func loadConfig(flagValue string) (*configFile, error) {
	path, explicit := flagValue, flagValue != ""
	if !explicit {
		if v := os.Getenv("ALIAUTH_CONFIG"); v != "" {
			path, explicit = v, true
		}
	}
	if !explicit {
		var err error
		if path, err = defaultConfigPath(); err != nil {
			return &configFile{}, nil
		}
	}
	cfg := &configFile{}
	md, err := toml.DecodeFile(path, cfg)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		return &configFile{}, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("config file %s does not exist; create one with: aliauth profiles init --config %s", path, path)
	case err != nil:
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return nil, fmt.Errorf("config file %s: %s", path, perr.ErrorWithPosition())
		}
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		keys := make([]string, len(undecoded))
		for i, k := range undecoded {
			keys[i] = k.String()
		}
		return nil, fmt.Errorf("config file %s: unknown setting %s; see aliauth profiles init for the settings a profile takes", path, strings.Join(keys, ", "))
	}
	cfg.path = path
	for name, p := range cfg.Profiles {
		if p == nil {
			return nil, fmt.Errorf("config file %s: profile %q is empty", path, name)
		}
		p.Name = name
	}
	if cfg.Default != "" && cfg.profile(cfg.Default) == nil {
		return nil, fmt.Errorf("config file %s: default profile %q is not defined; profiles: %s", path, cfg.Default, strings.Join(cfg.names(), ", "))
	}
	return cfg, nil
}

// loadConfig loads the config file and warns, on every use, when it is
// readable by others and holds a private key inline.
func (a *app) loadConfig(flagValue string) (*configFile, error) {
	cfg, err := loadConfig(flagValue)
	if err != nil {
		return nil, err
	}
	for _, w := range configFileWarnings(cfg) {
		fmt.Fprintln(a.stderr, "aliauth: warning: "+w)
	}
	return cfg, nil
}

// profile returns a copy of the named profile; the demo profile always exists.
func (c *configFile) profile(name string) *profileConfig {
	if p, ok := c.Profiles[name]; ok {
		cp := *p
		return &cp
	}
	if name == DemoProfile {
		return &profileConfig{Name: DemoProfile, Emulator: true}
	}
	return nil
}

// names lists the profiles, the demo one included, sorted.
func (c *configFile) names() []string {
	names := []string{}
	for n := range c.Profiles {
		names = append(names, n)
	}
	if _, ok := c.Profiles[DemoProfile]; !ok {
		names = append(names, DemoProfile)
	}
	sort.Strings(names)
	return names
}

// overrides are the settings given by ALIAUTH_* variables and by flags.
type overrides struct {
	Profile         string
	Protocol        string
	Gateway         string
	Endpoint        string
	AppID           string
	PrivateKey      string
	AlipayPublicKey string
	AppCert         string
	AlipayCert      string
	AlipayRootCert  string
	SignType        string
	Charset         string
	NoStoreSecrets  bool
}

// envOverrides reads the ALIAUTH_* variables.
func envOverrides() (overrides, error) {
	o := overrides{
		Profile:         os.Getenv("ALIAUTH_PROFILE"),
		Protocol:        os.Getenv("ALIAUTH_PROTOCOL"),
		Gateway:         os.Getenv("ALIAUTH_GATEWAY"),
		Endpoint:        os.Getenv("ALIAUTH_ENDPOINT"),
		AppID:           os.Getenv("ALIAUTH_APP_ID"),
		PrivateKey:      os.Getenv("ALIAUTH_PRIVATE_KEY"),
		AlipayPublicKey: os.Getenv("ALIAUTH_ALIPAY_PUBLIC_KEY"),
		AppCert:         os.Getenv("ALIAUTH_APP_CERT"),
		AlipayCert:      os.Getenv("ALIAUTH_ALIPAY_CERT"),
		AlipayRootCert:  os.Getenv("ALIAUTH_ALIPAY_ROOT_CERT"),
		SignType:        os.Getenv("ALIAUTH_SIGN_TYPE"),
		Charset:         os.Getenv("ALIAUTH_CHARSET"),
	}
	if v := os.Getenv("ALIAUTH_NO_STORE_SECRETS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return o, fmt.Errorf("ALIAUTH_NO_STORE_SECRETS=%q is not true or false", v)
		}
		o.NoStoreSecrets = b
	}
	return o, nil
}

// connects reports whether the overrides name a connection of their own
// (where to send and as which app), rather than only tuning a profile.
func (o overrides) connects() bool {
	return o.Gateway != "" || o.Endpoint != "" || o.AppID != "" || o.PrivateKey != "" ||
		o.AlipayPublicKey != "" || o.AppCert != "" || o.AlipayCert != "" || o.AlipayRootCert != ""
}

// apply lays o over p: set values win.
func (o overrides) apply(p *profileConfig) {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&p.Protocol, o.Protocol)
	set(&p.Gateway, o.Gateway)
	set(&p.Endpoint, o.Endpoint)
	set(&p.AppID, o.AppID)
	set(&p.PrivateKey, o.PrivateKey)
	set(&p.AlipayPublicKey, o.AlipayPublicKey)
	set(&p.AppCert, o.AppCert)
	set(&p.AlipayCert, o.AlipayCert)
	set(&p.AlipayRootCert, o.AlipayRootCert)
	set(&p.SignType, o.SignType)
	set(&p.Charset, o.Charset)
	if o.NoStoreSecrets {
		no := false
		p.StoreSecrets = &no
	}
	if o.connects() {
		p.Emulator = false
	}
}

// resolve picks the profile and lays the variables, then the flags, over
// it. The profile is --profile, else ALIAUTH_PROFILE, else the config's
// default; with none of those, settings given by variables or flags make an
// ad-hoc profile, and nothing at all means the demo emulator.
func resolve(cfg *configFile, env, flags overrides) (*profileConfig, error) {
	name := flags.Profile
	if name == "" {
		name = env.Profile
	}
	if name == "" {
		name = cfg.Default
	}
	var p *profileConfig
	switch {
	case name != "":
		if p = cfg.profile(name); p == nil {
			where := "no config file is loaded"
			if cfg.path != "" {
				where = "config file " + cfg.path + " defines " + strings.Join(cfg.names(), ", ")
			}
			return nil, fmt.Errorf("profile %q is not defined (%s); list them with: aliauth profiles", name, where)
		}
	case env.connects() || flags.connects():
		p = &profileConfig{Name: "custom"}
	default:
		p = &profileConfig{Name: DemoProfile, Emulator: true}
	}
	env.apply(p)
	flags.apply(p)
	return p, nil
}

// storeSecrets is whether history keeps the tokens (the default) or only
// their fingerprints.
func (p *profileConfig) storeSecrets() bool {
	return p.StoreSecrets == nil || *p.StoreSecrets
}
