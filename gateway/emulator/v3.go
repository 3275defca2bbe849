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
// like v2's parameters, errors are HTTP 4xx with {code,message,links}, and
// the answer is signed over alipay-timestamp, alipay-nonce and the body.
func (e *Emulator) serveV3(w http.ResponseWriter, r *http.Request, f *Fault) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
	if err != nil {
		e.replyV3Error(w, f, invalidArg("isv.invalid-parameter", "请求体读取失败"), true)
		return
	}
	app, aerr := e.checkV3(r, body)
	if aerr != nil {
		e.replyV3Error(w, f, aerr, app != nil)
		return
	}
	method := gateway.MethodUserInfo
	if r.URL.Path == gateway.V3PathOAuthToken {
		method = gateway.MethodOAuthToken
	}
	if app, aerr = e.actingApp(app, method, r.Header.Get("alipay-app-auth-token")); aerr != nil {
		e.replyV3Error(w, f, aerr, true)
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
			e.replyV3Error(w, f, invalidArg("isv.invalid-parameter", "请求体不是JSON"), true)
			return
		}
		t, aerr := e.oauthToken(app.ID, in.GrantType, in.Code, in.RefreshToken)
		if aerr != nil {
			e.replyV3Error(w, f, aerr, true)
			return
		}
		e.replyV3(w, f, http.StatusOK, marshalGateway(e.tokenResult(t)), true)
	case gateway.V3PathUserInfo:
		token := r.URL.Query().Get("auth_token")
		if token == "" {
			e.replyV3Error(w, f, missingArg("auth-token"), true)
			return
		}
		g, aerr := e.lookupAccess(app.ID, token)
		if aerr != nil {
			e.replyV3Error(w, f, aerr, true)
			return
		}
		e.replyV3(w, f, http.StatusOK, marshalGateway(profileOf(g)), true)
	}
}

// checkV3 reads and verifies the authorization header.
func (e *Emulator) checkV3(r *http.Request, body []byte) (*App, *apiError) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return nil, &apiError{Code: "40001", SubCode: "isv.missing-signature", SubMsg: "缺少authorization请求头", Status: 401}
	}
	auth, err := gateway.ParseV3Authorization(header)
	if err != nil {
		return nil, &apiError{Code: "40002", SubCode: "isv.invalid-signature", SubMsg: "authorization格式错误: " + err.Error(), Status: 401}
	}
	app, ok := e.App(auth.AppID)
	if !ok {
		return nil, &apiError{Code: "40002", SubCode: "isv.invalid-app-id", SubMsg: "无效的AppID参数", Status: 401}
	}
	ms, _ := strconv.ParseInt(auth.Timestamp, 10, 64)
	if d := e.cfg.Now().Sub(time.UnixMilli(ms)); d.Abs() > e.cfg.TimestampWindow {
		return app, &apiError{Code: "40002", SubCode: "isv.invalid-timestamp", SubMsg: "非法的时间戳参数", Status: 401}
	}
	if aerr := e.checkCertSNs(app, auth.AppCertSN, r.Header.Get("alipay-root-cert-sn")); aerr != nil {
		return app, aerr
	}
	content := gateway.V3SignContent(auth.String(), r.Method, r.URL.RequestURI(), string(body), r.Header.Get("alipay-app-auth-token"))
	if gateway.VerifyBytes(app.PublicKey, gateway.RSA2, []byte(content), auth.Sign) != nil {
		return app, &apiError{Code: "40002", SubCode: "isv.invalid-signature", Status: 401,
			SubMsg: "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：" + escapeNewlines(content)}
	}
	return app, nil
}

// escapeNewlines shows a v3 sign content on one line, as the gateway quotes it.
func escapeNewlines(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// v3Error is the body of a v3 error.
type v3Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Links   []link `json:"links,omitempty"`
}

type link struct {
	Description string `json:"description"`
	Link        string `json:"link"`
}

func (e *Emulator) replyV3Error(w http.ResponseWriter, f *Fault, a *apiError, signed bool) {
	body := v3Error{Code: a.v3Code(), Message: a.SubMsg, Links: []link{{
		Description: "错误码说明",
		Link:        "https://opendocs.alipay.com/open-v3/common/errorcode",
	}}}
	if body.Code == "" {
		body.Code = a.Code
	}
	e.replyV3(w, f, a.status(), marshalGateway(body), signed)
}

// replyV3 writes a v3 answer with its signature headers.
func (e *Emulator) replyV3(w http.ResponseWriter, f *Fault, status int, body []byte, signed bool) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("alipay-trace-id", traceID(e.cfg.Now()))
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
