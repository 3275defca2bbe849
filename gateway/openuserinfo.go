package gateway

import (
	"encoding/json"
	"fmt"
)

// OpenUserInfo is my.getOpenUserInfo's answer, from its res.response:
// '{"response":{"code":"10000","msg":"Success","nickName":...,"avatar":...}}'
// (the API's documentation). Since 2022-06-13 only avatar and nickName carry
// values; gender, countryCode, province and city are always empty.
type OpenUserInfo struct {
	NickName    string `json:"nickName,omitempty"`
	Avatar      string `json:"avatar,omitempty"`
	Gender      string `json:"gender,omitempty"`
	CountryCode string `json:"countryCode,omitempty"`
	Province    string `json:"province,omitempty"`
	City        string `json:"city,omitempty"`
	// Content is the response object as received.
	Content string    `json:"content"`
	Error   *APIError `json:"error,omitempty"`
	// Notes say what the answer cannot be used for.
	Notes []string `json:"notes,omitempty"`
}

// openUserInfoCodes explains my.getOpenUserInfo's codes, from its
// documentation.
var openUserInfoCodes = map[string]Explanation{
	"isv.insufficient-isv-permissions": {
		Meaning: "the mini program may not read the user's basic information (40006, ISV权限不足): the 获取会员基础信息 product is not bound",
		Hint:    "bind 获取会员基础信息 to the mini program in the console: 开发 → 产品绑定 → 绑定产品",
	},
	"isv.invalid-auth-relations": {
		Meaning: "the user has not authorized their basic information (40003, 无效的授权关系)",
		Hint:    `call my.getOpenUserInfo from the onGetAuthorize of <button open-type="getAuthorize" scope="userInfo">, after the user agrees; my.getSetting tells whether userInfo is authorized`,
	},
}

// ParseOpenUserInfo reads what my.getOpenUserInfo gave the mini program: the
// whole res, its response string (which wraps the answer in a second
// response), or the answer object itself.
func ParseOpenUserInfo(data []byte) (*OpenUserInfo, error) {
	p, err := ParseMiniPayload(data)
	if err != nil {
		return nil, err
	}
	if p.Encrypted {
		return nil, fmt.Errorf("%w: this response is encrypted, which my.getOpenUserInfo's never is: is it my.getPhoneNumber's?", ErrBadPayload)
	}
	var fields struct {
		miniContent
		OpenUserInfo
	}
	if err := json.Unmarshal([]byte(p.Response), &fields); err != nil {
		return nil, fmt.Errorf("%w: the response is not a JSON object: %v", ErrBadPayload, err)
	}
	u := fields.OpenUserInfo
	u.Content = p.Response
	u.Error = fields.miniContent.apiError(openUserInfoCodes)
	u.Notes = append(u.Notes, "my.getOpenUserInfo's answer is not signed, so anyone can make one: never take it as proof of who the user is; get the user id from my.getAuthCode and alipay.system.oauth.token")
	if u.Error == nil && u.NickName == "" {
		u.Notes = append(u.Notes, "nickName is empty: some Alipay users set no nickname")
	}
	return &u, nil
}
