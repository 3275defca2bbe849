package cli

import (
	"strings"
	"testing"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// A third-party app's calls against the built-in emulator: the code a
// merchant's authorization gives (bare or as the landed URL), the token,
// its renewal and query, each recorded; and later calls acting for the
// merchant with --app-auth-token.
func TestAppAuthCommands(t *testing.T) {
	isolate(t)
	code, _, status := run(t, "", "emulator", "code", "--app-auth")
	code = strings.TrimSpace(code)
	if status != 0 || code == "" {
		t.Fatalf("emulator code --app-auth: %q exit %d", code, status)
	}
	landed := "https://isv.example.com/cb?app_id=" + emulator.DemoAppID + "&app_auth_code=" + code + "&state=x"
	out, errOut, status := run(t, "", "appauth", "exchange", landed, "--json", "--reveal")
	if status != ExitOK {
		t.Fatalf("exchange exit %d\n%s%s", status, out, errOut)
	}
	tr := decodeTrace(t, out)
	a := tr.AppAuth
	if a == nil || a.AppAuthToken == "" || a.AppRefreshToken == "" || a.AuthAppID != emulator.DemoAppID || a.RefreshExpiresAt.IsZero() {
		t.Fatalf("app auth: %+v", a)
	}

	out, _, status = run(t, "", "appauth", "exchange", code)
	if status != ExitGateway {
		t.Fatalf("a spent app_auth_code exits %d\n%s", status, out)
	}
	mustContain(t, "spent code", out, "isv.code-invalid", "app_auth_code", "appToAppAuth.htm")

	out, _, status = run(t, "", "appauth", "query", a.AppAuthToken)
	if status != ExitOK {
		t.Fatalf("query exit %d\n%s", status, out)
	}
	mustContain(t, "query", out, "app auth query", "status         valid", "auth_methods", gateway.MethodOAuthToken)
	if strings.Contains(out, a.AppAuthToken) || strings.Contains(out, "tokens masked") {
		t.Errorf("the query shows no token, so it neither prints one nor says it masked one:\n%s", out)
	}

	out, _, status = run(t, "", "appauth", "refresh", a.AppRefreshToken, "--json", "--reveal")
	if status != ExitOK {
		t.Fatalf("refresh exit %d\n%s", status, out)
	}
	renewed := decodeTrace(t, out).AppAuth
	if renewed == nil || renewed.AppAuthToken == a.AppAuthToken || renewed.AppAuthToken == "" {
		t.Fatalf("refresh did not renew the token: %+v", renewed)
	}

	// Acting for the merchant: a user's code traded with the token on top.
	userCode, _, _ := run(t, "", "emulator", "code")
	out, _, status = run(t, "", "exchange", strings.TrimSpace(userCode), "--app-auth-token", renewed.AppAuthToken, "--json")
	if status != ExitOK {
		t.Fatalf("exchange for the merchant exit %d\n%s", status, out)
	}
	sent := decodeTrace(t, out).Request.Params["app_auth_token"]
	if sent == "" || sent == renewed.AppAuthToken || !strings.Contains(sent, "…") {
		t.Fatalf("app_auth_token sent as %q, want it top-level and masked in --json", sent)
	}

	list, _, _ := run(t, "", "history", "list")
	mustContain(t, "history", list, "app auth exchange", "app auth query", "app auth refresh")

	if _, errOut, status := run(t, "", "appauth"); status != ExitUsage || !strings.Contains(errOut, "exchange APP_AUTH_CODE") {
		t.Errorf("appauth alone: exit %d %s", status, errOut)
	}
	if _, errOut, status := run(t, "", "appauth", "exchange", "https://x.example/cb?auth_code=abc"); status != ExitUsage || !strings.Contains(errOut, "aliauth exchange") {
		t.Errorf("a user's code given as an app_auth_code: exit %d %s", status, errOut)
	}
}
