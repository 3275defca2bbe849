package emulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// POST /emulator/openuserinfo answers as my.getOpenUserInfo does, and
// gateway.ParseOpenUserInfo reads each answer as it should.
func TestOpenUserInfoEndpoint(t *testing.T) {
	s := serve(t, newEmulator(t, emulator.Config{}))
	cases := []struct {
		c       emulator.OpenUserInfoCase
		subCode string
	}{
		{emulator.OpenUserInfoOK, ""},
		{emulator.OpenUserInfoNoAuthorization, "isv.invalid-auth-relations"},
		{emulator.OpenUserInfoNoPermission, "isv.insufficient-isv-permissions"},
	}
	for _, c := range cases {
		t.Run(string(c.c), func(t *testing.T) {
			r := postForm(t, s.URL+"/emulator/openuserinfo", url.Values{"case": {string(c.c)}, "user_id": {emulator.DemoUsers[2]}})
			var res map[string]string
			if r.Status != 200 || json.Unmarshal(r.Body, &res) != nil || len(res) != 1 {
				t.Fatalf("not my.getOpenUserInfo's res: %d %s", r.Status, r.Body)
			}
			// res.response is a JSON string wrapping the answer in a second
			// response, as the documentation's example shows.
			if !strings.HasPrefix(res["response"], `{"response":{"code":`) {
				t.Fatalf("res.response %s", res["response"])
			}
			u, err := gateway.ParseOpenUserInfo(r.Body)
			if err != nil {
				t.Fatal(err)
			}
			if c.subCode == "" {
				if u.Error != nil || u.NickName == "" || !strings.HasPrefix(u.Avatar, "https://") || u.City != "" || u.Gender != "" {
					t.Fatalf("%+v", u)
				}
				return
			}
			if u.Error == nil || u.Error.SubCode != c.subCode || u.Error.Meaning == "" || u.NickName != "" {
				t.Fatalf("%+v", u)
			}
		})
	}
	// The same user has the same nickname every time.
	a := postForm(t, s.URL+"/emulator/openuserinfo", url.Values{"user_id": {emulator.DemoUsers[0]}})
	b := postForm(t, s.URL+"/emulator/openuserinfo", url.Values{})
	if string(a.Body) != string(b.Body) {
		t.Errorf("the default user is not the first demo user:\n%s\n%s", a.Body, b.Body)
	}
	if r := postForm(t, s.URL+"/emulator/openuserinfo", url.Values{"case": {"everything"}}); r.Status != 400 || !strings.Contains(string(r.Body), "ok, no-auth, no-permission") {
		t.Fatalf("unknown case: %d %s", r.Status, r.Body)
	}
}

// The emulator's index names every endpoint, the login surface included.
func TestIndexListsEndpoints(t *testing.T) {
	s := serve(t, newEmulator(t, emulator.Config{}))
	resp, err := http.Get(s.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var index struct {
		Endpoints []string `json:"endpoints"`
	}
	if err := json.Unmarshal(body, &index); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	all := strings.Join(index.Endpoints, "\n")
	for _, want := range []string{"/gateway.do", gateway.V3PathOAuthToken, gateway.V3PathAppAuthToken, gateway.V3PathAppAuthQuery,
		gateway.AuthorizePagePath, gateway.AppToAppPagePath, "/emulator/authcode", "/emulator/phone", "/emulator/openuserinfo", "/emulator/fault"} {
		if !strings.Contains(all, want) {
			t.Errorf("the index does not list %s:\n%s", want, all)
		}
	}
}
