package ui

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"aliauth/gateway"
)

// The call a trace made, written as code for the official SDKs (Java,
// Node, Python, PHP) and the most used Go one (smartwalle/alipay), so it
// can be pasted into a server. Keys are always placeholders: private keys
// are never printed. Tokens are placeholders unless secrets are revealed.
//
// Each form follows the SDK's own source: alipay-sdk-java-all
// (AlipayConfig, DefaultAlipayClient.execute and certificateExecute,
// AlipaySystemOauthTokenRequest), alipay-sdk 4.x for Node (AlipaySdkConfig,
// exec for gateway.do, curl for v3), alipay-sdk-python-all
// (AlipayClientConfig, DefaultAlipayClient.execute, which takes auth_token
// from the request's text parameters), alipay-sdk-php-all (AopClient and
// AopCertClient, execute($request, $authToken)), smartwalle/alipay/v3
// (New, SystemOauthToken, UserInfoShare).

// sdkLang is a language the copy menu writes the call in.
type sdkLang string

const (
	sdkJava   sdkLang = "Java"
	sdkNode   sdkLang = "Node.js"
	sdkGo     sdkLang = "Go"
	sdkPython sdkLang = "Python"
	sdkPHP    sdkLang = "PHP"
)

// sdkCall is what the code needs to know of the call.
type sdkCall struct {
	method, grant            string
	code, refresh, auth      string
	appID, gateway, endpoint string
	signType, charset        string
	certMode, v3             bool
}

const (
	placeholderPrivateKey = "<APP_PRIVATE_KEY>"
	placeholderAlipayKey  = "<ALIPAY_PUBLIC_KEY>"
	placeholderAppCert    = "appCertPublicKey_APPID.crt"
	placeholderAlipayCert = "alipayCertPublicKey_RSA2.crt"
	placeholderRootCert   = "alipayRootCert.crt"
)

// newSDKCall reads the call out of a trace; tokens are placeholders unless
// revealed.
func newSDKCall(t *gateway.Trace, reveal bool) (sdkCall, error) {
	if t.Method != gateway.MethodOAuthToken && t.Method != gateway.MethodUserInfo {
		return sdkCall{}, fmt.Errorf("%s is not a call aliauth writes as SDK code", t.Method)
	}
	c := sdkCall{
		method: t.Method, grant: t.GrantType, appID: t.AppID,
		signType: string(t.SignType), charset: t.Charset, v3: t.Protocol == gateway.V3,
	}
	if c.signType == "" {
		c.signType = string(gateway.RSA2)
	}
	if c.charset == "" {
		c.charset = "utf-8"
	}
	u, err := url.Parse(t.Request.URL)
	if err != nil || u.Host == "" {
		return sdkCall{}, fmt.Errorf("the request URL %q cannot be read", t.Request.URL)
	}
	c.endpoint = u.Scheme + "://" + u.Host
	c.gateway = c.endpoint + u.Path
	if c.v3 {
		c.gateway = c.endpoint + "/gateway.do"
	}
	params := t.Request.Params
	c.certMode = params["app_cert_sn"] != "" || strings.Contains(t.Request.Headers["authorization"], "app_cert_sn=")
	c.code = params["code"]
	c.refresh, c.auth = params["refresh_token"], params["auth_token"]
	if c.v3 {
		var body struct {
			Code         string `json:"code"`
			RefreshToken string `json:"refresh_token"`
		}
		_ = json.Unmarshal([]byte(t.Request.Body), &body) // a body without them leaves them empty
		c.code, c.refresh = body.Code, body.RefreshToken
		if q, err := url.ParseQuery(u.RawQuery); err == nil && q.Get("auth_token") != "" {
			c.auth = q.Get("auth_token")
		}
	}
	if !reveal {
		if c.refresh != "" {
			c.refresh = "<REFRESH_TOKEN>"
		}
		if c.auth != "" {
			c.auth = "<ACCESS_TOKEN>"
		}
	}
	return c, nil
}

// sdkCode writes the trace's call in lang.
func sdkCode(lang sdkLang, t *gateway.Trace, reveal bool) (string, error) {
	c, err := newSDKCall(t, reveal)
	if err != nil {
		return "", err
	}
	switch lang {
	case sdkJava:
		return c.java(), nil
	case sdkNode:
		return c.node(), nil
	case sdkGo:
		return c.golang(), nil
	case sdkPython:
		return c.python(), nil
	case sdkPHP:
		return c.php(), nil
	}
	return "", fmt.Errorf("no SDK code for %s", lang)
}

func (c sdkCall) userInfo() bool { return c.method == gateway.MethodUserInfo }

// quote writes s as a double-quoted literal that Java, JavaScript, Go and
// Python all read the same way.
func quote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// phpQuote writes s as a single-quoted PHP literal, where $ is not
// interpolated.
func phpQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// v2Note says, for SDKs that only speak gateway.do, that the v3 call was
// written in its v2 form.
func (c sdkCall) v2Note(comment string) string {
	if !c.v3 {
		return ""
	}
	return comment + " The trace is a v3 (REST) call; this SDK speaks gateway.do, so this is the same call in v2.\n"
}

func (c sdkCall) java() string {
	var b strings.Builder
	b.WriteString("// alipay-sdk-java-all (Maven com.alipay.sdk:alipay-sdk-java)\n")
	b.WriteString(c.v2Note("//"))
	request, response := "AlipaySystemOauthTokenRequest", "AlipaySystemOauthTokenResponse"
	if c.userInfo() {
		request, response = "AlipayUserInfoShareRequest", "AlipayUserInfoShareResponse"
	}
	fmt.Fprintf(&b, `import com.alipay.api.AlipayApiException;
import com.alipay.api.AlipayConfig;
import com.alipay.api.DefaultAlipayClient;
import com.alipay.api.request.%[1]s;
import com.alipay.api.response.%[2]s;

public class AlipayOauth {
    public static void main(String[] args) throws AlipayApiException {
        AlipayConfig config = new AlipayConfig();
        config.setServerUrl(%[3]s);
        config.setAppId(%[4]s);
        config.setPrivateKey(%[5]s); // 应用私钥 (PKCS#8, as the key tool writes it)
`, request, response, quote(c.gateway), quote(c.appID), quote(placeholderPrivateKey))
	if c.certMode {
		fmt.Fprintf(&b, "        config.setAppCertPath(%s);\n        config.setAlipayPublicCertPath(%s);\n        config.setRootCertPath(%s);\n",
			quote(placeholderAppCert), quote(placeholderAlipayCert), quote(placeholderRootCert))
	} else {
		fmt.Fprintf(&b, "        config.setAlipayPublicKey(%s); // 支付宝公钥, not the app's\n", quote(placeholderAlipayKey))
	}
	fmt.Fprintf(&b, `        config.setFormat("json");
        config.setCharset(%s);
        config.setSignType(%s);
        DefaultAlipayClient client = new DefaultAlipayClient(config);

        %s request = new %s();
`, quote(strings.ToUpper(c.charset)), quote(c.signType), request, request)
	execute, token := "execute", ""
	if c.certMode {
		execute = "certificateExecute"
	}
	if c.userInfo() {
		token = ", " + quote(c.auth)
	} else {
		fmt.Fprintf(&b, "        request.setGrantType(%s);\n", quote(c.grant))
		if c.grant == gateway.GrantRefreshToken {
			fmt.Fprintf(&b, "        request.setRefreshToken(%s);\n", quote(c.refresh))
		} else {
			fmt.Fprintf(&b, "        request.setCode(%s);\n", quote(c.code))
		}
	}
	fmt.Fprintf(&b, `        %s response = client.%s(request%s);
        System.out.println(response.getBody());
    }
}
`, response, execute, token)
	return b.String()
}

func (c sdkCall) node() string {
	var b strings.Builder
	b.WriteString("// npm install alipay-sdk (4.x)\n")
	if !c.v3 {
		b.WriteString("// This SDK stamps each request with the machine's local time: run it in\n// China Standard Time (TZ=Asia/Shanghai) or the gateway may reject it.\n")
	}
	b.WriteString("const { AlipaySdk } = require('alipay-sdk');\n\nconst alipaySdk = new AlipaySdk({\n")
	fmt.Fprintf(&b, "  appId: %s,\n  privateKey: %s, // 应用私钥\n  keyType: 'PKCS8', // the key tool's default; PKCS1 for an RSA PRIVATE KEY\n",
		quote(c.appID), quote(placeholderPrivateKey))
	if c.certMode {
		fmt.Fprintf(&b, "  appCertPath: %s,\n  alipayPublicCertPath: %s,\n  alipayRootCertPath: %s,\n",
			quote(placeholderAppCert), quote(placeholderAlipayCert), quote(placeholderRootCert))
	} else {
		fmt.Fprintf(&b, "  alipayPublicKey: %s, // 支付宝公钥, not the app's\n", quote(placeholderAlipayKey))
	}
	if c.v3 {
		fmt.Fprintf(&b, "  endpoint: %s,\n});\n\n", quote(c.endpoint))
		switch {
		case c.userInfo():
			fmt.Fprintf(&b, "alipaySdk.curl('POST', '/v3/alipay/user/info/share', {\n  query: { auth_token: %s },\n})", quote(c.auth))
		case c.grant == gateway.GrantRefreshToken:
			fmt.Fprintf(&b, "alipaySdk.curl('POST', '/v3/alipay/system/oauth/token', {\n  body: { grant_type: 'refresh_token', refresh_token: %s },\n})", quote(c.refresh))
		default:
			fmt.Fprintf(&b, "alipaySdk.curl('POST', '/v3/alipay/system/oauth/token', {\n  body: { grant_type: 'authorization_code', code: %s },\n})", quote(c.code))
		}
		b.WriteString(".then(({ data }) => console.log(data), err => console.error(err));\n")
		return b.String()
	}
	fmt.Fprintf(&b, "  gateway: %s,\n  signType: %s,\n", quote(c.gateway), quote(c.signType))
	if !strings.EqualFold(c.charset, "utf-8") {
		b.WriteString("  // this SDK sends utf-8 only; the trace used " + c.charset + "\n")
	}
	b.WriteString("});\n\n")
	switch {
	case c.userInfo():
		fmt.Fprintf(&b, "alipaySdk.exec('alipay.user.info.share', {\n  auth_token: %s,\n})", quote(c.auth))
	case c.grant == gateway.GrantRefreshToken:
		fmt.Fprintf(&b, "alipaySdk.exec('alipay.system.oauth.token', {\n  grant_type: 'refresh_token',\n  refresh_token: %s,\n})", quote(c.refresh))
	default:
		fmt.Fprintf(&b, "alipaySdk.exec('alipay.system.oauth.token', {\n  grant_type: 'authorization_code',\n  code: %s,\n})", quote(c.code))
	}
	b.WriteString(".then(result => console.log(result), err => console.error(err));\n")
	return b.String()
}

func (c sdkCall) golang() string {
	var b strings.Builder
	b.WriteString("// go get github.com/smartwalle/alipay/v3 (Alipay publishes no Go SDK; this is the most used one)\n")
	b.WriteString(c.v2Note("//"))
	if c.signType != string(gateway.RSA2) {
		b.WriteString("// This library signs with RSA2 (SHA256withRSA) only; the trace used " + c.signType + ".\n")
	}
	b.WriteString("package main\n\nimport (\n\t\"context\"\n\t\"fmt\"\n\t\"log\"\n\t\"time\"\n\n\t\"github.com/smartwalle/alipay/v3\"\n)\n\nfunc main() {\n")
	// The library stamps requests in time.Local unless told otherwise; the
	// gateway expects China Standard Time.
	b.WriteString("\tcst, err := time.LoadLocation(\"Asia/Shanghai\")\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n")
	production, option := "true", "alipay.WithProductionGateway("+quote(c.gateway)+")"
	if strings.Contains(c.gateway, "alipaydev.com") {
		production, option = "false", "alipay.WithSandboxGateway("+quote(c.gateway)+")"
	}
	fmt.Fprintf(&b, "\tclient, err := alipay.New(%s, %s, %s, %s, alipay.WithTimeLocation(cst))\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n",
		quote(c.appID), quote(placeholderPrivateKey), production, option)
	if c.certMode {
		fmt.Fprintf(&b, "\tfor _, load := range []error{\n\t\tclient.LoadAppCertPublicKeyFromFile(%s),\n\t\tclient.LoadAliPayRootCertFromFile(%s),\n\t\tclient.LoadAlipayCertPublicKeyFromFile(%s),\n\t} {\n\t\tif load != nil {\n\t\t\tlog.Fatal(load)\n\t\t}\n\t}\n",
			quote(placeholderAppCert), quote(placeholderRootCert), quote(placeholderAlipayCert))
	} else {
		fmt.Fprintf(&b, "\tif err := client.LoadAliPayPublicKey(%s); err != nil { // 支付宝公钥, not the app's\n\t\tlog.Fatal(err)\n\t}\n", quote(placeholderAlipayKey))
	}
	switch {
	case c.userInfo():
		fmt.Fprintf(&b, "\trsp, err := client.UserInfoShare(context.Background(), alipay.UserInfoShare{AuthToken: %s})\n", quote(c.auth))
	case c.grant == gateway.GrantRefreshToken:
		fmt.Fprintf(&b, "\trsp, err := client.SystemOauthToken(context.Background(), alipay.SystemOauthToken{\n\t\tGrantType:    \"refresh_token\",\n\t\tRefreshToken: %s,\n\t})\n", quote(c.refresh))
	default:
		fmt.Fprintf(&b, "\trsp, err := client.SystemOauthToken(context.Background(), alipay.SystemOauthToken{\n\t\tGrantType: \"authorization_code\",\n\t\tCode:      %s,\n\t})\n", quote(c.code))
	}
	b.WriteString("\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n\tfmt.Printf(\"%+v\\n\", rsp)\n}\n")
	return b.String()
}

func (c sdkCall) python() string {
	var b strings.Builder
	b.WriteString("# pip install alipay-sdk-python (alipay-sdk-python-all)\n")
	b.WriteString(c.v2Note("#"))
	if c.certMode {
		b.WriteString("# This SDK's client takes keys, not certificates: the call in public-key mode.\n")
	}
	request := "AlipaySystemOauthTokenRequest"
	if c.userInfo() {
		request = "AlipayUserInfoShareRequest"
	}
	fmt.Fprintf(&b, `from alipay.aop.api.AlipayClientConfig import AlipayClientConfig
from alipay.aop.api.DefaultAlipayClient import DefaultAlipayClient
from alipay.aop.api.request.%[1]s import %[1]s

config = AlipayClientConfig()
config.server_url = %[2]s
config.app_id = %[3]s
config.app_private_key = %[4]s  # 应用私钥
config.alipay_public_key = %[5]s  # 支付宝公钥, not the app's
config.sign_type = %[6]s
config.charset = %[7]s
# This SDK stamps each request with the machine's local time: run it in
# China Standard Time (TZ=Asia/Shanghai) or the gateway may reject it.
client = DefaultAlipayClient(alipay_client_config=config)

request = %[1]s()
`, request, quote(c.gateway), quote(c.appID), quote(placeholderPrivateKey), quote(placeholderAlipayKey), quote(c.signType), quote(c.charset))
	switch {
	case c.userInfo():
		fmt.Fprintf(&b, "request.add_other_text_param('auth_token', %s)\n", quote(c.auth))
	case c.grant == gateway.GrantRefreshToken:
		fmt.Fprintf(&b, "request.grant_type = 'refresh_token'\nrequest.refresh_token = %s\n", quote(c.refresh))
	default:
		fmt.Fprintf(&b, "request.grant_type = 'authorization_code'\nrequest.code = %s\n", quote(c.code))
	}
	b.WriteString("print(client.execute(request))  # the verified response node, as JSON text\n")
	return b.String()
}

func (c sdkCall) php() string {
	var b strings.Builder
	b.WriteString("<?php\n// alipay-sdk-php-all (composer alipaysdk/openapi, the aop directory)\n")
	b.WriteString(c.v2Note("//"))
	request, node := "AlipaySystemOauthTokenRequest", "alipay_system_oauth_token_response"
	if c.userInfo() {
		request, node = "AlipayUserInfoShareRequest", "alipay_user_info_share_response"
	}
	client := "AopClient"
	if c.certMode {
		client = "AopCertClient"
	}
	fmt.Fprintf(&b, "require_once 'aop/%s.php';\nrequire_once 'aop/request/%s.php';\n\n", client, request)
	b.WriteString("// This SDK stamps each request with PHP's time zone: China Standard Time is expected.\ndate_default_timezone_set('Asia/Shanghai');\n\n")
	fmt.Fprintf(&b, "$aop = new %s();\n", client)
	fmt.Fprintf(&b, "$aop->gatewayUrl = %s;\n$aop->appId = %s;\n$aop->rsaPrivateKey = %s; // 应用私钥, PKCS#1 base64 (this SDK wraps it as RSA PRIVATE KEY)\n",
		phpQuote(c.gateway), phpQuote(c.appID), phpQuote(placeholderPrivateKey))
	if c.certMode {
		fmt.Fprintf(&b, "$aop->alipayrsaPublicKey = $aop->getPublicKey(%s);\n$aop->isCheckAlipayPublicCert = true;\n$aop->appCertSN = $aop->getCertSN(%s);\n$aop->alipayRootCertSN = $aop->getRootCertSN(%s);\n",
			phpQuote(placeholderAlipayCert), phpQuote(placeholderAppCert), phpQuote(placeholderRootCert))
	} else {
		fmt.Fprintf(&b, "$aop->alipayrsaPublicKey = %s; // 支付宝公钥, not the app's\n", phpQuote(placeholderAlipayKey))
	}
	fmt.Fprintf(&b, "$aop->apiVersion = '1.0';\n$aop->signType = %s;\n$aop->postCharset = %s;\n$aop->format = 'json';\n\n$request = new %s();\n",
		phpQuote(c.signType), phpQuote(strings.ToUpper(c.charset)), request)
	token := ""
	switch {
	case c.userInfo():
		token = ", " + phpQuote(c.auth)
	case c.grant == gateway.GrantRefreshToken:
		fmt.Fprintf(&b, "$request->setGrantType('refresh_token');\n$request->setRefreshToken(%s);\n", phpQuote(c.refresh))
	default:
		fmt.Fprintf(&b, "$request->setGrantType('authorization_code');\n$request->setCode(%s);\n", phpQuote(c.code))
	}
	fmt.Fprintf(&b, "$result = $aop->execute($request%s);\nvar_dump($result->%s);\n", token, node)
	return b.String()
}

// sdkLangs are the languages the copy menu offers, in order.
var sdkLangs = []sdkLang{sdkJava, sdkNode, sdkGo, sdkPython, sdkPHP}
