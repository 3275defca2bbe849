package emulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"aliauth/gateway"
)

// FaultKind is a way the gateway, or what stands in front of it, misbehaves.
type FaultKind string

// The faults the emulator can inject.
const (
	// FaultDelay answers after Delay: a slow gateway, for timeouts and cancelling.
	FaultDelay FaultKind = "delay"
	// FaultStatus answers HTTP Status (5xx by default) with a short text body.
	FaultStatus FaultKind = "status"
	// FaultHTML answers an HTML error page, as a proxy or load balancer does.
	FaultHTML FaultKind = "html"
	// FaultTruncate cuts the answer in half.
	FaultTruncate FaultKind = "truncate"
	// FaultBadSign sends a signature that does not match.
	FaultBadSign FaultKind = "bad-sign"
	// FaultNoSign leaves the signature out.
	FaultNoSign FaultKind = "no-sign"
	// FaultReset resets the connection without answering.
	FaultReset FaultKind = "reset"
	// FaultEscapedSlash signs the content with plain / and sends it with \/,
	// the case the official Java SDK's fallback exists for.
	FaultEscapedSlash FaultKind = "escaped-slash"
)

// Fault is one armed misbehaviour, for the next Count gateway answers.
type Fault struct {
	Kind FaultKind
	// Delay is the wait for FaultDelay.
	Delay time.Duration
	// Status is the HTTP status for FaultStatus (default 502) and FaultHTML
	// (default 502).
	Status int
	// Count is how many answers it affects; zero means one.
	Count int
}

func (f *Fault) kind() FaultKind {
	if f == nil {
		return ""
	}
	return f.Kind
}

// ParseFault reads a fault as POST /emulator/fault and the command line
// take it: a kind, a value (a duration for delay, a status for status and
// html) and a count.
func ParseFault(kind, value, count string) (Fault, error) {
	f := Fault{Kind: FaultKind(kind), Count: 1}
	if count != "" {
		n, err := strconv.Atoi(count)
		if err != nil || n < 1 {
			return f, fmt.Errorf("count %q is not a positive whole number", count)
		}
		f.Count = n
	}
	switch f.Kind {
	case FaultDelay:
		if value == "" {
			value = "2s"
		}
		d, err := time.ParseDuration(value)
		if err != nil || d < 0 {
			return f, fmt.Errorf("delay value %q is not a duration like 2s or 500ms", value)
		}
		f.Delay = d
	case FaultStatus, FaultHTML:
		if value == "" {
			value = "502"
		}
		n, err := strconv.Atoi(value)
		if err != nil || n < 100 || n > 599 {
			return f, fmt.Errorf("status value %q is not an HTTP status like 502", value)
		}
		f.Status = n
	case FaultTruncate, FaultBadSign, FaultNoSign, FaultReset, FaultEscapedSlash:
	default:
		return f, fmt.Errorf("fault kind %q is not known; use one of delay, status, html, truncate, bad-sign, no-sign, reset, escaped-slash", kind)
	}
	return f, nil
}

// faultQueue holds armed faults; each gateway answer takes from the oldest.
type faultQueue struct {
	mu     sync.Mutex
	armed  []Fault
	remain []int
}

// ArmByName queues the fault a user names, as POST /emulator/fault does:
// kind, its value ("2s", "502" or none) and how many answers it spoils.
func (e *Emulator) ArmByName(kind, value string, count int) error {
	f, err := ParseFault(kind, value, strconv.Itoa(count))
	if err != nil {
		return err
	}
	e.Arm(f)
	return nil
}

// Arm queues a fault for the next gateway answers.
func (e *Emulator) Arm(f Fault) {
	if f.Count <= 0 {
		f.Count = 1
	}
	if f.Status == 0 && (f.Kind == FaultStatus || f.Kind == FaultHTML) {
		f.Status = http.StatusBadGateway // as documented on Fault.Status
	}
	q := &e.faults
	q.mu.Lock()
	defer q.mu.Unlock()
	q.armed = append(q.armed, f)
	q.remain = append(q.remain, f.Count)
}

// Disarm drops every armed fault.
func (e *Emulator) Disarm() {
	q := &e.faults
	q.mu.Lock()
	defer q.mu.Unlock()
	q.armed, q.remain = nil, nil
}

func (q *faultQueue) take() *Fault {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.armed) == 0 {
		return nil
	}
	f := q.armed[0]
	q.remain[0]--
	if q.remain[0] == 0 {
		q.armed, q.remain = q.armed[1:], q.remain[1:]
	}
	return &f
}

// withFaults applies the faults that happen before the gateway sees the
// request; the rest are applied as the answer is written.
func (e *Emulator) withFaults(serve func(http.ResponseWriter, *http.Request, *Fault)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost && r.Method != http.MethodGet {
			http.Error(w, "use POST", http.StatusMethodNotAllowed)
			return
		}
		f := e.faults.take()
		switch f.kind() {
		case FaultDelay:
			// Read the request first: only then does the server notice a client
			// that gives up and hangs up, and stop waiting for it.
			body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
			if err != nil {
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			select {
			case <-time.After(f.Delay):
			case <-r.Context().Done():
				return
			}
		case FaultStatus:
			http.Error(w, http.StatusText(f.Status), f.Status)
			return
		case FaultHTML:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(f.Status)
			fmt.Fprintf(w, "<html><head><title>%d %s</title></head><body><center><h1>%d %s</h1></center><hr><center>Tengine</center></body></html>\n",
				f.Status, http.StatusText(f.Status), f.Status, http.StatusText(f.Status))
			return
		case FaultReset:
			resetConnection(w)
			return
		}
		serve(w, r, f)
	}
}

// resetConnection closes the connection with an RST instead of an answer.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	conn.Close()
}

// writeBody writes an answer, cut in half for FaultTruncate (with a
// Content-Length that matches, so the client reads a clean but incomplete
// body).
func writeBody(w http.ResponseWriter, status int, body []byte, f *Fault) {
	if f.kind() == FaultTruncate {
		body = body[:len(body)/2]
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// corruptSignature flips one bit of a signature, keeping it valid base64.
func corruptSignature(sign string) string {
	raw, err := base64.StdEncoding.DecodeString(sign)
	if err != nil || len(raw) == 0 {
		return "A" + sign
	}
	raw[len(raw)/2] ^= 0x01
	return base64.StdEncoding.EncodeToString(raw)
}

// serveFault arms a fault over HTTP: POST /emulator/fault with
// kind=...&value=...&count=N.
func (e *Emulator) serveFault(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeControlError(w, err.Error())
		return
	}
	f, err := ParseFault(r.Form.Get("kind"), r.Form.Get("value"), r.Form.Get("count"))
	if err != nil {
		writeControlError(w, err.Error())
		return
	}
	e.Arm(f)
	writeJSON(w, http.StatusOK, map[string]any{"armed": f.Kind, "delay": f.Delay.String(), "status": f.Status, "count": f.Count})
}

// serveAuthCode mints a code: POST /emulator/authcode with
// scope=auth_user|auth_base, optional user_id and app_id. It answers in the
// shape of my.getAuthCode's result.
func (e *Emulator) serveAuthCode(w http.ResponseWriter, r *http.Request) {
	appID, ok := e.controlForm(w, r)
	if !ok {
		return
	}
	scope := r.Form.Get("scope")
	if scope == "" {
		scope = ScopeAuthUser
	}
	code, err := e.MintCode(appID, scope, r.Form.Get("user_id"))
	if err != nil {
		writeControlError(w, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"authCode":          code,
		"authErrorScopes":   map[string]string{},
		"authSuccessScopes": []string{scope},
		"app_id":            appID,
		"expires_in":        int(e.cfg.CodeTTL / time.Second),
	})
}

// controlForm reads a control endpoint's form and the app it names (app_id,
// else defaultAppID); when the form cannot be read it answers so, and ok is
// false.
func (e *Emulator) controlForm(w http.ResponseWriter, r *http.Request) (appID string, ok bool) {
	if err := r.ParseForm(); err != nil {
		writeControlError(w, err.Error())
		return "", false
	}
	if appID = r.Form.Get("app_id"); appID == "" {
		appID = e.defaultAppID()
	}
	return appID, true
}

// defaultAppID is the app codes are minted for when none is named: a
// registered user app if there is exactly one, else the demo app.
func (e *Emulator) defaultAppID() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var others []string
	for id := range e.apps {
		if id != DemoAppID {
			others = append(others, id)
		}
	}
	if len(others) == 1 {
		return others[0]
	}
	return DemoAppID
}

func (e *Emulator) serveIndex(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	apps := make([]string, 0, len(e.apps))
	for id := range e.apps {
		apps = append(apps, id)
	}
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"emulator":  "aliauth's local Alipay gateway emulator: not Alipay",
		"apps":      apps,
		"cert_mode": e.certs != nil,
		"endpoints": []string{
			"POST /gateway.do",
			"POST " + strings.Join([]string{gateway.V3PathOAuthToken, gateway.V3PathUserInfo, gateway.V3PathAppAuthToken, gateway.V3PathAppAuthQuery}, ", POST "),
			"GET, POST " + gateway.AuthorizePagePath + " (user authorization: consent, then the redirect with auth_code)",
			"GET, POST " + gateway.AppToAppPagePath + " (app authorization: consent, then the redirect with app_auth_code)",
			"POST /emulator/authcode (my.getAuthCode: scope, user_id, app_id)",
			"POST /emulator/phone (my.getPhoneNumber: case=ok|no-encryption|no-auth|no-permission|busy|unsigned|unquoted, user_id, app_id)",
			"POST /emulator/openuserinfo (my.getOpenUserInfo: case=ok|no-auth|no-permission, user_id)",
			"POST /emulator/fault (kind, value, count)",
		},
	})
}

func writeControlError(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
