package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// ErrNoAuthCode is wrapped when pasted text holds no auth code.
var ErrNoAuthCode = errors.New("no auth code found")

// codeKeys are the names an auth code goes by in what people paste:
// my.getAuthCode's result, redirect URLs, server logs.
var codeKeys = []string{"authCode", "auth_code", "code"}

// ParseAuthCode finds the auth code in what a user pastes: the bare code, a
// redirect URL with auth_code=, or a JSON blob like my.getAuthCode's result
// {"authCode":"..."}; surrounding whitespace and quotes are trimmed.
func ParseAuthCode(pasted string) (string, error) {
	s := strings.TrimSpace(pasted)
	s = strings.Trim(s, "\"'`")
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("%w: the input is empty; paste the authCode from my.getAuthCode", ErrNoAuthCode)
	}
	switch {
	case strings.HasPrefix(s, "{"):
		return codeFromJSON(s)
	case strings.Contains(s, "auth_code=") || strings.Contains(s, "authCode=") || strings.Contains(s, "://"):
		return codeFromURL(s)
	}
	return checkCode(s)
}

func codeFromJSON(s string) (string, error) {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return "", fmt.Errorf("%w: the pasted text starts like JSON but is not (%v); paste the whole object or just the code", ErrNoAuthCode, err)
	}
	if code, ok := findCode(v, 0); ok {
		return checkCode(code)
	}
	return "", fmt.Errorf("%w: the JSON has no authCode, auth_code or code field", ErrNoAuthCode)
}

// findCode looks for a code field at any depth: my.getAuthCode's result is
// often logged wrapped in another object.
func findCode(v any, depth int) (string, bool) {
	if depth > 8 {
		return "", false
	}
	switch x := v.(type) {
	case map[string]any:
		for _, k := range codeKeys {
			if s, ok := x[k].(string); ok && s != "" {
				return s, true
			}
		}
		for _, child := range x {
			if s, ok := findCode(child, depth+1); ok {
				return s, true
			}
		}
	case []any:
		for _, child := range x {
			if s, ok := findCode(child, depth+1); ok {
				return s, true
			}
		}
	}
	return "", false
}

func codeFromURL(s string) (string, error) {
	query := s
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		query = s[i+1:]
	}
	query = strings.ReplaceAll(query, "#", "&")
	values, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("%w: the URL's query does not parse (%v)", ErrNoAuthCode, err)
	}
	for _, k := range codeKeys {
		if code := values.Get(k); code != "" {
			return checkCode(code)
		}
	}
	return "", fmt.Errorf("%w: the URL has no auth_code parameter; paste the redirect URL Alipay sent the user back to", ErrNoAuthCode)
}

// checkCode accepts what an auth code can be: letters, digits and - _ . only.
func checkCode(code string) (string, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return "", fmt.Errorf("%w: the code in the pasted text is empty", ErrNoAuthCode)
	}
	if len(code) > 256 {
		return "", fmt.Errorf("%w: %d characters is far longer than an auth code; paste only the code", ErrNoAuthCode, len(code))
	}
	for _, r := range code {
		if !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.')) {
			return "", fmt.Errorf("%w: %q contains %q, which no auth code has; paste the authCode from my.getAuthCode, the redirect URL, or its JSON", ErrNoAuthCode, abbreviate(code), r)
		}
	}
	return code, nil
}

func abbreviate(s string) string {
	if len([]rune(s)) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}
