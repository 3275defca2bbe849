// Package cli is aliauth's command line: it parses commands and flags, opens
// the profile through config, runs the call, renders its Trace for people
// (or as JSON), and turns the outcome into the exit status. It is the only
// package that prints to the terminal outside the console.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"aliauth/internal/safetext"
)

// Streams are the program's standard streams.
type Streams struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Interactive is true when stdin and stdout are a terminal.
	Interactive bool
}

// Stdio is the process's own streams.
func Stdio() Streams {
	return Streams{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Interactive: isTerminal(os.Stdin) && isTerminal(os.Stdout)}
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// app is one run of the program: its streams, so tests run commands
// in-process.
type app struct {
	stdin       io.Reader
	stdout      io.Writer
	stderr      io.Writer
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
		{"authorize", "[--app]", "get a real code: the authorization page as a QR code, the redirect caught and exchanged", (*app).runAuthorize},
		{"appauth", "exchange|refresh|query", "third-party app authorization: app_auth_code to app_auth_token, refresh it, query it", (*app).runAppAuth},
		{"phone", "[FILE|-]", "verify and decrypt my.getPhoneNumber's response (needs the AES key)", (*app).runPhone},
		{"openuserinfo", "[FILE|-]", "read my.getOpenUserInfo's response and explain its codes", (*app).runOpenUserInfo},
		{"verify", "[FILE|-]", "verify a raw gateway response offline", (*app).runVerify},
		{"emulator", "[code]", "run the emulator standalone, or mint a code for the demo emulator", (*app).runEmulator},
		{"keys", "gen|check|inspect", "key pairs and certificates", (*app).runKeys},
		{"history", "SUBCOMMAND", "the record of every call: list, show, export, import, bundle, delete, prune", (*app).runHistory},
		{"profiles", "[init]", "list named profiles and check them, or write an example config", (*app).runProfiles},
		{"doctor", "[--probe] [--from FILE]", "audit the whole setup: keys, certificates, environment, clock", (*app).runDoctor},
	}
}

// Main runs one command line and returns the exit status.
func Main(ctx context.Context, args []string, s Streams) int {
	a := &app{stdin: s.Stdin, stdout: s.Stdout, stderr: s.Stderr, interactive: s.Interactive}
	err := a.dispatch(ctx, args)
	var silent silentExit
	var exit *exitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &silent):
		return int(silent)
	case errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &exit):
		fmt.Fprintln(a.stderr, "aliauth:", safetext.Text(exit.err.Error()))
		return exit.code
	case ctx.Err() != nil:
		fmt.Fprintln(a.stderr, "aliauth: interrupted")
		return ExitInterrupted
	default:
		fmt.Fprintln(a.stderr, "aliauth:", safetext.Text(err.Error()))
		return ExitUsage
	}
}

func (a *app) dispatch(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "help", "-h", "-help", "--help":
			a.usage(a.stdout)
			return nil
		case "version", "-version", "--version":
			fmt.Fprintln(a.stdout, "aliauth", version())
			return nil
		}
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return a.runConsole(ctx, args)
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
	width := 0
	for _, c := range commands() {
		width = max(width, len(c.name+" "+c.args))
	}
	fmt.Fprintf(w, "  aliauth %-*s  %s\n", width, "", "open the console (the built-in emulator when nothing is configured)")
	for _, c := range commands() {
		fmt.Fprintf(w, "  aliauth %-*s  %s\n", width, c.name+" "+c.args, c.summary)
	}
	fmt.Fprintf(w, "  aliauth %-*s  %s\n", width, "version", "print the version")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run aliauth COMMAND -h for a command's flags. Exit status: 0 success, 1 gateway error,")
	fmt.Fprintln(w, "2 usage or configuration error, 3 no answer (transport), 4 answer failed verification.")
}
