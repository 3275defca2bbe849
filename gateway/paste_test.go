package gateway

import (
	"errors"
	"strings"
	"testing"
)

func TestParseAuthCodeAcceptsWhatPeoplePaste(t *testing.T) {
	const code = "4b203fe6c11548bcabd8da5bb087a83b"
	cases := map[string]string{
		"bare":                 code,
		"padded":               "  \n" + code + "\t ",
		"quoted":               `"` + code + `"`,
		"single quoted":        "'" + code + "'",
		"my.getAuthCode JSON":  `{"authCode":"` + code + `","authErrorScopes":{},"authSuccessScopes":["auth_user"]}`,
		"snake JSON":           `{"auth_code":"` + code + `"}`,
		"nested JSON":          `{"result":{"authCode":"` + code + `"}}`,
		"JSON in array":        `{"data":[{"code":"` + code + `"}]}`,
		"redirect URL":         "https://example.com/cb?app_id=2021000000000001&source=alipay_wallet&scope=auth_user&auth_code=" + code,
		"redirect URL + state": "https://example.com/cb?auth_code=" + code + "&state=xyz",
		"fragment URL":         "https://example.com/cb#auth_code=" + code,
		"query only":           "auth_code=" + code + "&scope=auth_base",
		"custom scheme":        "alipays://platformapi/startapp?appId=1&authCode=" + code,
	}
	for name, in := range cases {
		got, err := ParseAuthCode(in)
		if err != nil || got != code {
			t.Errorf("%s: ParseAuthCode(%q) = %q, %v; want %q", name, in, got, err, code)
		}
	}
}

func TestParseAuthCodeRefusesGarbleWithAHint(t *testing.T) {
	cases := map[string]string{
		"":                            "empty",
		"   ":                         "empty",
		`{"authCode":`:                "not",
		`{"scope":"auth_user"}`:       "no authCode",
		"https://example.com/cb?x=1":  "no auth_code",
		"code with spaces":            "contains",
		"授权码":                         "contains",
		strings.Repeat("a", 300):      "far longer",
		"https://x/cb?auth_code=a%zz": "does not parse",
	}
	for in, want := range cases {
		_, err := ParseAuthCode(in)
		if err == nil || !errors.Is(err, ErrNoAuthCode) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseAuthCode(%q) error = %v, want ErrNoAuthCode mentioning %q", in, err, want)
		}
	}
}
