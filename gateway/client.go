package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Methods the client calls.
const (
	MethodOAuthToken = "alipay.system.oauth.token"
	MethodUserInfo   = "alipay.user.info.share"
)

// Grant types of alipay.system.oauth.token.
const (
	GrantAuthorizationCode = "authorization_code"
	GrantRefreshToken      = "refresh_token"
)

// MaxBodySize bounds what is read of a response: far above any real answer,
// low enough that a runaway server cannot exhaust memory.
const MaxBodySize = 16 << 20

// DiagnosisURL is Alipay's own diagnosis page for a trace id.
func DiagnosisURL(traceID string) string {
	return "https://open.alipay.com/api/errCheck?traceId=" + url.QueryEscape(traceID) + "&source=sdk"
}

// Client calls the gateway for one profile. Its zero fields have useful
// defaults; set them before the first call.
type Client struct {
	profile Profile
	// HTTPClient sends the requests; nil means http.DefaultClient. Timeouts
	// are the caller's: set them here or on the context.
	HTTPClient *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Timestamp pins the v2 timestamp (yyyy-MM-dd HH:mm:ss, China Standard
	// Time) for reproducible signatures; empty means the clock.
	Timestamp string
	// DryRun builds and signs each request without sending it.
	DryRun bool
	// AppAuthToken, when set, makes every call but the app authorization
	// methods act for the merchant app that granted it to this (third-party)
	// app: it is sent as the top-level app_auth_token.
	AppAuthToken string
}

// NewClient validates the profile (see Profile.Validate) and returns a client
// for it.
func NewClient(p Profile) (*Client, error) {
	if p.Protocol == "" {
		p.Protocol = V2
	}
	if p.SignType == "" {
		p.SignType = RSA2
	}
	charset, err := NormalizeCharset(p.Charset)
	if err != nil {
		return nil, err
	}
	p.Charset = charset
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &Client{profile: p}, nil
}

// Profile returns the profile the client was built from.
func (c *Client) Profile() Profile { return c.profile }

// TransportError means no usable answer arrived: no connection, a timeout,
// cancellation, or a body that is not the gateway's JSON.
type TransportError struct {
	Err  error
	Kind TransportKind
}

func (e *TransportError) Error() string { return e.Err.Error() }
func (e *TransportError) Unwrap() error { return e.Err }

// VerificationError means the answer cannot be trusted: its signature failed,
// or a success came unsigned.
type VerificationError struct {
	Status VerifyStatus
	Detail string
}

func (e *VerificationError) Error() string {
	return "response " + string(e.Status) + ": " + e.Detail
}

// Exchange trades an auth code from my.getAuthCode for tokens
// (alipay.system.oauth.token, grant_type=authorization_code).
//
// The trace is returned whatever happens once a request was built, so a
// failed call can still be shown and recorded. The error is nil on success,
// an *APIError when the gateway answered an error, a *VerificationError when
// the answer cannot be trusted, and a *TransportError when there was none.
func (c *Client) Exchange(ctx context.Context, code string) (*Trace, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return nil, errors.New("no auth code: pass the authCode my.getAuthCode returned")
	}
	return c.call(ctx, request{method: MethodOAuthToken, grantType: GrantAuthorizationCode, business: map[string]string{
		"grant_type": GrantAuthorizationCode, "code": code,
	}})
}

// Refresh trades a refresh token for new tokens (grant_type=refresh_token).
// The gateway rotates the refresh token: keep the one it returns.
func (c *Client) Refresh(ctx context.Context, refreshToken string) (*Trace, error) {
	refreshToken = strings.TrimSpace(refreshToken)
	if refreshToken == "" {
		return nil, errors.New("no refresh token: pass the refresh_token of an earlier exchange")
	}
	return c.call(ctx, request{method: MethodOAuthToken, grantType: GrantRefreshToken, business: map[string]string{
		"grant_type": GrantRefreshToken, "refresh_token": refreshToken,
	}})
}

// UserInfo fetches the profile of the user an access token belongs to
// (alipay.user.info.share).
func (c *Client) UserInfo(ctx context.Context, accessToken string) (*Trace, error) {
	accessToken = strings.TrimSpace(accessToken)
	if accessToken == "" {
		return nil, errors.New("no access token: pass the access_token of an earlier exchange")
	}
	return c.call(ctx, request{method: MethodUserInfo, business: map[string]string{"auth_token": accessToken}})
}

// request is one call before it is encoded for a protocol.
type request struct {
	method    string
	grantType string
	// business holds the call's own parameters: grant_type with code or
	// refresh_token, auth_token, or biz_content.
	business map[string]string
	// v3Path and v3Body, when set, are the v3 path and JSON body of a
	// method other than the OAuth ones.
	v3Path, v3Body string
	// appAuthToken is sent in v3's alipay-app-auth-token header.
	appAuthToken string
	// warnings join the trace's.
	warnings []string
	// decode, when set, reads the method's own result into the trace.
	decode func(*Trace)
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) httpClient() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return http.DefaultClient
}

func (c *Client) call(ctx context.Context, r request) (*Trace, error) {
	p := &c.profile
	t := &Trace{
		Time:        c.now(),
		Profile:     p.Name,
		Environment: p.Environment(),
		Protocol:    p.Protocol,
		AppID:       p.AppID,
		Method:      r.method,
		GrantType:   r.grantType,
		SignType:    p.SignType,
		Charset:     p.Charset,
		DryRun:      c.DryRun,
		Warnings:    append(p.Warnings(), r.warnings...),
	}
	r.attachAppAuthToken(c.AppAuthToken, p.Protocol)
	var (
		req *http.Request
		err error
	)
	if p.Protocol == V3 {
		req, err = c.buildV3(ctx, t, r)
	} else {
		req, err = c.buildV2(ctx, t, r)
	}
	if err != nil {
		return nil, err
	}
	if c.DryRun {
		t.Outcome = OutcomeDryRun
		return t, nil
	}
	if err := c.send(t, req); err != nil {
		return t, c.transportFailure(t, err)
	}
	read := c.readV2
	if p.Protocol == V3 {
		read = c.readV3
	}
	if err := read(t); err != nil {
		return t, c.transportFailure(t, err)
	}
	if r.decode != nil {
		r.decode(t)
	}
	return t, t.err()
}

// send performs the request and records the raw answer.
func (c *Client) send(t *Trace, req *http.Request) error {
	start := time.Now()
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodySize+1))
	t.Response = &Response{
		Status:   resp.StatusCode,
		Headers:  flattenHeaders(resp.Header),
		Body:     body,
		Duration: time.Since(start),
	}
	if err != nil {
		return &transportError{kind: TransportReset, err: fmt.Errorf("the connection broke while reading the answer after %d bytes: %w", len(body), err)}
	}
	if len(body) > MaxBodySize {
		t.Response.Body = body[:MaxBodySize]
		return &transportError{kind: TransportTooLarge, err: fmt.Errorf("the answer is larger than %d MB; that is not a gateway answer (check the URL)", MaxBodySize>>20)}
	}
	for _, name := range []string{"trace_id", "alipay-trace-id"} {
		if id := t.Response.Headers[name]; id != "" {
			t.Response.TraceID = id
			t.Response.DiagnosisURL = DiagnosisURL(id)
			break
		}
	}
	if notes := t.Response.Headers[EmulatorNoteHeader]; notes != "" {
		t.Warnings = append(t.Warnings, emulatorWarnings(notes, t.skewWarned)...)
	}
	return nil
}

// newRequestID makes an alipay-request-id as the official Node SDK does (a
// UUID's 32 hex digits, util.ts createRequestId): the caller's id for the
// call, to give Alipay's support when the answer carries no trace id.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// err is what the call returns for the trace's outcome.
func (t *Trace) err() error {
	switch t.Outcome {
	case OutcomeGatewayError:
		return t.Error
	case OutcomeUntrusted:
		return &VerificationError{Status: t.Verification.Status, Detail: t.Verification.Detail}
	}
	return nil
}

// settle decides the outcome from verification and result: a failed
// signature is never trusted; an unsigned error is still an error; an
// unsigned success is untrusted. Skipped verification is already among the
// profile's warnings.
func (t *Trace) settle() {
	status := t.Verification.Status
	t.Outcome = outcomeOf(status, t.Error != nil)
	if status == VerifiedNormalized {
		// The detail opens with what was normalized: whitespace, or the
		// charset the content was re-encoded in.
		t.Warnings = append(t.Warnings, summaryOf(t.Verification.Detail))
	}
}

// outcomeOf is the outcome of an answer from its verification and whether
// it is an error.
func outcomeOf(status VerifyStatus, isError bool) Outcome {
	switch {
	case status == VerifyFailed:
		return OutcomeUntrusted
	case isError:
		return OutcomeGatewayError
	case status == Unsigned:
		return OutcomeUntrusted
	}
	return OutcomeSuccess
}

func flattenHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	return out
}
