package emulator_test

import (
	"testing"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// The official Node SDK, as a third-party app, trades an app_auth_code
// with alipay.open.auth.token.app (biz_content), queries and refreshes the
// token, and acts for the merchant with it (v2: the top-level
// app_auth_token; v3: its appAuthToken option, the alipay-app-auth-token
// header): the SDK verifies every answer's signature.
func TestOfficialNodeSDKAppAuthorization(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	registerOther(t, e, gateway.RSA2) // the merchant; the demo app is the ISV
	sdk := newNodeSDK(t, s, nil, "")
	for _, protocol := range []string{"v2", "v3"} {
		t.Run(protocol, func(t *testing.T) {
			code, err := e.MintAppAuthCode(emulator.DemoAppID, otherAppID)
			if err != nil {
				t.Fatal(err)
			}
			got := sdk.run(t, protocol, "appauth", code)
			token := got.str("app_auth_token")
			if !got.OK || !appTokenRE.MatchString(token) || got.str("auth_app_id") != otherAppID || !appTokenRE.MatchString(got.str("app_refresh_token")) {
				t.Fatalf("the SDK did not return a verified app_auth_token: %+v", got)
			}

			q := sdk.run(t, protocol, "appquery", token)
			if !q.OK || q.str("status") != "valid" || q.str("auth_app_id") != otherAppID {
				t.Fatalf("query through the SDK: %+v", q)
			}

			refreshed := sdk.run(t, protocol, "apprefresh", got.str("app_refresh_token"))
			if !refreshed.OK || refreshed.str("app_auth_token") == "" || refreshed.str("app_auth_token") == token {
				t.Fatalf("refresh through the SDK: %+v", refreshed)
			}

			userCode := mint(t, e, otherAppID, emulator.ScopeAuthUser)
			acting := sdk.run(t, protocol, "code", userCode+" "+refreshed.str("app_auth_token"))
			if !acting.OK || acting.str("access_token") == "" {
				t.Fatalf("the SDK acting for the merchant: %+v", acting)
			}

			again := sdk.run(t, protocol, "appauth", code)
			switch protocol {
			case "v2":
				if again.OK || again.ErrorResponse["sub_code"] != "isv.code-invalid" || !again.ErrorResponseVerified {
					t.Fatalf("a spent app_auth_code through the SDK: %+v", again)
				}
			case "v3":
				if again.OK || again.Error.Code != "isv.code-invalid" || again.Error.Status != 400 {
					t.Fatalf("a spent app_auth_code through the SDK: %+v", again)
				}
			}
		})
	}
}
