// Command aliauth is a terminal debug console for Alipay OAuth: paste an
// auth code and watch it traded for tokens, every step signed, sent,
// received, verified and explained. With no configuration it runs against
// a built-in emulator of the Alipay gateway.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit statuses, as SPEC section 8 fixes them.
const (
	exitOK         = 0
	exitGateway    = 1
	exitUsage      = 2
	exitTransport  = 3
	exitUntrusted  = 4
	exitInterrupts = 130
)

// exitError carries the status a failure exits with.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError is a bad command line or configuration: exit 2.
func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// silentExit exits with a status after the command has already said why.
type silentExit int

func (s silentExit) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// app is one run of the program: its streams and environment, so that tests
// can run commands in-process.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// interactive is true when stdin and stdout are a terminal.
	interactive bool
}

type command struct {
	name    string
	args    string
	summary string
	run     func(a *app, ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"exchange", "CODE", "trade an auth code for tokens (authorization_code grant)", (*app).runExchange},
		{"refresh", "REFRESH_TOKEN", "trade a refresh token for new tokens (refresh_token grant)", (*app).runRefresh},
		{"userinfo", "ACCESS_TOKEN", "fetch the user's profile (alipay.user.info.share)", (*app).runUserInfo},
		{"verify", "[FILE|-]", "verify a raw gateway response offline", (*app).runVerify},
		{"emulator", "[code]", "run the emulator standalone, or mint a code for the demo emulator", (*app).runEmulator},
		{"keys", "gen|check|inspect", "key pairs and certificates", (*app).runKeys},
		{"history", "list|show|export|import|delete|prune", "the local record of every call", (*app).runHistory},
		{"profiles", "[init]", "list named profiles and check them, or write an example config", (*app).runProfiles},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	a := &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, interactive: isTerminal(os.Stdin) && isTerminal(os.Stdout)}
	code := a.main(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// main runs one command line and returns the exit status.
func (a *app) main(ctx context.Context, args []string) int {
	err := a.dispatch(ctx, args)
	var silent silentExit
	var exit *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &silent):
		return int(silent)
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &exit):
		fmt.Fprintln(a.stderr, "aliauth:", exit.err)
		return exit.code
	case ctx.Err() != nil:
		fmt.Fprintln(a.stderr, "aliauth: interrupted")
		return exitInterrupts
	default:
		fmt.Fprintln(a.stderr, "aliauth:", err)
		return exitUsage
	}
}

func (a *app) dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			a.usage(a.stdout)
			return nil
		}
		return a.runConsole(ctx, args)
	}
	switch args[0] {
	case "help":
		a.usage(a.stdout)
		return nil
	case "version", "--version":
		fmt.Fprintln(a.stdout, "aliauth", version())
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(a, ctx, args[1:])
		}
	}
	a.usage(a.stderr)
	return usageError("unknown command %q; the commands are listed above", args[0])
}

func (a *app) usage(w io.Writer) {
	fmt.Fprintln(w, "aliauth: a debug console for Alipay OAuth (alipay.system.oauth.token)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "  aliauth                          open the console (the built-in emulator when nothing is configured)")
	for _, c := range commands() {
		fmt.Fprintf(w, "  aliauth %-24s %s\n", c.name+" "+c.args, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run aliauth COMMAND -h for a command's flags. Exit status: 0 success, 1 gateway error,")
	fmt.Fprintln(w, "2 usage or configuration error, 3 no answer (transport), 4 answer failed verification.")
}
