// Package config turns what a user configured — the TOML file of named
// profiles, the ALIAUTH_* variables and the command-line flags — into a
// ready gateway client. It is the only package that knows the names of
// flags, variables and profile settings, so it words the libraries' typed
// errors with them.
package config

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

// EnvConfig names the variable that overrides the config file's path.
const EnvConfig = "ALIAUTH_CONFIG"

// Profile is one named profile as the config file, the ALIAUTH_* variables
// and the flags describe it. Key and certificate fields hold a path,
// "env:VAR", or the key text itself.
type Profile struct {
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
	// AutoRefresh makes the console refresh the tokens before they expire.
	AutoRefresh bool `toml:"auto_refresh"`
	// OpenIDOnly makes the built-in emulator's demo app one created after
	// the OpenID migration: tokens carry open_id and no user_id.
	OpenIDOnly bool `toml:"openid_only"`
	// RedirectURI is the app's 授权回调地址 as the Alipay console shows it:
	// the redirect an authorization uses by default, and the domain any
	// other redirect must be on.
	RedirectURI string `toml:"redirect_uri"`
	// Listen is where the redirect catcher listens: the address a tunnel
	// to the redirect URI forwards to.
	Listen string `toml:"listen"`
	// AESKey is the 接口内容加密方式 key that decrypts my.getPhoneNumber: a
	// path, "env:VAR", or the key text.
	AESKey string `toml:"aes_key"`
	// AppAuthToken makes calls act for the merchant app that granted it to
	// this third-party app: the token, or "env:VAR".
	AppAuthToken string `toml:"app_auth_token"`
}

// KeepsSecrets is whether history keeps the tokens (the default) or only
// their fingerprints.
func (p *Profile) KeepsSecrets() bool {
	return p.StoreSecrets == nil || *p.StoreSecrets
}

// File is the TOML file of named profiles.
type File struct {
	Default  string              `toml:"default"`
	Profiles map[string]*Profile `toml:"profiles"`
	// Path is where it was read from; empty when there is no file.
	Path string `toml:"-"`
}

// DefaultPath is config.toml in the user's config directory.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the config directory: %w; use --config FILE or set %s", err, EnvConfig)
	}
	return filepath.Join(dir, "aliauth", "config.toml"), nil
}

// Load reads the config file: flagValue (--config), else ALIAUTH_CONFIG,
// else the default path. A missing default file is no error (there is then
// only the demo profile); a missing file that was named explicitly is.
func Load(flagValue string) (*File, error) {
	path, explicit := flagValue, flagValue != ""
	if !explicit {
		if v := os.Getenv(EnvConfig); v != "" {
			path, explicit = v, true
		}
	}
	if !explicit {
		var err error
		if path, err = DefaultPath(); err != nil {
			return &File{}, nil
		}
	}
	cfg := &File{}
	md, err := toml.DecodeFile(path, cfg)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		return &File{}, nil
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
	cfg.Path = path
	for name, p := range cfg.Profiles {
		if p == nil {
			return nil, fmt.Errorf("config file %s: profile %q is empty", path, name)
		}
		p.Name = name
	}
	if cfg.Default != "" && cfg.Profile(cfg.Default) == nil {
		return nil, fmt.Errorf("config file %s: default profile %q is not defined; profiles: %s", path, cfg.Default, strings.Join(cfg.Names(), ", "))
	}
	return cfg, nil
}

// Profile returns a copy of the named profile; the demo profile always
// exists. It is nil for an unknown name.
func (c *File) Profile(name string) *Profile {
	if p, ok := c.Profiles[name]; ok {
		cp := *p
		return &cp
	}
	if name == DemoProfile {
		return &Profile{Name: DemoProfile, Emulator: true}
	}
	return nil
}

// Names lists the profiles, the demo one included, sorted.
func (c *File) Names() []string {
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

// Settings are the values given by ALIAUTH_* variables or by flags, laid
// over a profile.
type Settings struct {
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
	RedirectURI     string
	Listen          string
	AESKey          string
	AppAuthToken    string
}

// FromEnv reads the ALIAUTH_* variables.
func FromEnv() (Settings, error) {
	s := Settings{
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
		RedirectURI:     os.Getenv("ALIAUTH_REDIRECT_URI"),
		Listen:          os.Getenv("ALIAUTH_LISTEN"),
		AESKey:          os.Getenv("ALIAUTH_AES_KEY"),
		AppAuthToken:    os.Getenv("ALIAUTH_APP_AUTH_TOKEN"),
	}
	if v := os.Getenv("ALIAUTH_NO_STORE_SECRETS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return s, fmt.Errorf("ALIAUTH_NO_STORE_SECRETS=%q is not true or false", v)
		}
		s.NoStoreSecrets = b
	}
	return s, s.check(asVariable)
}

// connects reports whether the settings name a connection of their own
// (where to send and as which app), rather than only tuning a profile.
func (s Settings) connects() bool {
	return s.Gateway != "" || s.Endpoint != "" || s.AppID != "" || s.PrivateKey != "" ||
		s.AlipayPublicKey != "" || s.AppCert != "" || s.AlipayCert != "" || s.AlipayRootCert != ""
}

// apply lays s over p: set values win.
func (s Settings) apply(p *Profile) {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&p.Protocol, s.Protocol)
	set(&p.Gateway, s.Gateway)
	set(&p.Endpoint, s.Endpoint)
	set(&p.AppID, s.AppID)
	set(&p.PrivateKey, s.PrivateKey)
	set(&p.AlipayPublicKey, s.AlipayPublicKey)
	set(&p.AppCert, s.AppCert)
	set(&p.AlipayCert, s.AlipayCert)
	set(&p.AlipayRootCert, s.AlipayRootCert)
	set(&p.SignType, s.SignType)
	set(&p.Charset, s.Charset)
	set(&p.RedirectURI, s.RedirectURI)
	set(&p.Listen, s.Listen)
	set(&p.AESKey, s.AESKey)
	set(&p.AppAuthToken, s.AppAuthToken)
	if s.NoStoreSecrets {
		no := false
		p.StoreSecrets = &no
	}
	if s.connects() {
		p.Emulator = false
	}
}

// replacesConnection reports whether the settings, together, say where to
// send and as which app: an app id, a private key and a URL.
func replacesConnection(env, flags Settings) bool {
	set := func(a, b string) bool { return a != "" || b != "" }
	return set(env.AppID, flags.AppID) && set(env.PrivateKey, flags.PrivateKey) &&
		(set(env.Gateway, flags.Gateway) || set(env.Endpoint, flags.Endpoint))
}

// Resolve picks the profile and lays the variables, then the flags, over
// it. The profile is flags.Profile, else env.Profile, else the file's
// default — unless the variables and flags name a whole connection of their
// own (app id, private key and URL), which makes an ad-hoc profile named
// "custom", so such a call is never recorded under a profile it did not
// use. With none of those, settings given by variables or flags make an
// ad-hoc profile too, and nothing at all means the demo emulator.
func Resolve(f *File, env, flags Settings) (*Profile, error) {
	name := flags.Profile
	if name == "" {
		name = env.Profile
	}
	if name == "" && !replacesConnection(env, flags) {
		name = f.Default
	}
	var p *Profile
	switch {
	case name != "":
		if p = f.Profile(name); p == nil {
			where := "no config file is loaded"
			if f.Path != "" {
				where = "config file " + f.Path + " defines " + strings.Join(f.Names(), ", ")
			}
			return nil, fmt.Errorf("profile %q is not defined (%s); list them with: aliauth profiles", name, where)
		}
	case env.connects() || flags.connects():
		p = &Profile{Name: "custom"}
	default:
		p = &Profile{Name: DemoProfile, Emulator: true}
	}
	env.apply(p)
	flags.apply(p)
	return p, nil
}
