package history_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"aliauth/gateway"
	"aliauth/history"
)

func Example() {
	dir, _ := os.MkdirTemp("", "history-example-")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	store, err := history.Open(ctx, filepath.Join(dir, "history.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	// Every call is recorded as soon as it returns, whatever its outcome.
	trace := &gateway.Trace{
		Time:      time.Date(2025, 11, 20, 9, 30, 0, 0, time.UTC),
		Profile:   "sandbox",
		Protocol:  gateway.V2,
		AppID:     "9021000136612345",
		Method:    "alipay.system.oauth.token",
		GrantType: "authorization_code",
		Outcome:   gateway.OutcomeGatewayError,
		Error:     &gateway.APIError{Code: "40002", Msg: "Invalid Arguments", SubCode: "isv.code-invalid", SubMsg: "授权码code无效"},
	}
	sum, err := store.Record(ctx, trace, false)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("recorded as", sum.ID, "and trace.ID is", trace.ID)

	sums, _ := store.List(ctx, history.Filter{Text: "CODE-INVALID", Limit: 20})
	for _, s := range sums {
		fmt.Println(s.ID, s.Profile, s.Method, s.Outcome, s.SubCode)
	}

	// The console filters an index in memory as the user types.
	index, _ := store.LoadIndex(ctx)
	fmt.Println(len(index.Filter(nil, "sandbox 40002")), "of", index.Len())

	got, _ := store.Get(ctx, sum.ID)
	fmt.Println(got.Error.SubMsg)
	// Output:
	// recorded as 1 and trace.ID is 1
	// 1 sandbox alipay.system.oauth.token gateway-error isv.code-invalid
	// 1 of 1
	// 授权码code无效
}
