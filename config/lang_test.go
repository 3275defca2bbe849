package config

import "testing"

func TestLanguageFromTheEnvironment(t *testing.T) {
	for _, c := range []struct{ lang, lcAll, lcMessages, lang2, want string }{
		{"zh-CN", "en_US.UTF-8", "", "", "zh-CN"},
		{"", "zh_CN.UTF-8", "en_US.UTF-8", "", "zh_CN.UTF-8"},
		{"", "", "zh_CN.UTF-8", "en_US.UTF-8", "zh_CN.UTF-8"},
		{"", "", "", "en_GB.UTF-8", "en_GB.UTF-8"},
		{"", "", "", "", ""},
	} {
		t.Setenv(EnvLang, c.lang)
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LC_MESSAGES", c.lcMessages)
		t.Setenv("LANG", c.lang2)
		if got := Language(); got != c.want {
			t.Errorf("%+v: Language() = %q", c, got)
		}
	}
}
