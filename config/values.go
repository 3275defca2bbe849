package config

import (
	"fmt"
	"strings"

	"aliauth/gateway"
)

// check refuses a protocol, sign type or charset no profile can use, naming
// where it was given: where(flag, variable) picks the name of the flag or
// the variable that set it, and how to show its value.
func (s Settings) check(where func(flag, variable, value string) string) error {
	if p := strings.ToLower(strings.TrimSpace(s.Protocol)); p != "" && p != string(gateway.V2) && p != string(gateway.V3) {
		return fmt.Errorf("%s: use v2 (gateway.do) or v3 (REST)", where("--protocol", "ALIAUTH_PROTOCOL", s.Protocol))
	}
	if _, err := gateway.ParseSignType(s.SignType); err != nil {
		return fmt.Errorf("%s: %w", where("--sign-type", "ALIAUTH_SIGN_TYPE", s.SignType), err)
	}
	if _, err := gateway.NormalizeCharset(s.Charset); err != nil {
		return fmt.Errorf("%s: %w", where("--charset", "ALIAUTH_CHARSET", s.Charset), err)
	}
	return nil
}

// asVariable names a setting by its ALIAUTH_* variable, as a shell sets it.
func asVariable(_, variable, value string) string { return fmt.Sprintf("%s=%q", variable, value) }

// asFlag names a setting by its flag, as the command line gave it.
func asFlag(flag, _, value string) string { return fmt.Sprintf("%s %q", flag, value) }
