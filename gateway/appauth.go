package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Methods of third-party app authorization (应用授权): a third-party (ISV)
// app trades the app_auth_code a merchant's authorization produced for an
// app_auth_token, and passes that token on later calls to act for the
// merchant's app.
const (
	MethodAppAuthToken = "alipay.open.auth.token.app"
	MethodAppAuthQuery = "alipay.open.auth.token.app.query"
)

// v3 paths of the app authorization methods.
const (
	V3PathAppAuthToken = "/v3/alipay/open/auth/token/app"
	V3PathAppAuthQuery = "/v3/alipay/open/auth/token/app/query"
)

// AppAuth is the decoded answer of alipay.open.auth.token.app (the token
// pair) or alipay.open.auth.token.app.query (the authorization's state).
// Field names follow the official SDKs' models.
type AppAuth struct {
	// AuthAppID is the merchant's app the token acts for; UserID the
	// merchant's Alipay user id.
	AuthAppID string `json:"auth_app_id,omitempty"`
	UserID    string `json:"user_id,omitempty"`
	// AppAuthToken goes top-level on later calls; AppRefreshToken renews it.
	AppAuthToken    string `json:"app_auth_token,omitempty"`
	AppRefreshToken string `json:"app_refresh_token,omitempty"`
	// ExpiresIn is documented as obsolete: app_auth_token is long-lived.
	// ReExpiresIn is when the refresh token lapses.
	ExpiresIn        int64     `json:"expires_in,omitempty"`
	ReExpiresIn      int64     `json:"re_expires_in,omitempty"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at,omitzero"`
	// Tokens lists every merchant app of a batch authorization.
	Tokens []AppAuth `json:"tokens,omitempty"`
	// The query's fields: valid or invalid, the methods the token may call,
	// the authorization's start and end (yyyy-MM-dd HH:mm:ss, UTC+8), and
	// whether the merchant delegated everything (全权委托).
	Status      string   `json:"status,omitempty"`
	AuthMethods []string `json:"auth_methods,omitempty"`
	AuthStart   string   `json:"auth_start,omitempty"`
	AuthEnd     string   `json:"auth_end,omitempty"`
	IsByAppAuth *bool    `json:"is_by_app_auth,omitempty"`
}

// appAuthFields is the wire shape; numbers may come as strings.
type appAuthFields struct {
	AuthAppID       string          `json:"auth_app_id"`
	UserID          string          `json:"user_id"`
	AppAuthToken    string          `json:"app_auth_token"`
	AppRefreshToken string          `json:"app_refresh_token"`
	ExpiresIn       flexible        `json:"expires_in"`
	ReExpiresIn     flexible        `json:"re_expires_in"`
	Tokens          []appAuthFields `json:"tokens"`
	Status          string          `json:"status"`
	AuthMethods     []string        `json:"auth_methods"`
	AuthStart       string          `json:"auth_start"`
	AuthEnd         string          `json:"auth_end"`
	IsByAppAuth     *bool           `json:"is_by_app_auth"`
}

func (f appAuthFields) decode(start time.Time) AppAuth {
	a := AppAuth{
		AuthAppID: f.AuthAppID, UserID: f.UserID,
		AppAuthToken: f.AppAuthToken, AppRefreshToken: f.AppRefreshToken,
		ExpiresIn: int64(f.ExpiresIn), ReExpiresIn: int64(f.ReExpiresIn),
		Status: f.Status, AuthMethods: f.AuthMethods, AuthStart: f.AuthStart, AuthEnd: f.AuthEnd,
		IsByAppAuth: f.IsByAppAuth,
	}
	if a.ReExpiresIn > 0 {
		a.RefreshExpiresAt = start.Add(time.Duration(a.ReExpiresIn) * time.Second)
	}
	for _, t := range f.Tokens {
		a.Tokens = append(a.Tokens, t.decode(start))
	}
	return a
}

// appAuthCodeInvalid explains isv.code-invalid from
// alipay.open.auth.token.app, whose code is a merchant's app_auth_code,
// not a user's auth code.
var appAuthCodeInvalid = Explanation{
	Meaning: "the app_auth_code is not valid: it was already used, it expired (a day after the merchant agreed), or it was issued to another third-party app",
	Hint:    "have the merchant authorize again on appToAppAuth.htm and exchange the new app_auth_code once, with the app id the authorization named",
}

// decodeAppAuth fills Trace.AppAuth from a successful answer, and words an
// invalid code as the merchant's.
func decodeAppAuth(t *Trace) {
	if e := t.Error; e != nil && (e.SubCode == "isv.code-invalid" || e.Code == "isv.code-invalid") && t.GrantType == GrantAuthorizationCode {
		e.Meaning, e.Hint = appAuthCodeInvalid.Meaning, appAuthCodeInvalid.Hint
	}
	if t.Error != nil || len(t.Result) == 0 {
		return
	}
	var f appAuthFields
	if json.Unmarshal(t.Result, &f) != nil {
		return
	}
	start := t.Time
	if t.Response != nil {
		start = t.Time.Add(t.Response.Duration)
	}
	a := f.decode(start)
	t.AppAuth = &a
}

// AppAuthExchange trades the app_auth_code of a merchant's authorization for
// an app_auth_token (alipay.open.auth.token.app, grant_type
// authorization_code). Unlike alipay.system.oauth.token, this method takes
// its parameters in biz_content. Codes are single-use and expire after a day.
func (c *Client) AppAuthExchange(ctx context.Context, appAuthCode string) (*Trace, error) {
	code := strings.TrimSpace(appAuthCode)
	if code == "" {
		return nil, errors.New("no app_auth_code: pass the app_auth_code the merchant's authorization sent to the redirect URI")
	}
	return c.appAuthCall(ctx, MethodAppAuthToken, GrantAuthorizationCode, map[string]string{"grant_type": GrantAuthorizationCode, "code": code})
}

// AppAuthRefresh renews an app_auth_token with its app_refresh_token
// (grant_type refresh_token).
func (c *Client) AppAuthRefresh(ctx context.Context, appRefreshToken string) (*Trace, error) {
	token := strings.TrimSpace(appRefreshToken)
	if token == "" {
		return nil, errors.New("no app_refresh_token: pass the app_refresh_token of an earlier app authorization exchange")
	}
	return c.appAuthCall(ctx, MethodAppAuthToken, GrantRefreshToken, map[string]string{"grant_type": GrantRefreshToken, "refresh_token": token})
}

// AppAuthQuery asks which merchant app an app_auth_token acts for, whether
// it is valid, and which methods it may call
// (alipay.open.auth.token.app.query, the token in biz_content).
func (c *Client) AppAuthQuery(ctx context.Context, appAuthToken string) (*Trace, error) {
	token := strings.TrimSpace(appAuthToken)
	if token == "" {
		return nil, errors.New("no app_auth_token: pass the app_auth_token to query")
	}
	return c.appAuthCall(ctx, MethodAppAuthQuery, "", map[string]string{"app_auth_token": token})
}

func (c *Client) appAuthCall(ctx context.Context, method, grantType string, biz map[string]string) (*Trace, error) {
	body, err := json.Marshal(biz)
	if err != nil {
		return nil, err
	}
	path := V3PathAppAuthToken
	if method == MethodAppAuthQuery {
		path = V3PathAppAuthQuery
	}
	return c.call(ctx, request{
		method:    method,
		grantType: grantType,
		business:  map[string]string{"biz_content": string(body)},
		v3Path:    path,
		v3Body:    string(body),
		decode:    decodeAppAuth,
	})
}

// Call calls any v2 method with its biz_content (any JSON object), or the
// v3 path of the same name (alipay.a.b -> /v3/alipay/a/b) with it as the
// body. Client.AppAuthToken, when set, goes top-level; an app_auth_token
// found inside biz_content is warned about in the trace, since the gateway
// reads it only as a system parameter.
func (c *Client) Call(ctx context.Context, method string, bizContent json.RawMessage) (*Trace, error) {
	method = strings.TrimSpace(method)
	if method == "" {
		return nil, errors.New("no method: pass the API name, like alipay.user.info.share")
	}
	var biz map[string]json.RawMessage
	if len(bizContent) > 0 {
		if err := json.Unmarshal(bizContent, &biz); err != nil {
			return nil, fmt.Errorf("biz_content is not a JSON object: %w", err)
		}
	}
	r := request{method: method, business: map[string]string{}, v3Path: "/v3/" + strings.ReplaceAll(method, ".", "/")}
	if len(bizContent) > 0 {
		r.business["biz_content"] = string(bizContent)
		r.v3Body = string(bizContent)
	}
	if _, ok := biz["app_auth_token"]; ok && method != MethodAppAuthQuery {
		r.warnings = append(r.warnings, "app_auth_token is inside biz_content, where the gateway does not look for it: the call acts for this app, not the merchant's; pass it as the top-level app_auth_token (v3: the alipay-app-auth-token header)")
	}
	return c.call(ctx, r)
}

// actsForMerchant reports whether a method takes the client's
// app_auth_token: every method but the app authorization methods, which
// the ISV app calls for itself.
func actsForMerchant(method string) bool {
	return method != MethodAppAuthToken && method != MethodAppAuthQuery
}

// attachAppAuthToken adds the client's app_auth_token to a request: a
// top-level parameter in v2 (it travels in the URL query with the other
// system parameters), the alipay-app-auth-token header and the last line
// of the signed content in v3.
func (r *request) attachAppAuthToken(token string, protocol Protocol) {
	if token == "" || !actsForMerchant(r.method) {
		return
	}
	if protocol == V3 {
		r.appAuthToken = token
		return
	}
	business := make(map[string]string, len(r.business)+1)
	for k, v := range r.business {
		business[k] = v
	}
	business["app_auth_token"] = token
	r.business = business
}

// appAuthSubCodes explains the errors of acting for a merchant.
var appAuthSubCodes = map[string]Explanation{
	"aop.invalid-app-auth-token": {
		Meaning: "the app_auth_token is not valid for this app: mistyped, revoked by the merchant, or issued to another third-party app",
		Hint:    "query it with alipay.open.auth.token.app.query; if it is invalid, ask the merchant to authorize again on appToAppAuth.htm",
	},
	"aop.app-auth-token-time-out": {
		Meaning: "the app_auth_token has expired",
		Hint:    "renew it with alipay.open.auth.token.app and the app_refresh_token, or ask the merchant to authorize again",
	},
	"aop.invalid-app-auth-token-no-api": {
		Meaning: "the merchant's authorization does not cover this API (商户未授权当前接口)",
		Hint:    "ask the merchant to authorize again including this API; alipay.open.auth.token.app.query lists the methods the token may call",
	},
	"isv.missing-biz-content": {
		Meaning: "the request carries no biz_content, where this method takes its parameters",
		Hint:    "send the parameters as the JSON biz_content, e.g. {\"grant_type\":\"authorization_code\",\"code\":\"...\"}",
	},
}

// secrets lists the tokens of an answer and of its batch entries.
func (a *AppAuth) secrets() []string {
	if a == nil {
		return nil
	}
	out := []string{a.AppAuthToken, a.AppRefreshToken}
	for i := range a.Tokens {
		out = append(out, a.Tokens[i].secrets()...)
	}
	return out
}

// clone copies an answer deeply, for Trace.Redact.
func (a *AppAuth) clone() *AppAuth {
	if a == nil {
		return nil
	}
	c := *a
	c.AuthMethods = append([]string(nil), a.AuthMethods...)
	c.Tokens = make([]AppAuth, len(a.Tokens))
	for i := range a.Tokens {
		c.Tokens[i] = *a.Tokens[i].clone()
	}
	if len(a.Tokens) == 0 {
		c.Tokens = nil
	}
	return &c
}

// replace rewrites the tokens in place.
func (a *AppAuth) replace(f func(string) string) {
	if a == nil {
		return
	}
	a.AppAuthToken, a.AppRefreshToken = f(a.AppAuthToken), f(a.AppRefreshToken)
	for i := range a.Tokens {
		a.Tokens[i].replace(f)
	}
}
