package history

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"aliauth/gateway"
)

// generator makes realistic synthetic traces: what the gateway client
// records for token exchanges, refreshes and user info calls over v2 and v3,
// with the successes, gateway errors and transport errors a developer meets.
// The same seed gives the same traces.
type generator struct {
	rng   *rand.Rand
	now   time.Time
	clock time.Time // when the last trace was made
	users []user
	n     int
}

type user struct{ userID, openID string }

var (
	genProfiles = []struct{ name, env, appID, gatewayURL string }{
		{"default", gateway.EnvEmulator, "2021000000000001", "http://127.0.0.1:47391/gateway.do"},
		{"sandbox", gateway.EnvSandbox, "9021000136612345", "https://openapi-sandbox.dl.alipaydev.com/gateway.do"},
		{"prod", gateway.EnvProduction, "2021004112345678", "https://openapi.alipay.com/gateway.do"},
		{"miniapp-staging", gateway.EnvSandbox, "9021000140054321", "https://openapi-sandbox.dl.alipaydev.com/gateway.do"},
	}
	cst = time.FixedZone("CST", 8*3600)
)

const (
	methodToken    = "alipay.system.oauth.token"
	methodUserInfo = "alipay.user.info.share"
	base62         = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	base64chars    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

func newGenerator(seed uint64) *generator {
	g := &generator{
		rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		now: time.Date(2025, 11, 20, 9, 30, 0, 0, time.UTC),
	}
	g.clock = g.now.AddDate(0, 0, -90)
	for range 5000 {
		g.users = append(g.users, user{
			userID: "2088" + g.digits(12),
			openID: "0" + g.chars(base62, 45),
		})
	}
	return g
}

func (g *generator) chars(alphabet string, n int) string {
	b := make([]byte, n)
	var bits uint64
	for i := range b {
		if i%8 == 0 {
			bits = g.rng.Uint64()
		}
		b[i] = alphabet[int(bits&0xff)%len(alphabet)] // a slight bias is fine here
		bits >>= 8
	}
	return string(b)
}

func (g *generator) digits(n int) string { return g.chars("0123456789", n) }

// token looks like an Alipay token: kind prefix, random body, suffix.
func (g *generator) token() string {
	return "authusrB" + g.chars(base62, 32) + g.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1) + g.digits(2)
}

func (g *generator) signature() string { return g.chars(base64chars, 342) + "==" }

func (g *generator) traceID() string { return "0b" + strings.ToLower(g.chars("0123456789abcdef", 28)) }

// traces makes the next n traces, oldest first, a minute apart on average.
func (g *generator) traces(n int) []*gateway.Trace {
	out := make([]*gateway.Trace, n)
	for i := range out {
		g.clock = g.clock.Add(time.Duration(1+g.rng.IntN(120)) * time.Second)
		out[i] = g.trace(g.clock)
	}
	return out
}

// trace makes one trace of a kind drawn with realistic frequencies.
func (g *generator) trace(at time.Time) *gateway.Trace {
	g.n++
	p := genProfiles[g.rng.IntN(len(genProfiles))]
	u := g.users[g.rng.IntN(len(g.users))]
	k := g.rng.IntN(100)
	v3 := g.rng.IntN(10) == 0
	switch {
	case k < 40:
		return g.tokenSuccess(at, p.name, p.env, p.appID, p.gatewayURL, u, "authorization_code", v3)
	case k < 55:
		return g.tokenSuccess(at, p.name, p.env, p.appID, p.gatewayURL, u, "refresh_token", v3)
	case k < 70:
		return g.userInfo(at, p.name, p.env, p.appID, p.gatewayURL, u)
	case k < 80:
		return g.gatewayError(at, p.name, p.env, p.appID, p.gatewayURL, "authorization_code", "40002", "Invalid Arguments", "isv.code-invalid", "授权码code无效")
	case k < 84:
		return g.gatewayError(at, p.name, p.env, p.appID, p.gatewayURL, "refresh_token", "40002", "Invalid Arguments", "isv.refresh-token-time-out", "刷新令牌refresh_token过期")
	case k < 87:
		return g.gatewayError(at, p.name, p.env, p.appID, p.gatewayURL, "authorization_code", "40002", "Invalid Arguments", "isv.invalid-signature", "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配")
	case k < 90:
		return g.gatewayError(at, p.name, p.env, p.appID, p.gatewayURL, "", "20001", "Insufficient Token Permissions", "aop.invalid-auth-token", "无效的访问令牌")
	case k < 97:
		return g.transportError(at, p.name, p.env, p.appID, p.gatewayURL)
	default:
		t := g.tokenSuccess(at, p.name, p.env, p.appID, p.gatewayURL, u, "authorization_code", false)
		t.Outcome = gateway.OutcomeUntrusted
		t.Verification.Status = gateway.VerifyFailed
		t.Verification.Detail = "SHA256withRSA does not match alipay_system_oauth_token_response with the configured Alipay public key"
		return t
	}
}

// request fills in a signed v2 request the way the client builds it.
func (g *generator) request(t *gateway.Trace, gatewayURL string, business map[string]string) {
	params := map[string]string{
		"app_id":    t.AppID,
		"method":    t.Method,
		"format":    "JSON",
		"charset":   "utf-8",
		"sign_type": "RSA2",
		"timestamp": t.Time.In(cst).Format("2006-01-02 15:04:05"),
		"version":   "1.0",
	}
	for k, v := range business {
		params[k] = v
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var toSign []string
	query, form := url.Values{}, url.Values{}
	for _, k := range keys {
		toSign = append(toSign, k+"="+params[k])
		if _, ok := business[k]; ok {
			form.Set(k, params[k])
		} else {
			query.Set(k, params[k])
		}
	}
	sign := g.signature()
	query.Set("sign", sign)
	t.Request = gateway.Request{
		HTTPMethod:   "POST",
		URL:          gatewayURL + "?" + query.Encode(),
		Params:       params,
		Clock:        params["timestamp"] + " China Standard Time (UTC+8)",
		StringToSign: strings.Join(toSign, "&"),
		Sign:         sign,
		Headers:      map[string]string{"content-type": "application/x-www-form-urlencoded;charset=utf-8"},
		Body:         form.Encode(),
	}
}

func (g *generator) base(at time.Time, profile, env, appID, method, grant string) *gateway.Trace {
	return &gateway.Trace{
		Time:        at,
		Profile:     profile,
		Environment: env,
		Protocol:    gateway.V2,
		AppID:       appID,
		Method:      method,
		GrantType:   grant,
		SignType:    gateway.RSA2,
		Charset:     "utf-8",
	}
}

// respond records a signed v2 answer whose node holds content.
func (g *generator) respond(t *gateway.Trace, status int, node string, content []byte) {
	sign := g.signature()
	body := `{"` + node + `":` + string(content) + `,"sign":"` + sign + `"}`
	start := len(node) + 4
	tid := g.traceID()
	t.Response = &gateway.Response{
		Status:       status,
		Headers:      map[string]string{"content-type": "text/html;charset=utf-8", "trace_id": tid, "server": "Tengine/Aserver"},
		Body:         []byte(body),
		Duration:     time.Duration(40+g.rng.IntN(400)) * time.Millisecond,
		TraceID:      tid,
		DiagnosisURL: "https://open.alipay.com/api/errCheck?traceId=" + tid + "&source=sdk",
	}
	t.Verification = &gateway.Verification{
		Status:        gateway.Verified,
		Node:          node,
		SignedContent: string(content),
		Start:         start,
		End:           start + len(content),
		Sign:          sign,
		Key:           "sha256:3f1a9c0e5b7d2468 from --alipay-public-key alipay_public_key.pem",
		Detail:        fmt.Sprintf("RSA2 matches the raw bytes of %s (%d bytes)", node, len(content)),
	}
}

func (g *generator) tokenSuccess(at time.Time, profile, env, appID, gatewayURL string, u user, grant string, v3 bool) *gateway.Trace {
	t := g.base(at, profile, env, appID, methodToken, grant)
	business := map[string]string{"grant_type": grant}
	if grant == "refresh_token" {
		business["refresh_token"] = g.token()
	} else {
		business["code"] = strings.ToLower(g.chars("0123456789abcdef", 32))
	}
	g.request(t, gatewayURL, business)
	access, refresh := g.token(), g.token()
	authStart := at.In(cst).Format("2006-01-02 15:04:05")
	content, _ := json.Marshal(map[string]any{
		"user_id": u.userID, "open_id": u.openID, "access_token": access, "expires_in": 1296000,
		"refresh_token": refresh, "re_expires_in": 2592000, "auth_start": authStart,
	})
	g.respond(t, 200, "alipay_system_oauth_token_response", content)
	if v3 {
		t.Protocol = gateway.V3
		t.Request.URL = strings.TrimSuffix(gatewayURL, "/gateway.do") + "/v3/alipay/system/oauth/token"
		t.Request.Params = nil
		t.Request.Body = string(mustJSON(business))
		t.Request.Headers = map[string]string{"authorization": "ALIPAY-SHA256withRSA app_id=" + appID + ",nonce=" + g.chars(base62, 32) + ",timestamp=" + fmt.Sprint(at.UnixMilli()) + ",sign=" + t.Request.Sign}
		t.Response.Body = content
		t.Response.Headers["alipay-trace-id"] = t.Response.TraceID
		t.Verification.Node = ""
	}
	t.Result = content
	t.Tokens = &gateway.Tokens{
		UserID: u.userID, OpenID: u.openID, AccessToken: access, RefreshToken: refresh,
		ExpiresIn: 1296000, ReExpiresIn: 2592000, AuthStart: authStart,
		AccessExpiresAt:  at.Add(1296000 * time.Second).Truncate(time.Second),
		RefreshExpiresAt: at.Add(2592000 * time.Second).Truncate(time.Second),
	}
	t.Outcome = gateway.OutcomeSuccess
	return t
}

func (g *generator) userInfo(at time.Time, profile, env, appID, gatewayURL string, u user) *gateway.Trace {
	t := g.base(at, profile, env, appID, methodUserInfo, "")
	g.request(t, gatewayURL, map[string]string{"auth_token": g.token()})
	content, _ := json.Marshal(map[string]any{
		"code": "10000", "msg": "Success", "user_id": u.userID, "open_id": u.openID,
		"nick_name": "测试用户" + g.digits(3), "avatar": "https://tfs.alipayobjects.com/images/partner/T1" + g.chars(base62, 20),
		"gender": "F", "province": "浙江省", "city": "杭州市",
	})
	g.respond(t, 200, "alipay_user_info_share_response", content)
	t.Result = content
	t.Outcome = gateway.OutcomeSuccess
	return t
}

func (g *generator) gatewayError(at time.Time, profile, env, appID, gatewayURL, grant, code, msg, subCode, subMsg string) *gateway.Trace {
	method := methodToken
	business := map[string]string{"grant_type": grant}
	switch grant {
	case "refresh_token":
		business["refresh_token"] = g.token()
	case "authorization_code":
		business["code"] = strings.ToLower(g.chars("0123456789abcdef", 32))
	default:
		method = methodUserInfo
		business = map[string]string{"auth_token": g.token()}
	}
	t := g.base(at, profile, env, appID, method, grant)
	g.request(t, gatewayURL, business)
	content, _ := json.Marshal(map[string]string{"code": code, "msg": msg, "sub_code": subCode, "sub_msg": subMsg})
	g.respond(t, 200, "error_response", content)
	t.Result = content
	t.Error = &gateway.APIError{
		Code: code, Msg: msg, SubCode: subCode, SubMsg: subMsg,
		Meaning: "the auth code was already used, has expired, or belongs to another app",
		Hint:    "get a fresh code from the mini program (my.getAuthCode) and exchange it at once; codes are single-use",
	}
	t.Outcome = gateway.OutcomeGatewayError
	return t
}

func (g *generator) transportError(at time.Time, profile, env, appID, gatewayURL string) *gateway.Trace {
	t := g.base(at, profile, env, appID, methodToken, "authorization_code")
	g.request(t, gatewayURL, map[string]string{"grant_type": "authorization_code", "code": strings.ToLower(g.chars("0123456789abcdef", 32))})
	switch g.rng.IntN(3) {
	case 0:
		t.TransportError = "dial tcp 127.0.0.1:47391: connect: connection refused"
	case 1:
		t.TransportError = "no answer from " + gatewayURL + " in time (timeout): context deadline exceeded"
	default:
		t.Response = &gateway.Response{
			Status:   502,
			Headers:  map[string]string{"content-type": "text/html"},
			Body:     []byte("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"),
			Duration: 31 * time.Millisecond,
		}
		t.TransportError = "the server answered HTTP 502 Bad Gateway with an HTML page, not the gateway's JSON (a proxy, a load balancer or a wrong URL answered): invalid character '<' looking for beginning of value"
	}
	t.Outcome = gateway.OutcomeTransportError
	return t
}

// gbkError is a gateway error whose body is GBK, as some gateways answer
// sub_msg: the raw bytes are not UTF-8.
func (g *generator) gbkError(at time.Time) *gateway.Trace {
	p := genProfiles[1]
	t := g.gatewayError(at, p.name, p.env, p.appID, p.gatewayURL, "authorization_code", "40002", "Invalid Arguments", "isv.code-invalid", "授权码code无效")
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(t.Response.Body)
	if err != nil {
		panic(err)
	}
	t.Response.Body = gbk
	t.Charset = "GBK"
	return t
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
