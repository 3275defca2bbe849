package gateway

import "strings"

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
		Hint:    "check the app id against the console, and that sandbox app ids go to the sandbox gateway and production ids to production",
	},
	"isv.invalid-timestamp": {
		Meaning: "the gateway could not accept the timestamp: it is not yyyy-MM-dd HH:mm:ss (v3: milliseconds since the epoch), or, where a window is enforced, it is too far from the gateway's clock",
		Hint:    "send the current time in China Standard Time (UTC+8), two digits a field; a server in UTC that formats its local time is eight hours behind, the classic trap (aliauth shows the clock it used)",
	},
	"isv.missing-timestamp": {
		Meaning: "the gateway found no timestamp: v2 sent no timestamp parameter, or v3 sent no authorization header or one without timestamp=",
		Hint:    "send timestamp (v2) or the authorization header ALIPAY-SHA256withRSA app_id=...,nonce=...,timestamp=...,sign=... (v3); check that no proxy strips the header",
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
		Meaning: "the app has no public key or certificate configured for this sign type (应用未配置对应签名算法的公钥或者证书)",
		Hint:    "upload the app public key (aliauth keys gen writes it) in the Alipay console under 开发设置 → 接口加签方式, or send the sign_type the app is set up for",
	},
	"isv.missing-app-id": {
		Meaning: "the request carries no app id",
		Hint:    "send app_id (v2) or app_id= in the authorization header (v3); aliauth sends the app id of the profile",
	},
	"isv.missing-version": {
		Meaning: "the request carries no version",
		Hint:    "send version=1.0",
	},
	"isv.invalid-version": {
		Meaning: "version is not one the gateway knows",
		Hint:    "send version=1.0",
	},
	"isv.invalid-format": {
		Meaning: "format is not JSON",
		Hint:    "send format=JSON, or leave it out",
	},
	"isv.invalid-parameter": {
		Meaning: "a parameter could not be read",
		Hint:    "see the message for which one; check what a proxy in between changed",
	},
	"isv.missing-alipay-root-cert-sn": {
		Meaning: "the app is in certificate mode but the request carries no alipay_root_cert_sn",
		Hint:    "configure the Alipay root certificate, alipayRootCert.crt as downloaded from the console",
	},
	"isv.app-call-limited": {
		Meaning: "the app has called the gateway more often than its limit allows",
		Hint:    "slow down and retry later",
	},
	"isv.method-call-limited": {
		Meaning: "this API has been called more often than the app's limit for it allows",
		Hint:    "slow down and retry later",
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
		Hint:    "configure the three certificates (the app certificate, alipayCertPublicKey_RSA2.crt and alipayRootCert.crt), or switch the app back to public-key mode",
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
	// 40003 and 40005 are in Alipay's table of common codes
	// (opendocs.alipay.com/common/02km9f); the Node SDK's tests quote a real
	// 40003 "Insufficient Conditions" (test/alipay.exec.test.ts).
	"40003": {Meaning: "a condition for the call is not met (Insufficient Conditions), such as a key or certificate the app has not configured", Hint: "see sub_code: it names the missing condition"},
	"40004": {Meaning: "the business call failed", Hint: "see sub_code for the reason"},
	"40005": {Meaning: "the call limit is exceeded", Hint: "slow down and retry later"},
	"40006": {Meaning: "the app lacks the permission for this API", Hint: "add the product to the app in the Alipay console"},
}

// v3Aliases name the v2 sub_code of a v3 code where dropping the prefix is
// ambiguous: v3's invalid-auth-token ("无效的访问令牌", HTTP 401, quoted by the
// Node SDK's tests against the real gateway) is v2's aop.invalid-auth-token.
var v3Aliases = map[string]string{
	"invalid-auth-token":  "aop.invalid-auth-token",
	"auth-token-time-out": "aop.auth-token-time-out",
}

// Explain looks a gateway error up in the catalog: the sub_code first, then
// the code class. ok is false for codes the catalog does not know; they are
// shown as they are.
//
// v3 writes gateway-level codes without v2's isv./aop. prefix
// (invalid-app-id from a probe of openapi.alipay.com, invalid-auth-token in
// the Node SDK's tests against it, the rest in opendocs open-v3/054fcv) and
// keeps it only on the OAuth business codes (isv.code-invalid): an
// unprefixed code is looked up under v2's name.
func Explain(code, subCode string) (Explanation, bool) {
	for _, c := range []string{subCode, V2Code(code)} {
		if e, ok := explainSubCode(c); ok {
			return e, true
		}
	}
	e, ok := codes[code]
	return e, ok
}

// explainSubCode looks a sub_code up in the OAuth and the app
// authorization catalogs.
func explainSubCode(c string) (Explanation, bool) {
	if e, ok := subCodes[c]; ok {
		return e, true
	}
	e, ok := appAuthSubCodes[c]
	return e, ok
}

// V2Code is the v2 sub_code a code stands for: itself when it has a prefix,
// else the v2 name of a v3 gateway-level code the catalog knows
// (invalid-signature is isv.invalid-signature).
func V2Code(code string) string {
	if alias, ok := v3Aliases[code]; ok {
		return alias
	}
	if code == "" || strings.Contains(code, ".") {
		return code
	}
	for _, prefix := range []string{"isv.", "aop.", "isp."} {
		if _, ok := explainSubCode(prefix + code); ok {
			return prefix + code
		}
	}
	return code
}
