package gateway

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Code kinds a landing carries: a user's auth_code (publicAppAuthorize.htm)
// or a merchant's app_auth_code (appToAppAuth.htm).
const (
	KindAuthCode    = "auth_code"
	KindAppAuthCode = "app_auth_code"
)

// Why a catcher refuses a landing.
var (
	ErrStateMismatch = errors.New("the redirect's state does not match the authorization that was started, so it is not this authorization's answer (an old tab, or a forged link)")
	ErrNoCode        = errors.New("the redirect carries no auth_code or app_auth_code (the user declined, or the page was opened by hand)")
	ErrSecondCode    = errors.New("a code was already received for this authorization; this one was not used")
)

// Landing is one browser redirect that reached the catcher: Alipay sending
// the user back with app_id, source, scope, auth_code and state.
type Landing struct {
	Time time.Time
	// URL is the path and query as received.
	URL  string
	Kind string
	Code string
	// AppID, Scope, Source (alipay_wallet) and State as Alipay sent them.
	AppID  string
	Scope  string
	Source string
	State  string
	// Err is nil for the code to exchange, else why it was refused
	// (ErrStateMismatch, ErrNoCode, ErrSecondCode).
	Err error
}

// ParseLanding reads a redirect URL (or its query) the way the catcher does,
// without checking state: for the landed URL a user pastes.
func ParseLanding(raw string) (Landing, error) {
	query := raw
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		query = raw[i+1:]
	}
	values, err := url.ParseQuery(strings.TrimSpace(query))
	if err != nil {
		return Landing{}, fmt.Errorf("the redirect URL's query does not parse: %w", err)
	}
	l := landingOf(values)
	l.URL = raw
	if l.Code == "" {
		return l, ErrNoCode
	}
	return l, nil
}

func landingOf(q url.Values) Landing {
	l := Landing{
		Kind:   KindAuthCode,
		Code:   q.Get("auth_code"),
		AppID:  q.Get("app_id"),
		Scope:  q.Get("scope"),
		Source: q.Get("source"),
		State:  q.Get("state"),
	}
	if l.Code == "" && q.Get("app_auth_code") != "" {
		l.Kind, l.Code = KindAppAuthCode, q.Get("app_auth_code")
	}
	return l
}

// CatcherAddr is where a catcher for redirectURI listens: listen when
// given; with no redirect URI, a free loopback port (the catcher's own
// address becomes the redirect); for a loopback redirect URI, its own
// address. Empty means the redirect goes to another machine and nothing
// forwards it here, so the landed URL has to be pasted (ParseLanding).
func CatcherAddr(redirectURI, listen string) string {
	switch {
	case listen != "":
		return listen
	case redirectURI == "":
		return "127.0.0.1:0"
	case !IsLoopbackURL(redirectURI):
		return ""
	}
	u, _ := url.Parse(redirectURI)
	if u.Port() != "" {
		return u.Host
	}
	return net.JoinHostPort(u.Hostname(), map[string]string{"http": "80", "https": "443"}[u.Scheme])
}

// IsLoopbackURL reports whether a URL names this machine's loopback, which
// a phone cannot reach.
func IsLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Hostname(), "localhost") {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}

// CatcherConfig sets up a redirect catcher.
type CatcherConfig struct {
	// Addr is where to listen; empty means 127.0.0.1:0 (a free loopback port).
	Addr string
	// RedirectURI is the public redirect URI when it is not the catcher's own
	// address (a tunnel to it): the catcher serves its path. Empty means
	// http://<listening address>/callback.
	RedirectURI string
	// State is the state the authorization was started with; a landing
	// with another state is refused.
	State string
	// StartURL, when set, is served as a redirect at /a on the catcher: a
	// short link to put in the QR code instead of the long authorization URL,
	// for phones that reach the catcher through the tunnel.
	StartURL string
}

// Catcher serves the redirect path of an authorization, answers the browser
// with a small page, and delivers what landed on Landings. The first code
// with the right state is the one to exchange; anything else is delivered
// with Err set, so it can be shown.
type Catcher struct {
	addr        string
	redirectURI string
	path        string
	state       string
	startURL    string
	srv         *http.Server
	done        chan error
	landings    chan Landing
	now         func() time.Time

	mu       sync.Mutex
	accepted string

	closeOnce sync.Once
	closeErr  error
}

// StartPath is where the catcher serves the short link to StartURL.
const StartPath = "/a"

// landingBuffer is how many landings wait for a reader before more are
// dropped: a flood of requests cannot block the server.
const landingBuffer = 16

// ListenCatcher starts a catcher.
func ListenCatcher(cfg CatcherConfig) (*Catcher, error) {
	if cfg.State == "" {
		return nil, errors.New("redirect catcher: no state; start the authorization first (Authorize.URL returns it)")
	}
	addr := cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("redirect catcher: listen on %s: %w", addr, err)
	}
	redirect := cfg.RedirectURI
	if redirect == "" {
		redirect = "http://" + ln.Addr().String() + defaultRedirectPath
	} else if err := CheckRedirectURI(redirect); err != nil {
		ln.Close()
		return nil, err
	}
	u, _ := url.Parse(redirect)
	path := u.Path
	if path == "" {
		path = "/"
	}
	c := &Catcher{
		addr:        ln.Addr().String(),
		redirectURI: redirect,
		path:        path,
		state:       cfg.State,
		startURL:    cfg.StartURL,
		done:        make(chan error, 1),
		landings:    make(chan Landing, landingBuffer),
		now:         time.Now,
	}
	c.srv = &http.Server{Handler: c, ReadHeaderTimeout: 10 * time.Second}
	go func() { c.done <- c.srv.Serve(ln) }()
	return c, nil
}

// Addr is the address the catcher listens on: what a tunnel forwards to.
func (c *Catcher) Addr() string { return c.addr }

// RedirectURI is the redirect URI to put in the authorization URL.
func (c *Catcher) RedirectURI() string { return c.redirectURI }

// ShortLink is the short link to the start URL on the redirect URI's origin,
// empty when no start URL was configured.
func (c *Catcher) ShortLink() string {
	if c.startURL == "" {
		return ""
	}
	u, _ := url.Parse(c.redirectURI)
	return u.Scheme + "://" + u.Host + StartPath
}

// Landings delivers every redirect that reached the catcher's path.
func (c *Catcher) Landings() <-chan Landing { return c.landings }

// Close stops serving; Landings is not closed, so a reader selects on its
// own context.
func (c *Catcher) Close() error {
	c.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		err := c.srv.Shutdown(ctx)
		if serveErr := <-c.done; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
			err = serveErr
		}
		c.closeErr = err
	})
	return c.closeErr
}

// ServeHTTP answers the redirect path and the short link; everything else
// (a browser's /favicon.ico) is not found and not delivered.
func (c *Catcher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == StartPath && c.startURL != "":
		http.Redirect(w, r, c.startURL, http.StatusFound)
		return
	case r.URL.Path != c.path || (r.Method != http.MethodGet && r.Method != http.MethodHead):
		http.NotFound(w, r)
		return
	}
	l := landingOf(r.URL.Query())
	l.Time = c.now()
	l.URL = r.URL.RequestURI()
	status, page := c.judge(&l)
	if page.deliver {
		select {
		case c.landings <- l:
		default:
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_ = landingPage().Execute(w, page)
}

// pageData is what the browser is told.
type pageData struct {
	Title   string
	Message string
	Params  [][2]string
	deliver bool
}

// judge decides what a landing is and fills Err.
func (c *Catcher) judge(l *Landing) (int, pageData) {
	params := landingParams(l)
	switch {
	case l.State != c.state:
		l.Err = ErrStateMismatch
		return http.StatusBadRequest, pageData{
			Title:   "Wrong state: this code was not used",
			Message: fmt.Sprintf("The state in this redirect (%q) is not the state of the authorization aliauth started, so it is not its answer: an old tab, another run, or a forged link. Start the authorization again from aliauth.", l.State),
			Params:  params, deliver: true,
		}
	case l.Code == "":
		l.Err = ErrNoCode
		return http.StatusBadRequest, pageData{
			Title:   "No code in this redirect",
			Message: "Alipay sends the browser back with auth_code once the user agrees. This redirect has none: the user declined, or the address was opened by hand. Start the authorization again from aliauth.",
			Params:  params, deliver: true,
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch c.accepted {
	case "":
		c.accepted = l.Code
		return http.StatusOK, pageData{
			Title:   "Code received",
			Message: "aliauth has the " + l.Kind + " and is exchanging it now. You can close this tab and go back to the terminal.",
			Params:  params, deliver: true,
		}
	case l.Code:
		return http.StatusOK, pageData{
			Title:   "Code already received",
			Message: "aliauth already has this code (the page was reloaded). You can close this tab.",
			Params:  params,
		}
	}
	l.Err = ErrSecondCode
	return http.StatusConflict, pageData{
		Title:   "A second code: not used",
		Message: "aliauth already received a code for this authorization and exchanged that one. Codes are single-use: to try again, start a new authorization from aliauth.",
		Params:  params, deliver: true,
	}
}

// landingParams lists what arrived, the code masked: the page may be
// screenshotted or left open.
func landingParams(l *Landing) [][2]string {
	m := map[string]string{"app_id": l.AppID, "scope": l.Scope, "source": l.Source, "state": l.State}
	if l.Code != "" {
		m[l.Kind] = Mask(l.Code)
	}
	var out [][2]string
	for k, v := range m {
		if v != "" {
			out = append(out, [2]string{k, v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// landingPage is the catcher's answer to the browser; html/template escapes
// every value the redirect carried. It is parsed the first time a redirect
// arrives, not when the program starts.
var landingPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("landing").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>aliauth: {{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}code{background:#f2f2f2;padding:0 .2em}</style>
</head><body>
<h1>{{.Title}}</h1>
<p id="message">{{.Message}}</p>
{{if .Params}}<ul>{{range .Params}}<li><code>{{index . 0}}</code> = <code>{{index . 1}}</code></li>{{end}}</ul>{{end}}
<p><small>aliauth redirect catcher</small></p>
</body></html>
`))
})
