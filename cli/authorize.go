package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"golang.org/x/term"

	"aliauth/config"
	"aliauth/gateway"
	"aliauth/ui"
)

const authorizeAbout = `Get a real auth code: build the authorization URL of the active profile (Alipay's production or
sandbox page, or the emulator's), show it as a QR code and a link, catch the browser's redirect, and
exchange the code at once (alipay.system.oauth.token, or with --app alipay.open.auth.token.app).
The exchange is printed and recorded like aliauth exchange's, and its outcome is the exit status;
3 when no redirect arrives in time.

Alipay sends the code only to the domain of the app's 授权回调地址 (redirect_uri in the profile, checked
here). A phone must reach that address, so run a tunnel to this machine and catch the code locally:
  cloudflared tunnel --url http://127.0.0.1:8080       (or: ngrok http 8080)
  aliauth authorize --redirect-uri https://<the tunnel's host>/callback --listen 127.0.0.1:8080
With --redirect-uri on another machine and no --listen, paste the address the browser landed on.
Against the built-in emulator everything stays on this machine: open the link in a browser.`

func (a *app) runAuthorize(ctx context.Context, args []string) error {
	var o options
	fs := a.newFlagSet("authorize", "[--scope auth_user|auth_base] [--redirect-uri URL] [--listen ADDR] [--app] [flags]", authorizeAbout)
	o.profileFlags(fs)
	scope := fs.String("scope", gateway.ScopeAuthUser, "auth_user (the profile, for alipay.user.info.share) or auth_base (the user id only)")
	redirect := fs.String("redirect-uri", "", "where Alipay sends the browser back (default: redirect_uri of the profile, else the catcher's own address)")
	fs.StringVar(&o.Listen, "listen", "", "where the redirect catcher listens, like 127.0.0.1:8080: what the tunnel forwards to (env ALIAUTH_LISTEN, listen in the profile)")
	appAuth := fs.Bool("app", false, "third-party app authorization (appToAppAuth.htm): a merchant authorizes this app, and its app_auth_code is exchanged")
	state := fs.String("state", "", "the state to send (default: a random one); a redirect with another state is refused")
	wait := fs.Duration("wait", 10*time.Minute, "how long to wait for the redirect")
	fs.BoolVar(&o.jsonOut, "json", false, "print the exchange's trace as one JSON object (tokens masked unless --reveal)")
	fs.BoolVar(&o.reveal, "reveal", false, "show the code and tokens in full")
	fs.BoolVar(&o.verbose, "v", false, "show every step of the exchange")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "give up waiting for the gateway after this long")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, args, 0, 0, "no arguments"); err != nil {
		return err
	}
	if *appAuth && flagSet(fs, "scope") {
		return usageError("--scope is for a user's authorization; an app authorization (--app) has none")
	}

	c, err := a.openCall(ctx, &o)
	if err != nil {
		return err
	}
	defer c.close()
	plan, err := planAuthorization(c.session.Config, c.session.Client.Profile(), *redirect, *appAuth)
	if err != nil {
		return err
	}
	plan.scope, plan.state = *scope, *state
	if err := plan.start(); err != nil {
		return err
	}
	defer plan.close()

	a.presentAuthorization(plan, *wait)
	l, err := a.awaitLanding(ctx, plan, o.reveal, *wait)
	if err != nil {
		return err
	}
	callCtx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if l.Kind == gateway.KindAppAuthCode {
		t, err := c.session.Client.AppAuthExchange(callCtx, l.Code)
		return a.finishCall(ctx, &o, c, t, err, callHooks{})
	}
	t, err := c.session.Client.Exchange(callCtx, l.Code)
	return a.finishCall(ctx, &o, c, t, err, callHooks{explain: codeTriage(l.URL)})
}

// flagSet reports whether a flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// authorization is one authorization under way: where it starts, where the
// browser comes back, and whether this machine catches it.
type authorization struct {
	profile     gateway.Profile
	appAuth     bool
	page        string
	scope       string
	state       string
	redirectURI string
	// listen is the catcher's address; empty means no catcher: the landed
	// URL is pasted.
	listen  string
	url     string
	catcher *gateway.Catcher
	// notes are what the user must know before starting.
	notes []string
}

// planAuthorization decides the page, the redirect and the catcher's
// address from the profile and the flags: the redirect is --redirect-uri,
// else the profile's 授权回调地址, else the catcher's own loopback address;
// the catcher listens on --listen, else on a loopback redirect's own
// address; a redirect elsewhere with no --listen is pasted.
func planAuthorization(cfg *config.Profile, prof gateway.Profile, redirect string, appAuth bool) (*authorization, error) {
	z := &authorization{profile: prof, appAuth: appAuth, redirectURI: redirect, listen: cfg.Listen}
	var err error
	if appAuth {
		z.page, err = prof.AppToAppPage()
	} else {
		z.page, err = prof.AuthorizePage()
	}
	if err != nil {
		return nil, usage(err)
	}
	if z.redirectURI == "" {
		z.redirectURI = cfg.RedirectURI
	}
	if z.listen != "" {
		if _, _, err := net.SplitHostPort(z.listen); err != nil {
			return nil, usageError("--listen %q is not host:port, like 127.0.0.1:8080 (listen in the profile, ALIAUTH_LISTEN)", z.listen)
		}
	}
	alipay := prof.Environment() == gateway.EnvProduction || prof.Environment() == gateway.EnvSandbox
	switch {
	case z.redirectURI == "" && alipay:
		z.notes = append(z.notes, "Alipay sends the code only to the domain of the app's 授权回调地址, and this redirect is this machine's loopback: set redirect_uri in the profile (or pass --redirect-uri) on that domain, served by a tunnel to --listen (aliauth authorize -h shows how)")
	case z.redirectURI != "":
		if err := cfg.CheckRedirect(z.redirectURI); err != nil {
			return nil, usage(err)
		}
		if cfg.RedirectURI == "" && alipay {
			z.notes = append(z.notes, "Alipay sends the code only to the domain of the app's 授权回调地址; set it as redirect_uri in the profile and aliauth checks this redirect against it")
		}
	}
	z.listen = gateway.CatcherAddr(z.redirectURI, z.listen)
	return z, nil
}

// start builds the URL and starts the catcher. A redirect through a
// tunnel gets a short link on the catcher, for a QR code that fits.
func (z *authorization) start() error {
	var err error
	if z.redirectURI == "" {
		if z.state == "" {
			z.state = gateway.NewState()
		}
		if z.catcher, err = gateway.ListenCatcher(gateway.CatcherConfig{Addr: z.listen, State: z.state}); err != nil {
			return usage(err)
		}
		z.redirectURI = z.catcher.RedirectURI()
	}
	if z.appAuth {
		z.url, z.state, err = gateway.AppToAppAuthorize{Page: z.page, AppID: z.profile.AppID, RedirectURI: z.redirectURI, State: z.state}.URL()
	} else {
		z.url, z.state, err = gateway.Authorize{Page: z.page, AppID: z.profile.AppID, Scope: z.scope, RedirectURI: z.redirectURI, State: z.state}.URL()
	}
	if err != nil {
		z.close()
		return usage(err)
	}
	if z.catcher != nil || z.listen == "" {
		return nil
	}
	cfg := gateway.CatcherConfig{Addr: z.listen, RedirectURI: z.redirectURI, State: z.state}
	if !gateway.IsLoopbackURL(z.redirectURI) {
		cfg.StartURL = z.url
	}
	if z.catcher, err = gateway.ListenCatcher(cfg); err != nil {
		return usage(err)
	}
	return nil
}

func (z *authorization) close() {
	if z.catcher != nil {
		_ = z.catcher.Close()
	}
}

// kind is the code this authorization brings back.
func (z *authorization) kind() string {
	if z.appAuth {
		return gateway.KindAppAuthCode
	}
	return gateway.KindAuthCode
}

// presentAuthorization tells the user where to go: the page, the redirect,
// the URL as a link, then the QR code fitted to the terminal (of the short
// link when the whole URL does not fit) and one line saying what to do, so
// the code is whole on screen even when the lines above scroll away. It
// goes to standard error, so standard output holds only the exchange.
func (a *app) presentAuthorization(z *authorization, wait time.Duration) {
	w := a.stderr
	env := z.profile.Environment()
	if env == gateway.EnvEmulator {
		env = "the emulator (not Alipay)"
	}
	what := "Authorize app " + z.profile.AppID + " (" + z.scope + ") on " + env
	if z.appAuth {
		what = "Authorize third-party app " + z.profile.AppID + " for a merchant's app on " + env
	}
	fmt.Fprintln(w, what)
	where := "(paste the address it lands on)"
	if z.catcher != nil {
		where = "(caught on " + z.catcher.Addr() + ")"
	}
	field(w, "redirect_uri", z.redirectURI+"   "+where)
	field(w, "state", z.state)
	for _, n := range z.notes {
		field(w, "!", n)
	}
	cols, rows, terminal := a.terminalSize()
	// The link is built here from the profile's page and escaped
	// parameters; hyperlink refuses anything that could end the sequence.
	link := z.url
	if terminal {
		link = hyperlink(z.url, z.url)
	}
	fmt.Fprintf(w, "  %-14s %s\n", "open", link)
	// Below the code: the line saying what to do, and the cursor's.
	qrText, qrNote := fitQR(z, cols, rows-2, terminal && !a.lightBackground())
	if qrNote != "" {
		field(w, "QR code", qrNote)
	}
	if qrText != "" {
		fmt.Fprintln(w, qrText)
	}
	todo := "Scan it with the Alipay app (扫一扫) or open the link"
	if qrText == "" {
		todo = "Open the link and agree"
	}
	if z.catcher != nil {
		d := wait.String()
		if strings.HasSuffix(d, "m0s") {
			d = strings.TrimSuffix(d, "0s")
		}
		todo += "; waiting up to " + d + "…"
	}
	fmt.Fprintln(w, todo)
}

// fitQR draws the QR code of the URL in cols x rows, else of the short
// link, else none, with a note saying which and why.
func fitQR(z *authorization, cols, rows int, darkInk bool) (text, note string) {
	full, err := ui.NewQRCode(z.url)
	if err != nil {
		return "", "none: " + err.Error()
	}
	if text, ok := full.Fit(cols, rows, darkInk); ok {
		return text, ""
	}
	need, needRows := full.Dimensions(1)
	short := ""
	if z.catcher != nil {
		short = z.catcher.ShortLink()
	}
	if short != "" {
		if q, err := ui.NewQRCode(short); err == nil {
			if text, ok := q.Fit(cols, rows, darkInk); ok {
				return text, fmt.Sprintf("of the short link %s\n(it leads to the page; the whole URL needs %dx%d cells)", short, need, needRows)
			}
		}
	}
	return "", fmt.Sprintf("not shown: it needs %dx%d cells and the terminal leaves %dx%d; enlarge it, or open the link", need, needRows, cols, max(rows, 0))
}

// terminalSize is the size of the terminal standard error writes to, or
// 80x24 when it is not one.
func (a *app) terminalSize() (cols, rows int, terminal bool) {
	if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if c, r, err := term.GetSize(int(f.Fd())); err == nil && c > 0 && r > 0 {
			return c, r, true
		}
	}
	return 80, 24, false
}

// lightBackground asks the terminal whether its background is light, for
// the QR code's ink.
func (a *app) lightBackground() bool {
	in, inOK := a.stdin.(*os.File)
	out, outOK := a.stderr.(*os.File)
	if !inOK || !outOK || !term.IsTerminal(int(in.Fd())) {
		return false
	}
	return !lipgloss.HasDarkBackground(in, out)
}

// hyperlink is text that opens target when clicked, in terminals that know
// OSC 8; anything in target that could end or escape the sequence makes it
// plain text.
func hyperlink(target, text string) string {
	for _, r := range target {
		if r < 0x21 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return text
		}
	}
	return "\x1b]8;;" + target + "\x1b\\" + text + "\x1b]8;;\x1b\\"
}

// awaitLanding waits for the code: from the catcher, refusing what it
// refuses, or, with no catcher, from the landed URL pasted on standard
// input.
func (a *app) awaitLanding(ctx context.Context, z *authorization, reveal bool, wait time.Duration) (gateway.Landing, error) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	var landings <-chan gateway.Landing
	var pasted <-chan pasteLine
	if z.catcher != nil {
		landings = z.catcher.Landings()
	} else {
		fmt.Fprintf(a.stderr, "Paste the address the browser landed on (%s?%s=…&state=…), then enter:\n", z.redirectURI, z.kind())
		done := make(chan struct{})
		defer close(done)
		pasted = readLines(a.stdin, done)
	}
	for {
		var l gateway.Landing
		select {
		case <-ctx.Done():
			return l, ctx.Err()
		case <-timer.C:
			return l, noAnswer("no redirect arrived within %s; start again with aliauth authorize (--wait sets how long to wait)", wait)
		case l = <-landings:
		case p := <-pasted:
			if p.err != nil {
				return l, usageError("no landed address on standard input (%v); paste it, or exchange it later with aliauth exchange 'URL'", p.err)
			}
			if strings.TrimSpace(p.text) == "" {
				continue
			}
			l, l.Err = gateway.ParseLanding(p.text)
			if l.Err == nil && l.State != z.state {
				l.Err = gateway.ErrStateMismatch
			}
		}
		shown := l.URL
		if !reveal && l.Code != "" {
			shown = strings.ReplaceAll(shown, l.Code, gateway.Mask(l.Code))
		}
		if l.Err != nil {
			field(a.stderr, "refused", l.Err.Error()+"\n"+shown)
			continue
		}
		if l.AppID != "" && l.AppID != z.profile.AppID {
			field(a.stderr, "!", "the redirect names app "+l.AppID+", not "+z.profile.AppID+": the code belongs to the app that started the authorization")
		}
		got := "the " + l.Kind + " arrived"
		if l.Scope != "" {
			got += " · scope " + l.Scope
		}
		if l.Source != "" {
			got += " · source " + l.Source
		}
		field(a.stderr, "received", got+"; exchanging it now\n"+shown)
		return l, nil
	}
}

// pasteLine is one line read from standard input, or why there is none.
type pasteLine struct {
	text string
	err  error
}

// readLines delivers standard input line by line until it ends or done is
// closed.
func readLines(r io.Reader, done <-chan struct{}) <-chan pasteLine {
	out := make(chan pasteLine)
	go func() {
		send := func(l pasteLine) bool {
			select {
			case out <- l:
				return true
			case <-done:
				return false
			}
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 4096), 64<<10)
		for sc.Scan() {
			if !send(pasteLine{text: sc.Text()}) {
				return
			}
		}
		err := sc.Err()
		if err == nil {
			err = errors.New("it ended")
		}
		send(pasteLine{err: err})
	}()
	return out
}
