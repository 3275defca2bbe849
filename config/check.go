package config

import (
	"fmt"
	"os"
	"strings"

	"aliauth/gateway"
)

// Check opens a profile without calling anything and says what it is and
// what is wrong with it: problems start with "✗" when the profile cannot be
// used, "!" when it can but something must be said.
func Check(pc *Profile) (describe string, problems []string) {
	protocol := pc.Protocol
	if protocol == "" {
		protocol = "v2"
	}
	if pc.Emulator {
		mode := ""
		if pc.CertMode {
			mode = ", certificate mode"
		}
		return fmt.Sprintf("%s · the built-in emulator (not Alipay)%s", protocol, mode), loginProblems(pc)
	}
	s := &Session{Config: pc}
	p, err := s.profile()
	describe = fmt.Sprintf("%s · %s · app %s · %s", protocol, p.Environment(), orNone(pc.AppID), p.URL())
	if err == nil {
		_, err = gateway.NewClient(p)
	}
	if err != nil {
		// The rest of the profile was not loaded, so its warnings would mislead.
		return describe, []string{"✗ " + explain(err).Error()}
	}
	for _, w := range p.Warnings() {
		problems = append(problems, "! "+w)
	}
	return describe, append(problems, loginProblems(pc)...)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Warnings flags a config file others can read that holds key text inline
// rather than a path or an env: reference.
func (c *File) Warnings() []string {
	info, err := os.Stat(c.Path)
	if err != nil || info.Mode().Perm()&0o077 == 0 {
		return nil
	}
	var inline []string
	for _, name := range c.Names() {
		p := c.Profiles[name]
		if p != nil && (SourceName(p.PrivateKey) == "inline key" || inlineSecret(p.AESKey) || (p.AppAuthToken != "" && !strings.HasPrefix(p.AppAuthToken, "env:"))) {
			inline = append(inline, name)
		}
	}
	if len(inline) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("the file is readable by others (mode %o) and holds a private key, aes_key or app_auth_token inline (profile %s): chmod 600 %s, or move the secret to a file or an env: reference",
		info.Mode().Perm(), strings.Join(inline, ", "), c.Path)}
}

// inlineSecret reports whether aes_key holds the key itself rather than
// naming a file or a variable.
func inlineSecret(source string) bool {
	if source == "" || strings.HasPrefix(source, "env:") {
		return false
	}
	_, err := os.Stat(ExpandHome(source))
	return err != nil
}
