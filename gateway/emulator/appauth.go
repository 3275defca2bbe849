package emulator

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"sort"
	"time"

	"aliauth/gateway"
)

// Third-party app authorization (应用授权): a merchant authorizes a
// third-party (ISV) app on appToAppAuth.htm, Alipay sends the browser back
// with an app_auth_code, the ISV trades it for an app_auth_token with
// alipay.open.auth.token.app, and passes that token as the top-level
// app_auth_token of later calls to act for the merchant's app.
// Sources: the method's documentation (换取应用授权令牌: app_auth_code is
// single-use and expires after a day unused; refresh_token rotates, the old
// one lapsing after re_expires_in) and the official Java SDK's models
// AlipayOpenAuthTokenAppModel (biz_content grant_type, code, refresh_token),
// AlipayOpenAuthTokenAppResponse and AppTokenExchangeSubElement (the answer's
// fields), AlipayOpenAuthTokenAppQueryResponse (the query's).
const (
	// AppAuthCodeTTL is how long an app_auth_code lives unused: a day.
	AppAuthCodeTTL = 24 * time.Hour
	// appTokenExpiresIn is the expires_in written for an app_auth_token.
	// The documentation calls the field obsolete ("应用令牌长期有效"), so the
	// emulator never expires the token itself.
	appTokenExpiresIn = 365 * 24 * time.Hour
	// appRefreshExpiresIn is re_expires_in, after which a refresh token lapses.
	appRefreshExpiresIn = 372 * 24 * time.Hour
)

// appAuthMethods are the APIs an app_auth_token lets the ISV call for the
// merchant, listed by the query's auth_methods.
var appAuthMethods = []string{gateway.MethodOAuthToken, gateway.MethodUserInfo}

type appAuthCode struct {
	ISV          string    `json:"isv"`
	Merchant     string    `json:"merchant"`
	MerchantUser string    `json:"user"`
	Expires      time.Time `json:"exp"`
	Used         bool      `json:"used,omitempty"`
}

type appToken struct {
	ISV            string    `json:"isv"`
	Merchant       string    `json:"merchant"`
	MerchantUser   string    `json:"user"`
	Token          string    `json:"token"`
	Refresh        string    `json:"refresh"`
	Start          time.Time `json:"start"`
	RefreshExpires time.Time `json:"refresh_exp"`
}

// appAuthState holds app authorization's codes and tokens in the state log.
type appAuthState struct {
	codes   map[string]*appAuthCode
	tokens  map[string]*appToken
	refresh map[string]*appToken
}

func newAppAuthState() appAuthState {
	return appAuthState{codes: map[string]*appAuthCode{}, tokens: map[string]*appToken{}, refresh: map[string]*appToken{}}
}

func (a appAuthState) apply(ev event) {
	switch ev.Op {
	case "appcode":
		if ev.AppCode != nil {
			a.codes[ev.Code] = ev.AppCode
		}
	case "appuse":
		if c := a.codes[ev.Code]; c != nil {
			c.Used = true
		}
	case "apptoken":
		if t := ev.AppToken; t != nil {
			a.tokens[t.Token] = t
			a.refresh[t.Refresh] = t
		}
	}
}

// expire forgets used or lapsed codes and tokens whose refresh token has
// lapsed; an app_auth_token itself is long-lived.
func (a appAuthState) expire(now time.Time) {
	for k, c := range a.codes {
		if c.Used || now.After(c.Expires) {
			delete(a.codes, k)
		}
	}
	for k, t := range a.refresh {
		if now.After(t.RefreshExpires) {
			delete(a.refresh, k)
		}
	}
}

func (a appAuthState) rewrite(enc *json.Encoder) {
	for k, c := range a.codes {
		_ = enc.Encode(event{Op: "appcode", Code: k, AppCode: c})
	}
	for _, t := range a.tokens {
		_ = enc.Encode(event{Op: "apptoken", AppToken: t})
	}
}

// MintAppAuthCode issues an app_auth_code: merchantAppID's owner authorizes
// the third-party app isvAppID, as appToAppAuth.htm does.
func (e *Emulator) MintAppAuthCode(isvAppID, merchantAppID string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, id := range []string{isvAppID, merchantAppID} {
		if _, ok := e.apps[id]; !ok {
			return "", fmt.Errorf("app id %q is not registered with the emulator", id)
		}
	}
	if err := e.state.begin(); err != nil {
		return "", err
	}
	defer e.state.end()
	code := randomHex(16)
	c := &appAuthCode{ISV: isvAppID, Merchant: merchantAppID, MerchantUser: merchantUserID(merchantAppID), Expires: e.cfg.Now().Add(AppAuthCodeTTL)}
	if err := e.state.record(event{Op: "appcode", Code: code, AppCode: c}); err != nil {
		return "", err
	}
	return code, nil
}

// merchantUserID is the merchant's own Alipay user id (2088...), stable for
// its app.
func merchantUserID(appID string) string {
	sum := sha256.Sum256([]byte("merchant\x00" + appID))
	n := new(big.Int).SetBytes(sum[:8])
	return fmt.Sprintf("2088%012d", n.Mod(n, big.NewInt(1e12)))
}

// appTokenString is shaped like Alipay's: yyyyMM, BB, then hex
// (201509BBeff9351ad1874306903e96b91d248A36 in the documentation).
func appTokenString(now time.Time) string {
	return now.In(time.FixedZone("CST", 8*3600)).Format("200601") + "BB" + randomHex(16)
}

// A spent or unknown app_auth_code answers as alipay.system.oauth.token's
// business code does, prefix kept on v3 (its documented error table lists
// isv.code-invalid; the exact wording is not documented).
var (
	errAppAuthTokenInvalid = tokenError("aop.invalid-app-auth-token", "无效的应用授权令牌")
	errAppAuthCodeInvalid  = oauthError("isv.code-invalid", "授权码code无效")
)

// appAuthResult is the answer of alipay.open.auth.token.app, members in the
// order of the documented example; v2 writes code and msg first.
type appAuthResult struct {
	Code            string            `json:"code,omitempty"`
	Msg             string            `json:"msg,omitempty"`
	AppAuthToken    string            `json:"app_auth_token"`
	AppRefreshToken string            `json:"app_refresh_token"`
	AuthAppID       string            `json:"auth_app_id"`
	ExpiresIn       string            `json:"expires_in"`
	ReExpiresIn     string            `json:"re_expires_in"`
	Tokens          []appAuthTokenSub `json:"tokens"`
	UserID          string            `json:"user_id"`
}

// appAuthTokenSub is one AppTokenExchangeSubElement: the documentation
// writes its numbers as strings.
type appAuthTokenSub struct {
	AppAuthToken    string `json:"app_auth_token"`
	AppRefreshToken string `json:"app_refresh_token"`
	AuthAppID       string `json:"auth_app_id"`
	ExpiresIn       string `json:"expires_in"`
	ReExpiresIn     string `json:"re_expires_in"`
	UserID          string `json:"user_id"`
}

// appAuthQueryResult is the answer of alipay.open.auth.token.app.query.
type appAuthQueryResult struct {
	Code        string   `json:"code,omitempty"`
	Msg         string   `json:"msg,omitempty"`
	AuthAppID   string   `json:"auth_app_id"`
	AuthEnd     string   `json:"auth_end"`
	AuthMethods []string `json:"auth_methods"`
	AuthStart   string   `json:"auth_start"`
	ExpiresIn   int64    `json:"expires_in"`
	IsByAppAuth bool     `json:"is_by_app_auth"`
	Status      string   `json:"status"`
	UserID      string   `json:"user_id"`
}

// appAuth runs one of the two methods for the ISV app isv with its business
// parameters.
func (e *Emulator) appAuth(isv *App, method string, biz map[string]string) (any, *apiError) {
	if method == gateway.MethodAppAuthQuery {
		return e.queryAppToken(isv, biz["app_auth_token"])
	}
	var t *appToken
	var aerr *apiError
	switch biz["grant_type"] {
	case "":
		return nil, missingArg("grant-type")
	case gateway.GrantAuthorizationCode:
		if biz["code"] == "" {
			return nil, missingArg("code")
		}
		t, aerr = e.redeemAppCode(isv.ID, biz["code"])
	case gateway.GrantRefreshToken:
		if biz["refresh_token"] == "" {
			return nil, missingArg("refresh-token")
		}
		t, aerr = e.refreshAppToken(isv.ID, biz["refresh_token"])
	default:
		return nil, errGrantType
	}
	if aerr != nil {
		return nil, aerr
	}
	expires := fmt.Sprint(int64(appTokenExpiresIn / time.Second))
	reExpires := fmt.Sprint(int64(t.RefreshExpires.Sub(t.Start) / time.Second))
	return appAuthResult{
		AppAuthToken: t.Token, AppRefreshToken: t.Refresh, AuthAppID: t.Merchant,
		ExpiresIn: expires, ReExpiresIn: reExpires, UserID: t.MerchantUser,
		Tokens: []appAuthTokenSub{{
			AppAuthToken: t.Token, AppRefreshToken: t.Refresh, AuthAppID: t.Merchant,
			ExpiresIn: expires, ReExpiresIn: reExpires, UserID: t.MerchantUser,
		}},
	}, nil
}

func (e *Emulator) redeemAppCode(isv, code string) (*appToken, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.state.begin(); err != nil {
		return nil, unavailable(err)
	}
	defer e.state.end()
	c, ok := e.state.apps.codes[code]
	if !ok || c.Used || e.cfg.Now().After(c.Expires) || c.ISV != isv {
		return nil, errAppAuthCodeInvalid
	}
	if err := e.state.record(event{Op: "appuse", Code: code}); err != nil {
		return nil, unavailable(err)
	}
	return e.issueAppToken(c.ISV, c.Merchant, c.MerchantUser)
}

// refreshAppToken issues a new token pair. The old refresh token lapses
// only after re_expires_in (documented), so it is not spent here.
func (e *Emulator) refreshAppToken(isv, refresh string) (*appToken, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.state.begin(); err != nil {
		return nil, unavailable(err)
	}
	defer e.state.end()
	t, ok := e.state.apps.refresh[refresh]
	switch {
	case !ok || t.ISV != isv:
		return nil, errRefreshInvalid
	case e.cfg.Now().After(t.RefreshExpires):
		return nil, errRefreshTimeout
	}
	return e.issueAppToken(t.ISV, t.Merchant, t.MerchantUser)
}

// issueAppToken makes a token pair; the caller holds the lock and the log.
func (e *Emulator) issueAppToken(isv, merchant, user string) (*appToken, *apiError) {
	now := e.cfg.Now()
	t := &appToken{
		ISV: isv, Merchant: merchant, MerchantUser: user,
		Token: appTokenString(now), Refresh: appTokenString(now),
		Start: now, RefreshExpires: now.Add(appRefreshExpiresIn),
	}
	if err := e.state.record(event{Op: "apptoken", AppToken: t}); err != nil {
		return nil, unavailable(err)
	}
	return t, nil
}

func (e *Emulator) lookupAppToken(isv, token string) (*appToken, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.state.begin() != nil {
		return nil, false
	}
	defer e.state.end()
	t, ok := e.state.apps.tokens[token]
	if !ok || t.ISV != isv {
		return nil, false
	}
	copied := *t
	return &copied, true
}

func (e *Emulator) queryAppToken(isv *App, token string) (any, *apiError) {
	if token == "" {
		return nil, missingArg("app-auth-token")
	}
	t, ok := e.lookupAppToken(isv.ID, token)
	if !ok {
		return nil, errAppAuthTokenInvalid
	}
	return appAuthQueryResult{
		AuthAppID:   t.Merchant,
		AuthEnd:     gateway.Timestamp(t.Start.Add(appTokenExpiresIn)),
		AuthMethods: appAuthMethods,
		AuthStart:   gateway.Timestamp(t.Start),
		ExpiresIn:   int64(appTokenExpiresIn / time.Second),
		IsByAppAuth: true,
		Status:      "valid",
		UserID:      t.MerchantUser,
	}, nil
}

// actingApp is the app a call acts for: with an app_auth_token (a
// top-level parameter in v2, the alipay-app-auth-token header in v3) on a
// user OAuth method, the merchant app that authorized the calling ISV app;
// otherwise the calling app itself. A token the ISV was not given is
// refused with the gateway's aop.invalid-app-auth-token (20001).
func (e *Emulator) actingApp(app *App, method, token string) (*App, *apiError) {
	if token == "" || (method != gateway.MethodOAuthToken && method != gateway.MethodUserInfo) {
		return app, nil
	}
	t, ok := e.lookupAppToken(app.ID, token)
	if !ok {
		return app, errAppAuthTokenInvalid
	}
	merchant, ok := e.App(t.Merchant)
	if !ok {
		return app, errAppAuthTokenInvalid
	}
	return merchant, nil
}

// isLoginMethod reports whether the emulator answers method beyond the
// user OAuth methods.
func isLoginMethod(method string) bool {
	return method == gateway.MethodAppAuthToken || method == gateway.MethodAppAuthQuery
}

// serveLoginV2 answers the app authorization methods on gateway.do: their
// parameters travel in biz_content.
func (e *Emulator) serveLoginV2(app *App, method string, params map[string]string, trace string) (string, []byte) {
	biz, aerr := readBizContent(params["biz_content"])
	if aerr == nil {
		var result any
		if result, aerr = e.appAuth(app, method, biz); aerr == nil {
			return gateway.NodeName(method), marshalV2(withCode(result))
		}
	}
	return gateway.ErrorNode, errorContent(aerr, trace)
}

// withCode adds v2's code and msg to a success result.
func withCode(result any) any {
	switch r := result.(type) {
	case appAuthResult:
		r.Code, r.Msg = "10000", "Success"
		return r
	case appAuthQueryResult:
		r.Code, r.Msg = "10000", "Success"
		return r
	}
	return result
}

// readBizContent reads biz_content's string members; other members are
// not the business parameters of these methods and are ignored.
func readBizContent(raw string) (map[string]string, *apiError) {
	if raw == "" {
		return nil, missingArg("biz-content")
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, invalidArg("isv.invalid-parameter", "biz_content不是合法的JSON")
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out, nil
}

// v3 paths of the app authorization methods.
const (
	v3PathAppAuthToken = "/v3/alipay/open/auth/token/app"
	v3PathAppAuthQuery = "/v3/alipay/open/auth/token/app/query"
)

// serveV3AppAuth answers the app authorization methods over v3: the
// business parameters are the JSON body.
func (e *Emulator) serveV3AppAuth(w http.ResponseWriter, r *http.Request, f *Fault) {
	app, body, trace, ok := e.acceptV3(w, r, f)
	if !ok {
		return
	}
	biz, aerr := readBizContent(string(body))
	if aerr != nil {
		e.replyV3Error(w, f, trace, aerr, true)
		return
	}
	method := gateway.MethodAppAuthToken
	if r.URL.Path == v3PathAppAuthQuery {
		method = gateway.MethodAppAuthQuery
	}
	result, aerr := e.appAuth(app, method, biz)
	if aerr != nil {
		e.replyV3Error(w, f, trace, aerr, true)
		return
	}
	e.replyV3(w, f, trace, http.StatusOK, marshalV3(result), true)
}

// demoMerchant is a merchant app offered on the app authorization page.
type demoMerchant struct {
	AppID, Name string
}

// merchantsFor lists the apps that can authorize isv: every other
// registered app, or, when there is none, isv itself, so the demo app alone
// can show the whole flow.
func (e *Emulator) merchantsFor(isv string) []demoMerchant {
	e.mu.Lock()
	var ids []string
	for id := range e.apps {
		if id != isv {
			ids = append(ids, id)
		}
	}
	e.mu.Unlock()
	if len(ids) == 0 {
		ids = []string{isv}
	}
	sort.Strings(ids)
	out := make([]demoMerchant, 0, len(ids))
	for i, id := range ids {
		out = append(out, demoMerchant{AppID: id, Name: fmt.Sprintf("演示商家 %d", i+1)})
	}
	return out
}

func (e *Emulator) serveAppToAppPage(w http.ResponseWriter, r *http.Request) {
	a := readAuthorize(r.URL.Query())
	if perr := e.checkAuthorize(a, false); perr != nil {
		writePage(w, errorPage, perr)
		return
	}
	writePage(w, consentTemplate, consentPage{
		authorizeRequest: a,
		AppToApp:         true,
		Merchants:        e.merchantsFor(a.AppID),
		Action:           gateway.AppToAppPagePath,
	})
}

// serveAppToAppGrant mints an app_auth_code for the chosen merchant and
// sends the browser back with app_id and app_auth_code (documented
// callback: redirect_uri?app_id=2015101400446982&app_auth_code=ca34ea49...),
// and state.
func (e *Emulator) serveAppToAppGrant(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writePage(w, errorPage, &pageError{"isv.invalid-parameter", "表单无法解析：" + err.Error()})
		return
	}
	a := readAuthorize(r.PostForm)
	if perr := e.checkAuthorize(a, false); perr != nil {
		writePage(w, errorPage, perr)
		return
	}
	if r.PostForm.Get("decision") != "agree" {
		writePage(w, cancelledPage, nil)
		return
	}
	code, err := e.MintAppAuthCode(a.AppID, r.PostForm.Get("merchant"))
	if err != nil {
		writePage(w, errorPage, &pageError{"isv.invalid-parameter", err.Error()})
		return
	}
	http.Redirect(w, r, landingURL(a.RedirectURI, [][2]string{
		{"app_id", a.AppID},
		{"app_auth_code", code},
		{"state", a.State},
	}), http.StatusFound)
}

// MintDemoAppAuthCode issues an app_auth_code as if the first merchant
// appToAppAuth.htm offers had agreed: the app authorization flow without a
// browser.
func (e *Emulator) MintDemoAppAuthCode(isvAppID string) (string, error) {
	return e.MintAppAuthCode(isvAppID, e.merchantsFor(isvAppID)[0].AppID)
}
