package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"aliauth/gateway"
)

// serveV3 answers the REST protocol: the authorization header is checked
// like v2's parameters, errors are HTTP 4xx with {code,links,message}, and
// the answer is signed over alipay-timestamp, alipay-nonce and the body.
func (e *Emulator) serveV3(w http.ResponseWriter, r *http.Request, f *Fault) {
	app, body, trace, ok := e.acceptV3(w, r, f)
	if !ok {
		return
	}
	method := gateway.MethodUserInfo
	if r.URL.Path == gateway.V3PathOAuthToken {
		method = gateway.MethodOAuthToken
	}
	app, aerr := e.actingApp(app, method, r.Header.Get("alipay-app-auth-token"))
	if aerr != nil {
		e.replyV3Error(w, f, trace, aerr, true)
		return
	}
	switch r.URL.Path {
	case gateway.V3PathOAuthToken:
		var in struct {
			GrantType    string `json:"grant_type"`
			Code         string `json:"code"`
			RefreshToken string `json:"refresh_token"`
		}
		if err := json.Unmarshal(body, &in); err != nil {
			e.replyV3Error(w, f, trace, invalidArg("isv.invalid-parameter", "请求体不是JSON"), true)
			return
		}
		t, aerr := e.oauthToken(app.ID, in.GrantType, in.Code, in.RefreshToken)
		if aerr != nil {
			e.replyV3Error(w, f, trace, aerr, true)
			return
		}
		e.replyV3(w, f, trace, http.StatusOK, marshalV3(e.tokenResult(t)), true)
	case gateway.V3PathUserInfo:
		token := r.URL.Query().Get("auth_token")
		if token == "" {
			e.replyV3Error(w, f, trace, missingArg("auth-token"), true)
			return
		}
		g, aerr := e.lookupAccess(app.ID, token)
		if aerr != nil {
			e.replyV3Error(w, f, trace, aerr, true)
			return
		}
		e.replyV3(w, f, trace, http.StatusOK, marshalV3(profileOf(g)), true)
	}
}

// errMissingTimestamp answers a request with no authorization header, or
// one the gateway cannot read a timestamp from: a probe of
// openapi.alipay.com without the header got HTTP 400
// {"code":"missing-timestamp","message":"缺少时间戳参数"}, with no links and no
// signature (not the 401 of the signing guide, opendocs open-v3/054q58).
func errMissingTimestamp() *apiError {
	return &apiError{Code: "40001", Msg: "Missing Required Arguments", SubCode: "isv.missing-timestamp", SubMsg: "缺少时间戳参数"}
}

// checkV3 reads and verifies the authorization header, in the order the
// gateway answers: the timestamp's presence, the app, then the timestamp's
// value, certificates, and the signature over the auth string exactly as
// sent. What it accepts but flags goes to n.
func (e *Emulator) checkV3(r *http.Request, body []byte, n *notes) (*App, *apiError) {
	auth, err := gateway.ParseV3Authorization(r.Header.Get("Authorization"))
	if err != nil || auth.Timestamp == "" {
		return nil, errMissingTimestamp()
	}
	if auth.AppID == "" {
		return nil, missingArg("app-id")
	}
	app, ok := e.App(auth.AppID)
	if !ok {
		// HTTP 400 invalid-app-id, unsigned: a probe of openapi.alipay.com.
		return nil, invalidArg("isv.invalid-app-id", "无效的AppID参数")
	}
	ms, ok := auth.TimestampMillis()
	if !ok {
		return app, errInvalidTimestamp()
	}
	if app.SignType != gateway.RSA2 {
		// v3 signs with SHA256withRSA only; an app set up with a legacy RSA
		// key has nothing to verify it with (missing-signature-config,
		// HTTP 400 in opendocs open-v3/054fcv).
		return app, insufficientConditions("isv.missing-signature-config", "应用未配置对应签名算法的公钥或者证书")
	}
	signedAt := time.UnixMilli(ms)
	if aerr := e.checkSkew(signedAt, n); aerr != nil {
		return app, aerr
	}
	if aerr := e.checkExpiredSeconds(signedAt, auth.ExpiredSeconds, n); aerr != nil {
		return app, aerr
	}
	if auth.Nonce == "" {
		// The signing guide requires a nonce; whether the gateway refuses a
		// request without one is not known, so it is accepted and noted.
		n.add(gateway.NoteNonceMissing)
	}
	if aerr := e.checkCertSNs(app, auth.AppCertSN, r.Header.Get("alipay-root-cert-sn")); aerr != nil {
		return app, aerr
	}
	if auth.Sign == "" {
		return app, missingArg("signature")
	}
	content := gateway.V3SignContent(auth.String(), r.Method, r.URL.RequestURI(), string(body), r.Header.Get("alipay-app-auth-token"))
	if gateway.VerifyBytes(app.PublicKey, gateway.RSA2, []byte(content), auth.Sign) != nil {
		// Error code tables list invalid-signature under HTTP 400
		// (opendocs open-v3/054fcv), and the one signature-class answer
		// probed (no header) was 400, against the signing guide's 401. The
		// words follow v2's, the string to sign on one line.
		return app, invalidArg("isv.invalid-signature", "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为："+escapeNewlines(content))
	}
	return app, nil
}

// escapeNewlines shows a v3 sign content on one line, as a JSON string's
// contents: \n for newlines, \" and \\ for quotes and backslashes.
func escapeNewlines(s string) string {
	quoted := marshalV3(s)
	return string(quoted[1 : len(quoted)-1])
}

// v3Error is the body of a v3 error, its members in the order a real one
// writes them: {"code":...,"links":[{"link":...,"desc":"解决方案"}],"message":...}
// (a probe of openapi.alipay.com; the Node SDK types links the same,
// AlipayRequestErrorSupportLink).
type v3Error struct {
	Code    string   `json:"code"`
	Links   []v3Link `json:"links,omitempty"`
	Message string   `json:"message"`
}

type v3Link struct {
	Link string `json:"link"`
	Desc string `json:"desc"`
}

func (e *Emulator) replyV3Error(w http.ResponseWriter, f *Fault, trace string, a *apiError, signed bool) {
	body := v3Error{Code: a.v3Code(), Message: a.SubMsg}
	if body.Code == "" {
		body.Code = a.Code
	}
	if a.SubCode != "isv.missing-timestamp" {
		body.Links = []v3Link{{Link: diagnosisLink(trace), Desc: "解决方案"}}
	}
	e.replyV3(w, f, trace, a.status(), marshalV3(body), signed)
}

// replyV3 writes a v3 answer with its signature headers.
func (e *Emulator) replyV3(w http.ResponseWriter, f *Fault, trace string, status int, body []byte, signed bool) {
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("alipay-trace-id", trace)
	if signed && f.kind() != FaultNoSign {
		ts := strconv.FormatInt(e.cfg.Now().UnixMilli(), 10)
		nonce := randomHex(16)
		sign, err := gateway.SignBytes(e.alipayKey, gateway.RSA2, gateway.V3ResponseContent(ts, nonce, body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if f.kind() == FaultBadSign {
			sign = corruptSignature(sign)
		}
		h.Set("alipay-timestamp", ts)
		h.Set("alipay-nonce", nonce)
		h.Set("alipay-signature", sign)
		if e.certs != nil {
			h.Set("alipay-sn", e.certs.alipaySN)
		}
	}
	writeBody(w, status, body, f)
}

// acceptV3 reads a v3 request and checks its authorization, as every v3 path
// does first; when it answers the request itself (a body it cannot read, a
// signature it refuses) ok is false. trace is the answer's trace id.
func (e *Emulator) acceptV3(w http.ResponseWriter, r *http.Request, f *Fault) (app *App, body []byte, trace string, ok bool) {
	trace = traceID(e.cfg.Now())
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
	if err != nil {
		e.replyV3Error(w, f, trace, invalidArg("isv.invalid-parameter", "请求体读取失败"), true)
		return nil, nil, trace, false
	}
	var n notes
	app, aerr := e.checkV3(r, body, &n)
	n.set(w.Header())
	if aerr != nil {
		e.replyV3Error(w, f, trace, aerr, app != nil)
		return nil, nil, trace, false
	}
	return app, body, trace, true
}
