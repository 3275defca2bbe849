package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// OpenUserInfoCase is how POST /emulator/openuserinfo answers, standing in
// for what my.getOpenUserInfo gives a mini program.
type OpenUserInfoCase string

// The cases the emulator issues.
const (
	// OpenUserInfoOK: the user's nickName and avatar.
	OpenUserInfoOK OpenUserInfoCase = "ok"
	// OpenUserInfoNoAuthorization: the user did not authorize userInfo:
	// 40003 isv.invalid-auth-relations.
	OpenUserInfoNoAuthorization OpenUserInfoCase = "no-auth"
	// OpenUserInfoNoPermission: 获取会员基础信息 is not bound: 40006.
	OpenUserInfoNoPermission OpenUserInfoCase = "no-permission"
)

// openUserInfoErrors are the error answers, worded as the API's
// documentation lists them (my.getOpenUserInfo, 错误码).
var openUserInfoErrors = map[OpenUserInfoCase]string{
	OpenUserInfoNoAuthorization: `{"code":"40003","msg":"Insufficient Conditions","subCode":"isv.invalid-auth-relations","subMsg":"无效的授权关系"}`,
	OpenUserInfoNoPermission:    `{"code":"40006","msg":"Insufficient Permissions","subCode":"isv.insufficient-isv-permissions","subMsg":"ISV权限不足，建议在开发者中心检查对应功能是否已经添加"}`,
}

// OpenUserInfoPayload makes what my.getOpenUserInfo gives the mini program
// in res: {"response":"<JSON string>"} whose text is
// {"response":{"code":"10000","msg":"Success","avatar":"...","nickName":"..."}}
// (the API's documentation). It is neither encrypted nor signed, as the
// real one is not; since 2022-06-13 only avatar and nickName carry values,
// so the others are left out.
func (e *Emulator) OpenUserInfoPayload(userID string, c OpenUserInfoCase) ([]byte, error) {
	if c == "" {
		c = OpenUserInfoOK
	}
	if userID == "" {
		userID = DemoUsers[0]
	}
	content, ok := openUserInfoErrors[c]
	switch {
	case c == OpenUserInfoOK:
		p := profileOf(grant{UserID: userID})
		content = string(marshalV2(struct {
			Code     string `json:"code"`
			Msg      string `json:"msg"`
			Avatar   string `json:"avatar"`
			NickName string `json:"nickName"`
		}{"10000", "Success", p.Avatar, p.NickName}))
	case !ok:
		return nil, fmt.Errorf("open user info case %q is not one of ok, no-auth, no-permission", c)
	}
	return json.Marshal(map[string]string{"response": `{"response":` + content + `}`})
}

// serveOpenUserInfo answers POST /emulator/openuserinfo (form: user_id,
// case=ok|no-auth|no-permission) with a my.getOpenUserInfo result,
// standing in for the mini program.
func (e *Emulator) serveOpenUserInfo(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeControlError(w, err.Error())
		return
	}
	res, err := e.OpenUserInfoPayload(r.Form.Get("user_id"), OpenUserInfoCase(r.Form.Get("case")))
	if err != nil {
		writeControlError(w, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(res)
}
