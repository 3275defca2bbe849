package emulator

import (
	htmltemplate "html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"aliauth/gateway"
)

// routeLogin serves the login surface beyond the token exchange: the
// emulator's own authorization pages, standing in for Alipay's
// openauth.alipay.com (GET shows the consent page, POST, its form, grants
// and sends the browser back to redirect_uri), the app authorization
// methods over v3, and the mini program's phone and user info payloads.
func (e *Emulator) routeLogin(mux *http.ServeMux) {
	mux.HandleFunc("GET "+gateway.AuthorizePagePath, e.serveAuthorizePage)
	mux.HandleFunc("POST "+gateway.AuthorizePagePath, e.serveAuthorizeGrant)
	mux.HandleFunc("GET "+gateway.AppToAppPagePath, e.serveAppToAppPage)
	mux.HandleFunc("POST "+gateway.AppToAppPagePath, e.serveAppToAppGrant)
	mux.HandleFunc(v3PathAppAuthToken, e.withFaults(e.serveV3AppAuth))
	mux.HandleFunc(v3PathAppAuthQuery, e.withFaults(e.serveV3AppAuth))
	mux.HandleFunc("POST /emulator/phone", e.servePhone)
	mux.HandleFunc("POST /emulator/openuserinfo", e.serveOpenUserInfo)
}

// DemoUsers are the users the consent page offers, with stable ids so a
// demo can pick the same user again.
var DemoUsers = []string{"2088000000000001", "2088000000000002", "2088000000000003"}

// authorizeRequest is what the page was asked for.
type authorizeRequest struct {
	AppID, Scope, RedirectURI, State string
}

func readAuthorize(form url.Values) authorizeRequest {
	return authorizeRequest{
		AppID:       form.Get("app_id"),
		Scope:       form.Get("scope"),
		RedirectURI: form.Get("redirect_uri"),
		State:       form.Get("state"),
	}
}

// pageError is what the real page shows instead of consent. The wording of
// Alipay's own error page is not in the sources at hand; the emulator names
// the mistake with the gateway's code for it (isv.invalid-app-id is the
// gateway's answer to an unknown app) and says what to fix.
type pageError struct {
	Code, Message string
}

// codeScope is the scope a code is minted with: the page may be asked for
// several scopes at once (auth_user,auth_ecard); auth_user wins, as it
// grants the profile.
func codeScope(scope string) (string, bool) {
	has := map[string]bool{}
	for s := range strings.SplitSeq(scope, ",") {
		has[s] = true
	}
	switch {
	case has[ScopeAuthUser]:
		return ScopeAuthUser, true
	case has[ScopeAuthBase]:
		return ScopeAuthBase, true
	}
	return "", false
}

// checkAuthorize runs the page's checks: the app, redirect_uri and scope,
// in that order.
func (e *Emulator) checkAuthorize(a authorizeRequest, needScope bool) *pageError {
	if a.AppID == "" {
		return &pageError{"isv.missing-app-id", "缺少参数 app_id：授权链接必须带上应用的 APPID。"}
	}
	if _, ok := e.App(a.AppID); !ok {
		return &pageError{"isv.invalid-app-id", "无效的AppID参数：app_id " + a.AppID + " 不是这个环境里的应用（沙箱和正式环境的 APPID 不同）。"}
	}
	if a.RedirectURI == "" {
		return &pageError{"isv.missing-redirect-uri", "缺少参数 redirect_uri：授权后要跳回的地址，域名须与应用的授权回调地址一致。"}
	}
	if err := gateway.CheckRedirectURI(a.RedirectURI); err != nil {
		return &pageError{"isv.invalid-redirect-uri", "redirect_uri 无效：必须是 http 或 https 开头的完整地址。"}
	}
	if _, ok := codeScope(a.Scope); needScope && !ok {
		return &pageError{"isv.invalid-scope", "无效的 scope：" + a.Scope + "；请使用 auth_user 或 auth_base。"}
	}
	return nil
}

// consentPage is the data of the consent page.
type consentPage struct {
	authorizeRequest
	ScopeText string
	Users     []demoUser
	// AppToApp marks the third-party app authorization page.
	AppToApp  bool
	Merchants []demoMerchant
	Action    string
}

type demoUser struct {
	ID, Nick, City string
}

func demoUsers() []demoUser {
	out := make([]demoUser, 0, len(DemoUsers))
	for _, id := range DemoUsers {
		p := profileOf(grant{UserID: id})
		out = append(out, demoUser{ID: id, Nick: p.NickName, City: p.City})
	}
	return out
}

func (e *Emulator) serveAuthorizePage(w http.ResponseWriter, r *http.Request) {
	a := readAuthorize(r.URL.Query())
	if perr := e.checkAuthorize(a, true); perr != nil {
		writePage(w, errorPage, perr)
		return
	}
	text := "获取你的支付宝会员唯一标识（user_id / open_id）"
	if s, _ := codeScope(a.Scope); s == ScopeAuthUser {
		text = "获取你的支付宝账户信息（头像、昵称、性别、所在地）"
	}
	writePage(w, consentTemplate, consentPage{
		authorizeRequest: a,
		ScopeText:        text,
		Users:            demoUsers(),
		Action:           gateway.AuthorizePagePath,
	})
}

// serveAuthorizeGrant mints an auth code for the chosen user and sends the
// browser to redirect_uri with app_id, source=alipay_wallet, scope,
// auth_code and state, the parameters Alipay's redirect carries (docs,
// 网页授权 "第二步：获取 auth_code": ?app_id=...&source=alipay_wallet&scope=auth_user&auth_code=...&state=...).
func (e *Emulator) serveAuthorizeGrant(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writePage(w, errorPage, &pageError{"isv.invalid-parameter", "表单无法解析：" + err.Error()})
		return
	}
	a := readAuthorize(r.PostForm)
	if perr := e.checkAuthorize(a, true); perr != nil {
		writePage(w, errorPage, perr)
		return
	}
	if r.PostForm.Get("decision") != "agree" {
		writePage(w, cancelledPage, nil)
		return
	}
	scope, _ := codeScope(a.Scope)
	code, err := e.MintCode(a.AppID, scope, r.PostForm.Get("user_id"))
	if err != nil {
		writePage(w, errorPage, &pageError{"isp.unknow-error", err.Error()})
		return
	}
	http.Redirect(w, r, landingURL(a.RedirectURI, [][2]string{
		{"app_id", a.AppID},
		{"source", "alipay_wallet"},
		{"scope", a.Scope},
		{"auth_code", code},
		{"state", a.State},
	}), http.StatusFound)
}

// landingURL appends parameters to redirect_uri in order, keeping its own
// query; an empty state is left out, as Alipay echoes only what it got.
func landingURL(redirect string, params [][2]string) string {
	var b strings.Builder
	b.WriteString(redirect)
	sep := "?"
	if strings.Contains(redirect, "?") {
		sep = "&"
	}
	for _, kv := range params {
		if kv[1] == "" {
			continue
		}
		b.WriteString(sep + kv[0] + "=" + url.QueryEscape(kv[1]))
		sep = "&"
	}
	return b.String()
}

func writePage(w http.ResponseWriter, t func() *htmltemplate.Template, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = t().Execute(w, data)
}

const pageHead = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{block "title" .}}{{end}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
.banner{background:#fff3cd;padding:.4rem .6rem;border-radius:4px;font-size:.9rem}
button{font-size:1rem;padding:.5rem 1.5rem;margin-right:.5rem}label{display:block;margin:.3rem 0}</style>
</head><body><p class="banner">aliauth emulator — not Alipay</p>`

// The pages are parsed the first time one is shown, not when the program
// starts.
var (
	consentTemplate = page("consent", `{{define "title"}}支付宝授权{{end}}`+pageHead+`
<h1>{{if .AppToApp}}应用授权{{else}}授权登录{{end}}</h1>
<p>应用 <strong id="app-id">{{.AppID}}</strong> {{if .AppToApp}}申请代你的应用调用接口{{else}}申请{{.ScopeText}}{{end}}</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="app_id" value="{{.AppID}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="state" value="{{.State}}">
{{if .AppToApp}}<fieldset><legend>授权的商家应用</legend>
{{range $i, $m := .Merchants}}<label><input type="radio" name="merchant" value="{{$m.AppID}}" id="merchant-{{$m.AppID}}"{{if eq $i 0}} checked{{end}}> {{$m.Name}}（{{$m.AppID}}）</label>
{{end}}</fieldset>{{else}}<fieldset><legend>以哪个演示用户授权</legend>
{{range $i, $u := .Users}}<label><input type="radio" name="user_id" value="{{$u.ID}}" id="user-{{$u.ID}}"{{if eq $i 0}} checked{{end}}> {{$u.Nick}}（{{$u.City}}，{{$u.ID}}）</label>
{{end}}<label><input type="radio" name="user_id" value="" id="user-new"> 新用户</label></fieldset>{{end}}
<p><button type="submit" name="decision" value="agree" id="agree">同意</button>
<button type="submit" name="decision" value="cancel" id="cancel">取消</button></p>
</form></body></html>`)

	errorPage = page("error", `{{define "title"}}授权出错{{end}}`+pageHead+`
<h1>抱歉，授权出错了</h1>
<p>错误代码：<code id="error-code">{{.Code}}</code></p>
<p id="error-message">{{.Message}}</p>
</body></html>`)

	cancelledPage = page("cancelled", `{{define "title"}}已取消{{end}}`+pageHead+`
<h1 id="cancelled">你已取消授权</h1><p>没有授权码发给应用。</p></body></html>`)
)

// page parses a page's template once, when it is first shown.
func page(name, text string) func() *htmltemplate.Template {
	return sync.OnceValue(func() *htmltemplate.Template {
		return htmltemplate.Must(htmltemplate.New(name).Parse(text))
	})
}
