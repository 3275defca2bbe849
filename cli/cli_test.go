package cli

import (
	"aliauth/gateway"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run runs one command line in-process with its own streams, as a user
// would from a shell, and returns what it printed and its exit status.
func run(t testing.TB, stdin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errOut bytes.Buffer
	status = Main(context.Background(), args, Streams{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut})
	return out.String(), errOut.String(), status
}

// isolate points the data, config and history locations at a fresh
// directory, so tests never touch the user's own.
func isolate(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	// The temporary directory too: a call history cannot record is saved there.
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"XDG_DATA_HOME":   filepath.Join(dir, "data"),
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"HOME":            dir,
		"TMPDIR":          tmp,
	} {
		t.Setenv(k, v)
	}
	for _, k := range []string{"ALIAUTH_PROFILE", "ALIAUTH_GATEWAY", "ALIAUTH_ENDPOINT", "ALIAUTH_PROTOCOL", "ALIAUTH_APP_ID",
		"ALIAUTH_PRIVATE_KEY", "ALIAUTH_ALIPAY_PUBLIC_KEY", "ALIAUTH_APP_CERT", "ALIAUTH_ALIPAY_CERT", "ALIAUTH_ALIPAY_ROOT_CERT",
		"ALIAUTH_SIGN_TYPE", "ALIAUTH_CHARSET", "ALIAUTH_HISTORY", "ALIAUTH_CONFIG", "ALIAUTH_NO_STORE_SECRETS",
		"ALIAUTH_REDIRECT_URI", "ALIAUTH_LISTEN", "ALIAUTH_AES_KEY", "ALIAUTH_APP_AUTH_TOKEN"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	return dir
}

func mustContain(t testing.TB, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}

func TestUsageListsCommandsAndUnknownCommandExits2(t *testing.T) {
	isolate(t)
	out, _, status := run(t, "", "-h")
	if status != 0 {
		t.Fatalf("-h exits %d", status)
	}
	mustContain(t, "usage", out, "exchange", "refresh", "userinfo", "verify", "emulator", "keys", "history", "profiles", "Exit status")
	_, errOut, status := run(t, "", "exchnage", "x")
	if status != ExitUsage {
		t.Fatalf("unknown command exits %d", status)
	}
	mustContain(t, "stderr", errOut, `unknown command "exchnage"`)
}

func TestFlagsMayFollowArguments(t *testing.T) {
	isolate(t)
	_, errOut, status := run(t, "", "exchange", "--bogus", "x")
	if status != ExitUsage {
		t.Fatalf("unknown flag exits %d", status)
	}
	mustContain(t, "stderr", errOut, "flag provided but not defined: -bogus", "aliauth exchange -h")
	_, errOut, status = run(t, "", "exchange")
	if status != ExitUsage {
		t.Fatalf("missing code exits %d", status)
	}
	mustContain(t, "stderr", errOut, "takes one auth code")
}

func TestConsoleNeedsATerminal(t *testing.T) {
	isolate(t)
	_, errOut, status := run(t, "")
	if status != ExitUsage {
		t.Fatalf("console without a terminal exits %d", status)
	}
	mustContain(t, "stderr", errOut, "needs a terminal")
}

func TestOutcomeExitStatus(t *testing.T) {
	want := map[gateway.Outcome]int{gateway.OutcomeSuccess: 0, gateway.OutcomeDryRun: 0, gateway.OutcomeGatewayError: 1, gateway.OutcomeTransportError: 3, gateway.OutcomeUntrusted: 4}
	for o, code := range want {
		if got := outcomeStatus(o); got != code {
			t.Errorf("%s exits %d, want %d", o, got, code)
		}
	}
}

// The command line's own words: a version, an aligned usage, messages that
// name each command once and say each hint once.
func TestCommandLineWording(t *testing.T) {
	isolate(t)
	for _, arg := range []string{"--version", "version"} {
		out, _, status := run(t, "", arg)
		if status != 0 || !strings.HasPrefix(out, "aliauth ") {
			t.Errorf("%s: exit %d, %q", arg, status, out)
		}
	}
	out, _, _ := run(t, "", "-h")
	column := -1
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "  aliauth") {
			continue
		}
		i := strings.Index(line, "  ")
		j := strings.Index(line[i+len("  aliauth"):], "  ") + i + len("  aliauth")
		for j < len(line) && line[j] == ' ' {
			j++
		}
		if column >= 0 && j != column {
			t.Errorf("usage line out of column (%d, want %d): %q", j, column, line)
		}
		column = j
	}
	_, errOut, _ := run(t, "", "exchange")
	if strings.Contains(errOut, "aliauth: aliauth") || !strings.Contains(errOut, "aliauth: exchange takes one auth code") {
		t.Errorf("missing argument: %q", errOut)
	}
	_, errOut, _ = run(t, "", "-bogus")
	if strings.Contains(errOut, "aliauth  ") {
		t.Errorf("console usage: %q", errOut)
	}
	code, _, _ := run(t, "", "emulator", "code")
	run(t, "", "exchange", strings.TrimSpace(code)) // a history to look in
	_, errOut, status := run(t, "", "history", "show", "9999")
	if status != ExitUsage || strings.Count(errOut, "history list") != 1 {
		t.Errorf("history show of an unknown id: exit %d, %q", status, errOut)
	}
}

// A profile that cannot open says how to go on meanwhile.
func TestFailingProfileOffersTheDemo(t *testing.T) {
	isolate(t)
	_, errOut, status := run(t, "", "exchange", "code", "--app-id", "2021", "--gateway", "https://openapi.alipay.com/gateway.do")
	if status != ExitUsage {
		t.Fatalf("exit %d", status)
	}
	mustContain(t, "stderr", errOut, "no app private key", "--private-key", "--profile demo")
}
