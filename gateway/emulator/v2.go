package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"aliauth/gateway"
)

// maxRequestBody bounds what the emulator reads of a request.
const maxRequestBody = 1 << 20

// v2Request is a gateway.do request as received: raw parameter bytes in the
// request charset (what was signed), and the same decoded to UTF-8.
type v2Request struct {
	raw    map[string]string
	params map[string]string
	// charset is "utf-8", "gbk", "" when none was sent, or the unknown
	// spelling as sent, lower-cased.
	charset string
	// charsetInQuery says whether charset came in the URL query, where the
	// gateway reads it.
	charsetInQuery bool
}

// readV2 merges the URL query and the form body, as the gateway accepts
// parameters from either.
func readV2(r *http.Request) (*v2Request, *apiError) {
	raw := map[string]string{}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, invalidArg("isv.invalid-parameter", "URL参数格式错误: "+err.Error())
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
	if err != nil {
		return nil, invalidArg("isv.invalid-parameter", "请求体读取失败: "+err.Error())
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, invalidArg("isv.invalid-parameter", "表单参数格式错误: "+err.Error())
	}
	for _, values := range []url.Values{form, query} {
		for k, v := range values {
			raw[k] = v[0]
		}
	}
	req := &v2Request{raw: raw, params: raw, charset: charsetOf(raw["charset"]), charsetInQuery: query.Has("charset")}
	if req.charset == "gbk" {
		req.params = make(map[string]string, len(raw))
		dec := simplifiedchinese.GBK.NewDecoder()
		for k, v := range raw {
			s, err := dec.String(v)
			if err != nil {
				return nil, invalidArg("isv.invalid-charset", "参数"+k+"不是有效的GBK编码")
			}
			req.params[k] = s
		}
	}
	return req, nil
}

// charsetOf reads the charset parameter in the spellings clients send:
// utf-8 (Node SDK), UTF-8 (the Java v3 SDK's gateway.do path, ApiClient
// getSortedMap), UTF8, GBK, and gb2312, which Alipay's API pages list
// beside them ("如utf-8,gbk,gb2312等") and GBK contains.
func charsetOf(s string) string {
	switch s = strings.ToLower(strings.TrimSpace(s)); s {
	case "utf-8", "utf8":
		return "utf-8"
	case "gbk", "gb2312":
		return "gbk"
	}
	return s
}

func (e *Emulator) serveV2(w http.ResponseWriter, r *http.Request, f *Fault) {
	trace := traceID(e.cfg.Now())
	req, aerr := readV2(r)
	if aerr != nil {
		aerr.gatewayLevel = true
		e.replyV2(w, replyV2{node: gateway.ErrorNode, content: errorContent(aerr, trace), traceID: trace, f: f})
		return
	}
	var n notes
	app, signType, aerr := e.checkV2(req, &n)
	n.set(w.Header())
	method := req.params["method"]
	reply := replyV2{node: errorNode(method), charset: req.charset, signType: signType, traceID: trace, f: f}
	if aerr != nil {
		aerr.gatewayLevel = true
		reply.content = errorContent(aerr, trace)
		// The gateway cannot say which app's key to trust for an unknown app
		// and leaves that answer unsigned (probed: no sign member).
		reply.unsigned = app == nil
		e.replyV2(w, reply)
		return
	}
	reply.node = gateway.NodeName(method)
	if app, aerr = e.actingApp(app, method, req.params["app_auth_token"]); aerr != nil {
		reply.node, reply.content = gateway.ErrorNode, errorContent(aerr, trace)
		e.replyV2(w, reply)
		return
	}
	switch method {
	case gateway.MethodOAuthToken:
		t, aerr := e.oauthToken(app.ID, req.params["grant_type"], req.params["code"], req.params["refresh_token"])
		if aerr != nil {
			reply.node, reply.content = gateway.ErrorNode, errorContent(aerr, trace)
		} else {
			reply.content = marshalV2(e.tokenResult(t))
		}
	case gateway.MethodUserInfo:
		token := req.params["auth_token"]
		if token == "" {
			reply.content = errorContent(missingArg("auth-token"), trace)
			break
		}
		g, aerr := e.lookupAccess(app.ID, token)
		if aerr != nil {
			reply.content = errorContent(aerr, trace)
			break
		}
		p := profileOf(g)
		p.Code, p.Msg = "10000", "Success"
		reply.content = marshalV2(p)
	default:
		reply.node, reply.content = e.serveLoginV2(app, method, req.params, trace)
	}
	e.replyV2(w, reply)
}

// errorNode is where a method's gateway-level errors go. The oauth token
// method answers every error in error_response (the Node SDK quotes one,
// alipay.ts #formatExecHttpResponse); other methods answer them in their
// own node, as a probe of alipay.trade.query with an unknown app id showed
// (alipay_trade_query_response, isv.invalid-app-id). A method name that is
// not one (or none) gets error_response.
func errorNode(method string) string {
	if method == "" || method == gateway.MethodOAuthToken || strings.Trim(method, "abcdefghijklmnopqrstuvwxyz0123456789.") != "" {
		return gateway.ErrorNode
	}
	return gateway.NodeName(method)
}

// oauthToken runs either grant of alipay.system.oauth.token.
func (e *Emulator) oauthToken(appID, grantType, code, refresh string) (*token, *apiError) {
	switch grantType {
	case "":
		return nil, missingArg("grant-type")
	case gateway.GrantAuthorizationCode:
		if code == "" {
			return nil, missingArg("code")
		}
		return e.redeemCode(appID, code)
	case gateway.GrantRefreshToken:
		if refresh == "" {
			return nil, missingArg("refresh-token")
		}
		return e.rotate(appID, refresh)
	}
	return nil, errGrantType
}

// checkV2 runs the gateway's checks in its order, before any business logic.
// It returns the app once the app id is known, and the sign type to answer
// with; what it accepts but flags goes to n.
func (e *Emulator) checkV2(req *v2Request, n *notes) (*App, gateway.SignType, *apiError) {
	p := req.params
	signType := gateway.RSA2
	if p["sign_type"] == string(gateway.RSA) {
		signType = gateway.RSA
	}
	switch {
	case p["method"] == "":
		return nil, signType, missingArg("method")
	case p["app_id"] == "":
		return nil, signType, missingArg("app-id")
	}
	app, ok := e.App(p["app_id"])
	if !ok {
		// Checked before the signature is even looked for (probed: no sign
		// and an unknown app id still answer isv.invalid-app-id).
		return nil, signType, invalidArg("isv.invalid-app-id", "无效的AppID参数")
	}
	switch {
	case p["method"] != gateway.MethodOAuthToken && p["method"] != gateway.MethodUserInfo && !isLoginMethod(p["method"]):
		return app, signType, invalidArg("isv.invalid-method", "不存在的方法名")
	case p["format"] != "" && !strings.EqualFold(p["format"], "JSON"):
		return app, signType, invalidArg("isv.invalid-format", "无效的数据格式")
	case req.charset != "" && req.charset != "utf-8" && req.charset != "gbk":
		return app, signType, invalidArg("isv.invalid-charset", "字符集错误")
	case p["version"] == "":
		return app, signType, missingArg("version")
	case p["version"] != "1.0":
		return app, signType, invalidArg("isv.invalid-version", "无效的版本号")
	case p["sign_type"] == "":
		return app, signType, missingArg("signature-type")
	case p["sign_type"] != string(gateway.RSA2) && p["sign_type"] != string(gateway.RSA):
		return app, signType, invalidArg("isv.invalid-signature-type", "无效的签名类型")
	case p["sign_type"] != string(app.SignType):
		return app, signType, insufficientConditions("isv.missing-signature-config", "应用未配置对应签名算法的公钥或者证书")
	case p["timestamp"] == "":
		return app, signType, missingArg("timestamp")
	}
	if aerr := e.checkV2Timestamp(p["timestamp"], n); aerr != nil {
		return app, signType, aerr
	}
	if p["sign"] == "" {
		return app, signType, missingArg("signature")
	}
	if aerr := e.checkCertSNs(app, p["app_cert_sn"], p["alipay_root_cert_sn"]); aerr != nil {
		return app, signType, aerr
	}
	toSign := []byte(gateway.StringToSign(req.raw))
	if gateway.VerifyBytes(app.PublicKey, signType, toSign, req.raw["sign"]) == nil {
		return app, signType, nil
	}
	return app, signType, invalidSignature(req, app, signType, toSign)
}

// invalidSignature words a failed signature as the gateway does. Most
// answers quote the gateway's own string to sign, HTML-escaped (sub_msg of
// isv.invalid-signature in public issues, e.g. alipay-sdk-nodejs-all#109);
// two name a cause instead: a signature made with the other algorithm than
// sign_type names ("sign值与sign_type参数指定的签名类型不一致"), and, when
// charset did not come in the URL query, where the gateway reads it, the
// charset ("验签出错，请确认charset参数放在了URL查询字符串中且各参数值使用
// charset参数指示的字符集编码", quoted in easy-swoole/pay#24).
func invalidSignature(req *v2Request, app *App, signType gateway.SignType, toSign []byte) *apiError {
	other := gateway.RSA
	if signType == gateway.RSA {
		other = gateway.RSA2
	}
	switch {
	case gateway.VerifyBytes(app.PublicKey, other, toSign, req.raw["sign"]) == nil:
		return invalidArg("isv.invalid-signature", "sign值与sign_type参数指定的签名类型不一致")
	case !req.charsetInQuery:
		return invalidArg("isv.invalid-signature", "验签出错，请确认charset参数放在了URL查询字符串中且各参数值使用charset参数指示的字符集编码")
	}
	return invalidArg("isv.invalid-signature",
		"验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为："+escapeHTML.Replace(gateway.StringToSign(req.params)))
}

// escapeHTML escapes the string to sign quoted in isv.invalid-signature the
// way the real gateway does: named entities, apostrophes left alone
// (app_id=...&amp;biz_content={&quot;out_trade_no&quot;:...).
var escapeHTML = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// solution is the diagnosis link production appends to the sub_msg of
// gateway-level errors ("无效的AppID参数，解决方案：https://open.alipay.com/
// api/errCheck?traceId=...&source=openapi", a probe of openapi.alipay.com;
// a Java project logs isv.missing-app-cert-sn with the same tail). The
// emulator answers as production does, so clients meet it.
func solution(traceID string) string {
	return "，解决方案：" + diagnosisLink(traceID)
}

// diagnosisLink is Alipay's diagnosis page for a trace id, as the gateway
// links it (source=openapi; the SDKs write source=sdk).
func diagnosisLink(traceID string) string {
	return "https://open.alipay.com/api/errCheck?traceId=" + traceID + "&source=openapi"
}

// errorContent is the error node's content.
func errorContent(a *apiError, traceID string) []byte {
	subMsg := a.SubMsg
	if a.gatewayLevel {
		subMsg += solution(traceID)
	}
	return marshalV2(struct {
		Code    string `json:"code"`
		Msg     string `json:"msg"`
		SubCode string `json:"sub_code"`
		SubMsg  string `json:"sub_msg"`
	}{a.Code, a.Msg, a.SubCode, subMsg})
}

// marshalV2 writes JSON as the v2 gateway does: compact, Chinese as is,
// and / escaped as \/ (which the official SDKs must cope with).
func marshalV2(v any) []byte {
	// '/' can only occur inside strings in JSON, so this escapes exactly those.
	return bytes.ReplaceAll(marshalV3(v), []byte("/"), []byte(`\/`))
}

// marshalV3 writes JSON as the v3 gateway does: compact, Chinese as is, /
// as it is (a real v3 error carries "https://open.alipay.com/api/errCheck"
// unescaped).
func marshalV3(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // only the emulator's own plain structs are encoded
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// replyV2 is one gateway.do answer before faults are applied.
type replyV2 struct {
	node     string
	content  []byte
	charset  string
	signType gateway.SignType
	unsigned bool
	traceID  string
	f        *Fault
}

// replyV2 writes {"<node>":<content>,["alipay_cert_sn":...,]"sign":"..."},
// signing the exact bytes of content as written, in the request charset.
func (e *Emulator) replyV2(w http.ResponseWriter, rep replyV2) {
	content := rep.content
	charset := "utf-8"
	if rep.charset == "gbk" {
		charset = "GBK"
		if gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(content); err == nil {
			content = gbk
		}
	}
	if rep.signType == "" {
		rep.signType = gateway.RSA2
	}
	var body bytes.Buffer
	body.WriteString(`{"` + rep.node + `":`)
	body.Write(content)
	if e.certs != nil && !rep.unsigned {
		body.WriteString(`,"alipay_cert_sn":"` + e.certs.alipaySN + `"`)
	}
	if !rep.unsigned && rep.f.kind() != FaultNoSign {
		signed := content
		if rep.f.kind() == FaultEscapedSlash {
			signed = bytes.ReplaceAll(content, []byte(`\/`), []byte("/"))
		}
		sign, err := gateway.SignBytes(e.alipayKey, rep.signType, signed)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if rep.f.kind() == FaultBadSign {
			sign = corruptSignature(sign)
		}
		body.WriteString(`,"sign":"` + strings.ReplaceAll(sign, "/", `\/`) + `"`)
	}
	body.WriteString("}")
	w.Header().Set("Content-Type", "text/html;charset="+charset)
	w.Header()["trace_id"] = []string{rep.traceID} // written as is, lower case, as Alipay does
	writeBody(w, http.StatusOK, body.Bytes(), rep.f)
}

// traceID makes an id shaped like Alipay's: hex, with the time in it.
func traceID(now time.Time) string {
	return randomHex(4) + now.Format("20060102150405") + randomHex(6)
}
