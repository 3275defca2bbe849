package config

import "os"

// EnvLang names the language the console speaks (zh-CN for Chinese); unset,
// the locale decides.
const EnvLang = "ALIAUTH_LANG"

// Language is the language the environment asks the console for:
// ALIAUTH_LANG, else the locale as POSIX orders it (LC_ALL, LC_MESSAGES,
// LANG); "" when none is set.
func Language() string {
	for _, v := range []string{EnvLang, "LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := os.Getenv(v); s != "" {
			return s
		}
	}
	return ""
}
