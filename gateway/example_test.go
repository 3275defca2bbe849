package gateway_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// An auth code traded for tokens against the built-in emulator of the
// gateway, served by httptest: the trace says what happened.
func ExampleClient_Exchange() {
	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer emu.Close()
	srv := httptest.NewServer(emu.Handler())
	defer srv.Close()

	app := emu.DemoApp()
	client, err := gateway.NewClient(gateway.Profile{
		Name:            "example",
		Gateway:         srv.URL + "/gateway.do",
		AppID:           app.ID,
		PrivateKey:      app.PrivateKey,
		AlipayPublicKey: emu.AlipayPublicKey(),
	})
	if err != nil {
		log.Fatal(err)
	}

	// The emulator stands in for the mini program's my.getAuthCode.
	code, err := emu.MintCode(app.ID, emulator.ScopeAuthUser, "")
	if err != nil {
		log.Fatal(err)
	}
	trace, err := client.Exchange(context.Background(), code)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(trace.CallName(), trace.Outcome.Phrase(), "·", trace.Verdict())
	fmt.Println("signed:", trace.Request.StringToSign[:31], "…")
	fmt.Println("verified over", trace.Verification.Node)
	fmt.Println("access token expires in", trace.Tokens.ExpiresIn, "seconds")

	// The same code again: codes are single-use, and the catalog says so.
	trace, err = client.Exchange(context.Background(), code)
	fmt.Println(err)
	fmt.Println(trace.Error.Meaning)
	// Output:
	// exchange success · signature verified
	// signed: app_id=2021000000000001&charset …
	// verified over alipay_system_oauth_token_response
	// access token expires in 1296000 seconds
	// gateway answered isv.code-invalid: 授权码code无效
	// the auth code is not valid: it was already used, it expired, or it was issued to another app
}
