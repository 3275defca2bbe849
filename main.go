// Command aliauth is a terminal debug console for Alipay OAuth: paste an
// auth code and watch it traded for tokens, every step signed, sent,
// received, verified and explained. With no configuration it runs against
// a built-in emulator of the Alipay gateway.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"aliauth/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Stdio())
	stop()
	os.Exit(code)
}
