package gateway

// Explanation turns a gateway error code into what it means and what to do.
type Explanation struct {
	Meaning string
	Hint    string
}

// subCodes explains the sub_codes an OAuth integration meets. v3 reports the
// same conditions in its code field, so both protocols share the catalog.
var subCodes = map[string]Explanation{
	"isv.code-invalid": {
		Meaning: "the auth code is not valid: it was already used, it expired, or it was issued to another app",
		Hint:    "get a fresh code from my.getAuthCode and exchange it at once, exactly once, with the app id the mini program runs under; codes are single-use and short-lived",
	},
	"isv.refresh-token-invalid": {
		Meaning: "the refresh token is not valid: it was already used (refreshing rotates it), or it belongs to another app",
		Hint:    "use the refresh_token from the most recent exchange or refresh; if none is valid, ask the user to authorize again",
	},
	"isv.refresh-token-time-out": {
		Meaning: "the refresh token has expired (re_expires_in has passed)",
		Hint:    "the user must authorize again: call my.getAuthCode and exchange the new code",
	},
	"isv.refreshed-token-invalid": {
		Meaning: "the token was already refreshed and this copy is stale",
		Hint:    "use the refresh_token returned by the latest refresh",
	},
	"isv.invalid-signature": {
		Meaning: "the gateway could not verify the request's signature with the app public key registered for this app",
		Hint:    "compare the strings to sign below; if they are identical, the private key does not match the app public key in the Alipay console (check with: aliauth keys check); if they differ, fix what differs (charset, a parameter, its encoding)",
	},
	"isv.invalid-app-id": {
		Meaning: "the app id does not exist in this environment, or the app is not online",
		Hint:    "check --app-id against the console, and that sandbox app ids go to the sandbox gateway and production ids to production",
	},
	"isv.invalid-timestamp": {
		Meaning: "the timestamp is malformed or too far from the gateway's clock",
		Hint:    "send the current time in China Standard Time (UTC+8) as yyyy-MM-dd HH:mm:ss; a machine clock set to another zone or drifting is the usual cause",
	},
	"isv.missing-signature": {
		Meaning: "the request carries no sign parameter",
		Hint:    "sign the request: every parameter but sign, sorted, joined as key=value&...; aliauth does this when a private key is configured",
	},
	"isv.invalid-signature-type": {
		Meaning: "sign_type is not one the app is configured for",
		Hint:    "use RSA2 (SHA256withRSA) unless the app was set up with legacy RSA keys; the console shows which the app uses",
	},
	"isv.missing-signature-type": {
		Meaning: "the request carries no sign_type",
		Hint:    "send sign_type=RSA2",
	},
	"isv.missing-signature-config": {
		Meaning: "the app has no public key or certificate configured for this sign type",
		Hint:    "upload the app public key (aliauth keys gen writes it) in the Alipay console under 开发设置 → 接口加签方式",
	},
	"isv.insufficient-isv-permissions": {
		Meaning: "the app has not been granted this API",
		Hint:    "add the product (获取会员信息 for user info) to the app in the Alipay console and make sure the app version is online",
	},
	"isv.invalid-charset": {
		Meaning: "the charset parameter is not supported",
		Hint:    "use charset utf-8 (or GBK for legacy apps)",
	},
	"isv.missing-method": {
		Meaning: "the request has no method parameter",
		Hint:    "send method=alipay.system.oauth.token",
	},
	"isv.invalid-method": {
		Meaning: "the method name is not a known API",
		Hint:    "check the spelling: alipay.system.oauth.token or alipay.user.info.share",
	},
	"isv.grant-type-invalid": {
		Meaning: "grant_type is not authorization_code or refresh_token",
		Hint:    "send grant_type=authorization_code with code, or grant_type=refresh_token with refresh_token",
	},
	"isv.unmatched-app-id": {
		Meaning: "the code or token was issued to another app",
		Hint:    "exchange codes with the app id of the mini program that called my.getAuthCode",
	},
	"isv.app-cert-not-exist": {
		Meaning: "no app certificate with this app_cert_sn is registered for this app (应用公钥证书不存在)",
		Hint:    "use the appCertPublicKey_*.crt downloaded from the console for this app; aliauth keys inspect shows its SN",
	},
	"isv.invalid-alipay-root-cert-sn": {
		Meaning: "alipay_root_cert_sn does not match the Alipay root certificate",
		Hint:    "use the alipayRootCert.crt downloaded from the console; aliauth keys inspect shows its SN",
	},
	"isv.missing-app-cert-sn": {
		Meaning: "the app is in certificate mode but the request carries no app_cert_sn",
		Hint:    "configure --app-cert, --alipay-cert and --alipay-root-cert, or switch the app back to public-key mode",
	},
	"aop.invalid-auth-token": {
		Meaning: "the access token is not valid: mistyped, from another app, or replaced by a refresh",
		Hint:    "use the access_token of the latest exchange or refresh",
	},
	"aop.auth-token-time-out": {
		Meaning: "the access token has expired (expires_in has passed)",
		Hint:    "refresh it with the refresh token, or ask the user to authorize again",
	},
	"isv.invalid-auth-token": {
		Meaning: "the access token is not valid for this call",
		Hint:    "use the access_token of the latest exchange or refresh, for the same app",
	},
	"isv.invalid-auth-relations": {
		Meaning: "the token was granted with a scope that does not cover this API (auth_base gives the user id only)",
		Hint:    "call my.getAuthCode with scopes: 'auth_user' to read the user's profile",
	},
	"isp.unknow-error": {
		Meaning: "the gateway failed internally",
		Hint:    "retry later; if it persists, give Alipay the trace id",
	},
}

// codes explains the code classes every API shares.
var codes = map[string]Explanation{
	"10000": {Meaning: "success"},
	"20000": {Meaning: "the service is unavailable", Hint: "retry later; if it persists, give Alipay the trace id"},
	"20001": {Meaning: "the token lacks the permission for this call", Hint: "check the token's scope and that it belongs to this app"},
	"40001": {Meaning: "a required parameter is missing", Hint: "see sub_msg for the parameter; aliauth sends every required one, so check what the proxy in between changed"},
	"40002": {Meaning: "a parameter is invalid", Hint: "see sub_code: it names which and why"},
	"40004": {Meaning: "the business call failed", Hint: "see sub_code for the reason"},
	"40006": {Meaning: "the app lacks the permission for this API", Hint: "add the product to the app in the Alipay console"},
}

// Explain looks a gateway error up in the catalog: the sub_code first, then
// the code class. ok is false for codes the catalog does not know; they are
// shown as they are.
func Explain(code, subCode string) (Explanation, bool) {
	for _, key := range []string{subCode, code} {
		if e, ok := subCodes[key]; ok {
			return e, true
		}
		if e, ok := appAuthSubCodes[key]; ok {
			return e, true
		}
	}
	e, ok := codes[code]
	return e, ok
}
