package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"aliauth/config"
	"aliauth/ui"
)

// consoleFor prepares the console's options as plain aliauth with args
// would, without drawing it.
func consoleFor(t *testing.T, args ...string) (ui.Options, error) {
	t.Helper()
	a := &app{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, interactive: true}
	var o options
	fs := a.newFlagSet("", "[flags]", "")
	o.profileFlags(fs)
	if _, err := parseArgs(fs, args); err != nil {
		t.Fatal(err)
	}
	opts, finish := a.consoleOptions(context.Background(), &o)
	session, openErr := opts.Opening.Session()
	if session.Client == nil {
		return opts, finish()
	}
	t.Cleanup(func() { finish() })
	opts.Session, opts.OpenError = session, openErr
	opts.History, opts.HistoryError = opts.Opening.History()
	return opts, nil
}

// A profile that cannot be opened does not stop the console: it runs the
// demo, says why, and the picker marks the broken profile.
func TestConsoleOpensOnTheDemoWhenTheProfileIsBroken(t *testing.T) {
	t.Setenv("ALIAUTH_CONFIG", writeConfig(t, isolate(t), `default = "sandbox"

[profiles.sandbox]
gateway = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
app_id = "9021000000000000"
private_key = "~/alipay/sandbox/app_private_key.txt"
alipay_public_key = "~/alipay/sandbox/alipay_public_key.txt"
`))
	opts, err := consoleFor(t)
	if err != nil {
		t.Fatalf("the console did not open: %v", err)
	}
	if opts.OpenError == nil || !strings.Contains(opts.OpenError.Error(), "profile sandbox") || !strings.Contains(opts.OpenError.Error(), "app_private_key.txt") {
		t.Fatalf("the problem is not passed to the console: %v", opts.OpenError)
	}
	if got := opts.Session.Client.Profile().Name; got != config.DemoProfile || opts.Session.MintCode == nil {
		t.Fatalf("the console runs %q, want the demo", got)
	}
	check := opts.Check("sandbox")
	if check.Problem == "" || !strings.Contains(check.About, "sandbox") {
		t.Fatalf("the broken profile checks as %+v", check)
	}
	if demo := opts.Check(config.DemoProfile); demo.Problem != "" {
		t.Fatalf("the demo checks as broken: %+v", demo)
	}
}

// A config file that does not parse still leaves the console working.
func TestConsoleOpensOnTheDemoWhenTheConfigIsBroken(t *testing.T) {
	t.Setenv("ALIAUTH_CONFIG", writeConfig(t, isolate(t), "default = [\n"))
	opts, err := consoleFor(t)
	if err != nil {
		t.Fatalf("the console did not open: %v", err)
	}
	if opts.OpenError == nil || opts.Session.Client.Profile().Name != config.DemoProfile {
		t.Fatalf("error %v, profile %s", opts.OpenError, opts.Session.Client.Profile().Name)
	}
}

// A console that cannot open even the demo (its emulator has nowhere to
// keep its keys) says why and exits as a usage error, as before it drew.
func TestConsoleSaysWhyNothingOpens(t *testing.T) {
	dir := isolate(t)
	t.Setenv("ALIAUTH_CONFIG", writeConfig(t, dir, "default = [\n"))
	blocked := filepath.Join(dir, "file")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_DATA_HOME", blocked)
	_, err := consoleFor(t)
	var exit *exitError
	if err == nil || !errors.As(err, &exit) || exit.code != ExitUsage || !strings.Contains(err.Error(), "config") {
		t.Fatalf("err %v, want the config's problem as a usage error", err)
	}
}
