package emulator

import (
	"fmt"
	"strings"
	"time"

	"aliauth/gateway"
)

// Scopes my.getAuthCode asks for.
const (
	ScopeAuthUser = "auth_user"
	ScopeAuthBase = "auth_base"
)

// apiError is an answer the gateway gives instead of a result, spelled for
// both protocols: v2's code/sub_code pair, v3's code and HTTP status.
type apiError struct {
	Code, Msg, SubCode, SubMsg string
	// V3Code defaults to SubCode without its isv. or aop. prefix; Status
	// defaults to 400.
	V3Code string
	Status int
	// gatewayLevel marks the gateway's own checks (app id, signature,
	// timestamp...), as against the method's answers: production appends a
	// diagnosis link to their sub_msg.
	gatewayLevel bool
}

// v3Code is the error's v3 code. v3 drops the isv./aop. prefix of
// gateway-level codes (a probe of openapi.alipay.com answered
// "invalid-app-id"; the Node SDK's tests against the real gateway see
// "invalid-auth-token" and "insufficient-isv-permissions") and keeps it on
// the codes of alipay.system.oauth.token itself (isv.code-invalid,
// isv.unmatched-app-id...), which set V3Code.
func (a *apiError) v3Code() string {
	if a.V3Code != "" {
		return a.V3Code
	}
	for _, prefix := range []string{"isv.", "aop."} {
		if code, ok := strings.CutPrefix(a.SubCode, prefix); ok {
			return code
		}
	}
	return a.SubCode
}

func (a *apiError) status() int {
	if a.Status != 0 {
		return a.Status
	}
	return 400
}

// unavailable is the gateway failing itself: here, its state could not be
// read or written.
func unavailable(err error) *apiError {
	return &apiError{Code: "20000", Msg: "Service Currently Unavailable", SubCode: "isp.unknow-error", SubMsg: err.Error(), Status: 500}
}

func invalidArg(subCode, subMsg string) *apiError {
	return &apiError{Code: "40002", Msg: "Invalid Arguments", SubCode: subCode, SubMsg: subMsg}
}

func missingArg(name string) *apiError {
	return &apiError{Code: "40001", Msg: "Missing Required Arguments", SubCode: "isv.missing-" + name, SubMsg: "缺少必选参数" + name}
}

// insufficientConditions is code 40003, "Insufficient Conditions", the class
// of isv.missing-signature-config in Alipay's common codes
// (opendocs.alipay.com/common/02km9f; a real 40003 is quoted in the Node
// SDK's test/alipay.exec.test.ts).
func insufficientConditions(subCode, subMsg string) *apiError {
	return &apiError{Code: "40003", Msg: "Insufficient Conditions", SubCode: subCode, SubMsg: subMsg}
}

// oauthError is an answer of alipay.system.oauth.token itself, whose code
// v3 spells as v2 does.
func oauthError(subCode, subMsg string) *apiError {
	a := invalidArg(subCode, subMsg)
	a.V3Code = subCode
	return a
}

// tokenError is the class of an access token that cannot be used: v3
// answers it with HTTP 401 (the Node SDK's tests against the real gateway).
func tokenError(subCode, subMsg string) *apiError {
	return &apiError{Code: "20001", Msg: "Insufficient Token Permissions", SubCode: subCode, SubMsg: subMsg, Status: 401}
}

// The answers of the OAuth methods, as the real gateway words them.
var (
	errCodeInvalid     = oauthError("isv.code-invalid", "授权码code无效")
	errCodeOtherApp    = &apiError{Code: "40002", Msg: "Invalid Arguments", SubCode: "isv.code-invalid", SubMsg: "授权码code无效", V3Code: "isv.unmatched-app-id"}
	errRefreshInvalid  = oauthError("isv.refresh-token-invalid", "刷新令牌refresh_token无效")
	errRefreshOtherApp = &apiError{Code: "40002", Msg: "Invalid Arguments", SubCode: "isv.refresh-token-invalid", SubMsg: "刷新令牌refresh_token无效", V3Code: "isv.unmatched-app-id"}
	errRefreshed       = &apiError{Code: "40002", Msg: "Invalid Arguments", SubCode: "isv.refresh-token-invalid", SubMsg: "刷新令牌refresh_token无效", V3Code: "isv.refreshed-token-invalid"}
	errRefreshTimeout  = oauthError("isv.refresh-token-time-out", "刷新令牌refresh_token过期")
	errGrantType       = oauthError("isv.grant-type-invalid", "不支持的授权类型grant_type")
	// errAccessInvalid answers a token that cannot read the profile,
	// including an auth_base one: the gateway names no scope in its answer.
	errAccessInvalid = tokenError("aop.invalid-auth-token", "无效的访问令牌")
	errAccessTimeout = tokenError("aop.auth-token-time-out", "访问令牌已过期")
)

// MintCode issues a single-use auth code for an app, as my.getAuthCode does
// in a mini program. userID empty means a new user.
func (e *Emulator) MintCode(appID, scope, userID string) (string, error) {
	if scope == "" {
		scope = ScopeAuthUser
	}
	if scope != ScopeAuthUser && scope != ScopeAuthBase {
		return "", fmt.Errorf("scope %q is not one my.getAuthCode grants; use auth_user or auth_base", scope)
	}
	if userID == "" {
		userID = newUserID()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	app, ok := e.apps[appID]
	if !ok {
		return "", fmt.Errorf("app id %q is not registered with the emulator", appID)
	}
	if err := e.state.begin(); err != nil {
		return "", err
	}
	defer e.state.end()
	code := randomHex(16)
	c := &authCode{
		grant:   grant{AppID: appID, UserID: userID, OpenID: openID(appID, userID), Scope: scope, OpenIDOnly: app.OpenIDOnly},
		Expires: e.cfg.Now().Add(e.cfg.CodeTTL),
	}
	if err := e.state.record(event{Op: "code", Code: code, Auth: c}); err != nil {
		return "", err
	}
	return code, nil
}

// redeemCode spends a code and issues tokens. A code is good once, for the
// app it was issued to, until it expires.
func (e *Emulator) redeemCode(appID, code string) (*token, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.state.begin(); err != nil {
		return nil, unavailable(err)
	}
	defer e.state.end()
	c, ok := e.state.codes[code]
	switch {
	case !ok || c.Used || e.cfg.Now().After(c.Expires):
		return nil, errCodeInvalid
	case c.AppID != appID:
		return nil, errCodeOtherApp
	}
	if err := e.state.record(event{Op: "use", Code: code}); err != nil {
		return nil, unavailable(err)
	}
	return e.issue(c.grant)
}

// rotate spends a refresh token and issues new tokens.
func (e *Emulator) rotate(appID, refresh string) (*token, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.state.begin(); err != nil {
		return nil, unavailable(err)
	}
	defer e.state.end()
	t, ok := e.state.refresh[refresh]
	switch {
	case !ok:
		return nil, errRefreshInvalid
	case t.AppID != appID:
		return nil, errRefreshOtherApp
	case t.Refreshed:
		return nil, errRefreshed
	case e.cfg.Now().After(t.RefreshExpires):
		return nil, errRefreshTimeout
	}
	if err := e.state.record(event{Op: "refreshed", Refresh: refresh}); err != nil {
		return nil, unavailable(err)
	}
	return e.issue(t.grant)
}

// issue makes a token pair; the caller holds the lock.
func (e *Emulator) issue(g grant) (*token, *apiError) {
	prefix := "authusrB"
	if g.Scope == ScopeAuthBase {
		prefix = "authbseB"
	}
	now := e.cfg.Now()
	t := &token{
		grant:          g,
		Access:         prefix + randomHex(16),
		Refresh:        prefix + randomHex(16),
		AuthStart:      now,
		AccessExpires:  now.Add(e.cfg.AccessTTL),
		RefreshExpires: now.Add(e.cfg.RefreshTTL),
	}
	if err := e.state.record(event{Op: "token", Token: t}); err != nil {
		return nil, unavailable(err)
	}
	return t, nil
}

// lookupAccess finds the grant behind an access token that may read the
// user's profile.
func (e *Emulator) lookupAccess(appID, access string) (grant, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.state.begin(); err != nil {
		return grant{}, unavailable(err)
	}
	defer e.state.end()
	t, ok := e.state.access[access]
	switch {
	case !ok || t.AppID != appID:
		return grant{}, errAccessInvalid
	case e.cfg.Now().After(t.AccessExpires):
		return grant{}, errAccessTimeout
	case t.Scope != ScopeAuthUser:
		// auth_base gives the user id only; the answer is the invalid-token one.
		return grant{}, errAccessInvalid
	}
	return t.grant, nil
}

// tokenResult is the success node of alipay.system.oauth.token, its members
// in the order the gateway writes them.
type tokenResult struct {
	AccessToken  string `json:"access_token"`
	AuthStart    string `json:"auth_start"`
	ExpiresIn    int64  `json:"expires_in"`
	OpenID       string `json:"open_id"`
	ReExpiresIn  int64  `json:"re_expires_in"`
	RefreshToken string `json:"refresh_token"`
	UserID       string `json:"user_id,omitempty"`
}

func (e *Emulator) tokenResult(t *token) tokenResult {
	return tokenResult{
		AccessToken:  t.Access,
		AuthStart:    gateway.Timestamp(t.AuthStart),
		ExpiresIn:    int64(t.AccessExpires.Sub(t.AuthStart) / time.Second),
		OpenID:       t.OpenID,
		ReExpiresIn:  int64(t.RefreshExpires.Sub(t.AuthStart) / time.Second),
		RefreshToken: t.Refresh,
		UserID:       t.userIDShown(),
	}
}

// userProfile is the member profile alipay.user.info.share returns for an
// auth_user grant. v2 writes code and msg first; v3 leaves them out.
type userProfile struct {
	Code     string `json:"code,omitempty"`
	Msg      string `json:"msg,omitempty"`
	Avatar   string `json:"avatar"`
	City     string `json:"city"`
	Gender   string `json:"gender"`
	NickName string `json:"nick_name"`
	OpenID   string `json:"open_id"`
	Province string `json:"province"`
	UserID   string `json:"user_id,omitempty"`
}

var (
	nickNames = []string{"支付宝小二", "林小满", "陈一帆", "Mia", "王大锤", "赵晓雨"}
	places    = [][2]string{{"浙江省", "杭州市"}, {"上海市", "上海市"}, {"广东省", "深圳市"}, {"四川省", "成都市"}, {"北京市", "北京市"}}
)

// profileOf makes up a stable profile for a user: the same user always has
// the same name, city and avatar.
func profileOf(g grant) userProfile {
	h := 0
	for _, c := range g.UserID {
		h = h*31 + int(c)
	}
	h &= 0x7fffffff
	place := places[h%len(places)]
	gender := "F"
	if h%2 == 1 {
		gender = "M"
	}
	return userProfile{
		Avatar:   fmt.Sprintf("https://tfs.alipayobjects.com/images/partner/T1%08xXXXXXXXX", h),
		City:     place[1],
		Gender:   gender,
		NickName: nickNames[h%len(nickNames)],
		OpenID:   g.OpenID,
		Province: place[0],
		UserID:   g.userIDShown(),
	}
}
