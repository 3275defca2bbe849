package cli

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"aliauth/gateway/emulator"
)

// slowGateway is the emulator answering after a long delay, behind a proxy
// that says when each request has arrived, so a test interrupts a call that
// is truly in flight.
func slowGateway(t testing.TB) (flags []string, arrived <-chan struct{}, srv *emulator.Server) {
	t.Helper()
	srv, flags = standalone(t)
	srv.Arm(emulator.Fault{Kind: emulator.FaultDelay, Delay: time.Minute, Count: 10})
	target, err := url.Parse(srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	ch := make(chan struct{}, 10)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ch <- struct{}{}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	for i, f := range flags {
		switch f {
		case "--gateway":
			flags[i+1] = front.URL + "/gateway.do"
		case "--endpoint":
			flags[i+1] = front.URL
		}
	}
	return flags, ch, srv
}

// TestInterruptedCallIsStillRecorded cancels the context of a call while the
// gateway is still working on it, as Ctrl-C does: the exchange is recorded
// all the same (the code may be spent), and says it was cancelled.
func TestInterruptedCallIsStillRecorded(t *testing.T) {
	dir := isolate(t)
	db := filepath.Join(dir, "h.db")
	flags, arrived, srv := slowGateway(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	var out, errOut strings.Builder
	status := Main(ctx, append([]string{"exchange", mint(t, srv, "auth_user"), "--history", db}, flags...), Streams{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut})
	if status != ExitTransport {
		t.Fatalf("interrupted call exits %d\n%s%s", status, out.String(), errOut.String())
	}
	mustContain(t, "output", out.String(), "cancelled", "recorded as history #1")
	list, _, _ := run(t, "", "history", "list", "--history", db)
	mustContain(t, "history", list, "transport-error", "cancelled")
}

// TestSignalledProcessRecordsItsCall sends the running program a real
// SIGINT, then a SIGTERM, during a slow call: each call is recorded.
func TestSignalledProcessRecordsItsCall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	// Built before isolate moves HOME, so the build cache is the user's.
	bin := filepath.Join(t.TempDir(), "aliauth")
	build := exec.Command("go", "build", "-o", bin, "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dir := isolate(t)
	db := filepath.Join(dir, "h.db")
	flags, arrived, srv := slowGateway(t)
	for i, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		cmd := exec.Command(bin, append([]string{"exchange", mint(t, srv, "auth_user"), "--history", db}, flags...)...)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		select {
		case <-arrived:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatal("the call never reached the gateway")
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		var exit *exec.ExitError
		if err := cmd.Wait(); !errors.As(err, &exit) || exit.ExitCode() != ExitTransport {
			t.Fatalf("%v: %v\n%s", sig, err, out.String())
		}
		mustContain(t, sig.String(), out.String(), "recorded as history #"+string(rune('1'+i)))
	}
	list, _, _ := run(t, "", "history", "list", "--history", db)
	if n := strings.Count(list, "cancelled"); n != 2 {
		t.Fatalf("%d of 2 signalled calls recorded:\n%s", n, list)
	}
}
