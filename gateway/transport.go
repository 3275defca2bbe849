package gateway

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
)

// TransportKind says why no usable answer arrived, so every renderer can
// say what to do without reading error text.
type TransportKind string

const (
	TransportCancelled TransportKind = "cancelled"
	TransportTimeout   TransportKind = "timeout"
	// TransportDNS: the gateway's host name did not resolve.
	TransportDNS TransportKind = "dns"
	// TransportRefused: nothing listens at the address.
	TransportRefused TransportKind = "refused"
	// TransportReset: the connection broke before the answer was whole.
	TransportReset TransportKind = "reset"
	// TransportTLS: the TLS handshake or the certificate failed.
	TransportTLS TransportKind = "tls"
	// TransportNetwork: any other failure to reach the gateway.
	TransportNetwork TransportKind = "network"
	// TransportHTML: an HTML page answered, not the gateway.
	TransportHTML TransportKind = "html"
	// TransportEmpty: the answer had no body.
	TransportEmpty TransportKind = "empty"
	// TransportNotJSON: the answer is not the gateway's JSON (truncated,
	// malformed, or something else entirely).
	TransportNotJSON TransportKind = "not-json"
	// TransportTooLarge: the answer is larger than any gateway answer.
	TransportTooLarge TransportKind = "too-large"
)

// TransportFailure is why no usable answer arrived and what to do about
// it, as APIError says what an answer meant.
type TransportFailure struct {
	Kind TransportKind `json:"kind"`
	Hint string        `json:"hint"`
}

// Hint says what to do about a failure of this kind.
func (k TransportKind) Hint() string {
	switch k {
	case TransportCancelled:
		return "the call was cancelled; a code that reached the gateway may already be spent, so get a new one"
	case TransportTimeout:
		return "the gateway did not answer in time: retry with a longer timeout, and check the network and the gateway URL"
	case TransportDNS:
		return "the gateway's host name does not resolve: check the spelling of the URL (production " + ProductionGateway + ", sandbox " + SandboxGateway + ") and this machine's DNS"
	case TransportRefused:
		return "nothing answers at that address: check the URL's host and port, and that the server (or the emulator) is running"
	case TransportReset:
		return "the connection broke before the answer was whole: retry; if it keeps happening, a proxy or firewall in between is cutting it"
	case TransportTLS:
		return "the secure connection failed: check the URL is the gateway's (https), the machine's clock, and any proxy that intercepts TLS"
	case TransportHTML:
		return "something other than the gateway answered with a web page: check the gateway URL (production " + ProductionGateway + ", sandbox " + SandboxGateway + ") and any proxy in between"
	case TransportEmpty:
		return "the server answered with nothing: check the gateway URL and retry"
	case TransportNotJSON:
		return "the answer is not the gateway's JSON: check the URL, retry, and read the raw body"
	case TransportTooLarge:
		return "no gateway answer is that large: check the URL"
	}
	return "no answer arrived: check the URL, the network and any proxy (HTTPS_PROXY); retry"
}

// transportError is a failure whose kind is known where it happens.
type transportError struct {
	kind TransportKind
	err  error
}

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// classify finds the kind of a failure from the error's types.
func classify(err error) TransportKind {
	var te *transportError
	var dns *net.DNSError
	var netErr net.Error
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var recordHeader tls.RecordHeaderError
	switch {
	case errors.As(err, &te):
		return te.kind
	case errors.Is(err, context.Canceled):
		return TransportCancelled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return TransportTimeout
	case errors.As(err, &dns):
		return TransportDNS
	case errors.Is(err, syscall.ECONNREFUSED):
		return TransportRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, syscall.EPIPE):
		return TransportReset
	case errors.As(err, &certErr), errors.As(err, &unknownAuthority), errors.As(err, &hostname), errors.As(err, &recordHeader):
		return TransportTLS
	}
	return TransportNetwork
}

// transportFailure records why no usable answer arrived, in words that say
// what happened, and its kind, which says what to do.
func (c *Client) transportFailure(t *Trace, err error) error {
	kind := classify(err)
	var uerr *url.Error
	if errors.As(err, &uerr) {
		// The URL carries the whole signed query; the host says enough.
		err = fmt.Errorf("%s %s: %w", strings.ToUpper(uerr.Op), hostPath(uerr.URL), uerr.Err)
	}
	switch kind {
	case TransportCancelled:
		err = fmt.Errorf("cancelled before the gateway answered: %w", err)
	case TransportTimeout:
		err = fmt.Errorf("no answer from %s in time (timeout): %w", c.profile.URL(), err)
	}
	t.TransportError = err.Error()
	t.Transport = &TransportFailure{Kind: kind, Hint: kind.Hint()}
	t.Outcome = OutcomeTransportError
	return &TransportError{Err: err, Kind: kind}
}

func hostPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Scheme + "://" + u.Host + u.Path
}

// notJSON describes an answer that is not the gateway's JSON.
func notJSON(resp *Response, err error) error {
	body := strings.TrimSpace(resp.BodyText())
	kind, what := TransportNotJSON, "a body that is not the gateway's JSON"
	switch {
	case len(body) == 0:
		kind, what = TransportEmpty, "an empty body"
	case strings.HasPrefix(body, "<"):
		kind, what = TransportHTML, "an HTML page, not the gateway's JSON (a proxy, a load balancer or a wrong URL answered)"
	}
	status := fmt.Sprintf("HTTP %d %s", resp.Status, http.StatusText(resp.Status))
	return &transportError{kind: kind, err: fmt.Errorf("the server answered %s with %s: %w", status, what, err)}
}

// TransportHint is what to do about the trace's transport failure; for a
// trace recorded before failures had kinds, the general advice.
func (t *Trace) TransportHint() string {
	if t.Transport != nil && t.Transport.Hint != "" {
		return t.Transport.Hint
	}
	if t.Response != nil {
		return TransportNotJSON.Hint()
	}
	return TransportNetwork.Hint()
}
