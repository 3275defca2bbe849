package gateway

import (
	"net/url"
	"strings"
)

// RedirectAppID is the app_id of a pasted redirect URL (Alipay sends the user
// back with app_id, auth_code and scope in the query), or "" when the paste
// is not such a URL. A code belongs to the app that asked for it, so an
// app_id that is not the profile's explains isv.code-invalid.
func RedirectAppID(pasted string) string {
	s := strings.Trim(strings.TrimSpace(pasted), "\"'`")
	i := strings.IndexAny(s, "?#")
	if i < 0 || !strings.Contains(s, "=") {
		return ""
	}
	values, err := url.ParseQuery(strings.ReplaceAll(s[i+1:], "#", "&"))
	if err != nil {
		return ""
	}
	for _, k := range []string{"app_id", "appId", "auth_app_id"} {
		if v := strings.TrimSpace(values.Get(k)); v != "" {
			return v
		}
	}
	return ""
}

// IsSandboxAppID reports whether an app id is one of Alipay's sandbox
// (沙箱环境) apps, which the sandbox issues starting with 9021.
func IsSandboxAppID(appID string) bool {
	return strings.HasPrefix(appID, "9021")
}
