package emulator_test

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// faultCase is one fault and what a user of the client must see.
type faultCase struct {
	name  string
	fault emulator.Fault
	// call is exchange unless userInfo is set (escaped-slash needs the
	// avatar's slashes).
	userInfo bool
	timeout  time.Duration
	cancel   time.Duration
	outcome  gateway.Outcome
	// kind is the transport failure the client must name.
	kind    gateway.TransportKind
	verify  gateway.VerifyStatus // "" when no answer was verified
	message string               // regexp on the transport error or the verification detail
}

var faultCases = []faultCase{
	{name: "delay within the timeout", fault: emulator.Fault{Kind: emulator.FaultDelay, Delay: 100 * time.Millisecond}, timeout: 5 * time.Second,
		outcome: gateway.OutcomeSuccess, verify: gateway.Verified},
	{name: "delay past a context timeout", fault: emulator.Fault{Kind: emulator.FaultDelay, Delay: 3 * time.Second}, timeout: 150 * time.Millisecond,
		outcome: gateway.OutcomeTransportError, kind: gateway.TransportTimeout, message: `(?i)timeout`},
	{name: "delay, then cancelled", fault: emulator.Fault{Kind: emulator.FaultDelay, Delay: 3 * time.Second}, cancel: 100 * time.Millisecond,
		outcome: gateway.OutcomeTransportError, kind: gateway.TransportCancelled, message: `(?i)cancel`},
	{name: "status 502", fault: emulator.Fault{Kind: emulator.FaultStatus, Status: 502},
		outcome: gateway.OutcomeTransportError, kind: gateway.TransportNotJSON, message: `HTTP 502`},
	{name: "status with none given: 502, as Fault.Status says", fault: emulator.Fault{Kind: emulator.FaultStatus},
		outcome: gateway.OutcomeTransportError, kind: gateway.TransportNotJSON, message: `HTTP 502`},
	{name: "html page with no status given", fault: emulator.Fault{Kind: emulator.FaultHTML},
		outcome: gateway.OutcomeTransportError, kind: gateway.TransportHTML, message: `HTML page`},
	{name: "html page", fault: emulator.Fault{Kind: emulator.FaultHTML, Status: 502},
		outcome: gateway.OutcomeTransportError, kind: gateway.TransportHTML, message: `HTML page`},
	{name: "truncated body", fault: emulator.Fault{Kind: emulator.FaultTruncate},
		outcome: gateway.OutcomeTransportError, kind: gateway.TransportNotJSON, message: `(?i)truncated`},
	{name: "bad signature", fault: emulator.Fault{Kind: emulator.FaultBadSign},
		outcome: gateway.OutcomeUntrusted, verify: gateway.VerifyFailed, message: `(?i)does not match`},
	{name: "no signature on a success", fault: emulator.Fault{Kind: emulator.FaultNoSign},
		outcome: gateway.OutcomeUntrusted, verify: gateway.Unsigned, message: `(?i)no (sign|alipay-signature)`},
	{name: "connection reset", fault: emulator.Fault{Kind: emulator.FaultReset},
		outcome: gateway.OutcomeTransportError, kind: gateway.TransportReset, message: `(?i)reset|connection`},
	{name: "escaped slash on user info", fault: emulator.Fault{Kind: emulator.FaultEscapedSlash}, userInfo: true,
		outcome: gateway.OutcomeSuccess, verify: gateway.VerifiedUnescaped, message: `\\/`},
}

// Every fault against the client over real loopback HTTP: the outcome, the
// exit status of section 8, the verification status, and a message a user
// can act on.
func TestFaultsAgainstTheClient(t *testing.T) {
	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		t.Run(string(protocol), func(t *testing.T) {
			e := newEmulator(t, emulator.Config{})
			s := serve(t, e)
			c := newClient(t, s, protocol)
			access := exchange(t, e, c, emulator.ScopeAuthUser).AccessToken
			for _, fc := range faultCases {
				if protocol == gateway.V3 && fc.fault.Kind == emulator.FaultEscapedSlash {
					continue // v3 signs the body as a whole; there is no node to unescape
				}
				if protocol == gateway.V3 && fc.fault.Kind == emulator.FaultTruncate {
					fc.message = "" // see TestV3TruncatedAnswerIsCalledTruncated
				}
				t.Run(fc.name, func(t *testing.T) {
					ctx := context.Background()
					var cancel context.CancelFunc
					switch {
					case fc.timeout > 0:
						ctx, cancel = context.WithTimeout(ctx, fc.timeout)
					case fc.cancel > 0:
						ctx, cancel = context.WithCancel(ctx)
						time.AfterFunc(fc.cancel, cancel)
					default:
						ctx, cancel = context.WithCancel(ctx)
					}
					defer cancel()
					code := mint(t, e, emulator.DemoAppID, "")
					e.Arm(fc.fault)
					start := time.Now()
					var (
						tr  *gateway.Trace
						err error
					)
					if fc.userInfo {
						tr, err = c.UserInfo(ctx, access)
					} else {
						tr, err = c.Exchange(ctx, code)
					}
					elapsed := time.Since(start)
					checkFaultTrace(t, fc, tr, err)
					if fc.fault.Kind == emulator.FaultDelay && fc.outcome == gateway.OutcomeTransportError && elapsed > time.Second {
						t.Errorf("giving up took %v; the client should stop at its deadline", elapsed)
					}
					// The fault is spent: the next answer is normal.
					e.Disarm()
					if _, err := c.UserInfo(context.Background(), access); err != nil {
						t.Fatalf("after the fault: %v", err)
					}
				})
			}
		})
	}
}

func checkFaultTrace(t *testing.T, fc faultCase, tr *gateway.Trace, err error) {
	t.Helper()
	if tr == nil {
		t.Fatalf("no trace: %v", err)
	}
	if tr.Outcome != fc.outcome {
		t.Fatalf("outcome %s, want %s; err %v", tr.Outcome, fc.outcome, err)
	}
	if fc.kind != "" && (tr.Transport == nil || tr.Transport.Kind != fc.kind || tr.TransportHint() == "") {
		t.Fatalf("transport failure %+v, want kind %s with a hint", tr.Transport, fc.kind)
	}
	var status gateway.VerifyStatus
	if tr.Verification != nil {
		status = tr.Verification.Status
	}
	if status != fc.verify {
		t.Fatalf("verification %q, want %q", status, fc.verify)
	}
	var message string
	switch fc.outcome {
	case gateway.OutcomeSuccess:
		if err != nil {
			t.Fatalf("error %v", err)
		}
		message = tr.Verification.Detail
	case gateway.OutcomeTransportError:
		var te *gateway.TransportError
		if !errors.As(err, &te) || tr.TransportError == "" {
			t.Fatalf("error %T %v, want a transport error", err, err)
		}
		message = tr.TransportError
		if strings.Contains(message, "sign=") {
			t.Errorf("the message carries the signed query: %s", message)
		}
	case gateway.OutcomeUntrusted:
		var ve *gateway.VerificationError
		if !errors.As(err, &ve) || ve.Status != fc.verify {
			t.Fatalf("error %T %v, want a verification error", err, err)
		}
		message = err.Error()
	}
	t.Logf("%s: %s", tr.Outcome, message)
	if fc.message != "" && !regexp.MustCompile(fc.message).MatchString(message) {
		t.Errorf("message %q does not match %s", message, fc.message)
	}
}

// Count semantics: count=N affects exactly N answers, then the gateway is
// itself again; faults armed one after another apply in turn.
func TestFaultCount(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	c := newClient(t, s, gateway.V2)
	ctx := context.Background()
	outcomes := func(n int) []string {
		var out []string
		for range n {
			tr, _ := c.Exchange(ctx, mint(t, e, emulator.DemoAppID, ""))
			out = append(out, string(tr.Outcome))
		}
		return out
	}

	e.Arm(emulator.Fault{Kind: emulator.FaultBadSign, Count: 2})
	if got := strings.Join(outcomes(3), " "); got != "untrusted untrusted success" {
		t.Fatalf("bad-sign count=2: %s", got)
	}

	r := postForm(t, s.URL+"/emulator/fault", url.Values{"kind": {"no-sign"}, "count": {"2"}})
	if r.Status != 200 {
		t.Fatalf("arm: %s", r.Body)
	}
	e.Arm(emulator.Fault{Kind: emulator.FaultStatus, Status: 503})
	if got := strings.Join(outcomes(4), " "); got != "untrusted untrusted transport-error success" {
		t.Fatalf("no-sign count=2 then status: %s", got)
	}

	e.Arm(emulator.Fault{Kind: emulator.FaultHTML, Count: 5})
	e.Disarm()
	if got := strings.Join(outcomes(1), " "); got != "success" {
		t.Fatalf("after Disarm: %s", got)
	}
}

// An unsigned error is still an error (exit 1); an unsigned success is
// untrusted (exit 4).
func TestUnsignedAnswers(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	ctx := context.Background()
	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		t.Run(string(protocol)+" unknown app", func(t *testing.T) {
			c := newClient(t, s, protocol, func(p *gateway.Profile) { p.AppID = "2021009999999999" })
			tr, err := c.Exchange(ctx, mint(t, e, emulator.DemoAppID, ""))
			var apiErr *gateway.APIError
			if !errors.As(err, &apiErr) || tr.Outcome != gateway.OutcomeGatewayError || tr.Verification.Status != gateway.Unsigned {
				t.Fatalf("err %v outcome %s verification %s", err, tr.Outcome, tr.Verification.Status)
			}
			if got := apiErr.SubCode + apiErr.Code; !strings.Contains(got, "invalid-app-id") {
				t.Fatalf("error %+v", apiErr)
			}
		})
		t.Run(string(protocol)+" no-sign on an error", func(t *testing.T) {
			c := newClient(t, s, protocol)
			e.Arm(emulator.Fault{Kind: emulator.FaultNoSign})
			tr, err := c.Exchange(ctx, "no-such-code")
			if tr.Outcome != gateway.OutcomeGatewayError || tr.Verification.Status != gateway.Unsigned {
				t.Fatalf("err %v outcome %s verification %s", err, tr.Outcome, tr.Verification.Status)
			}
		})
		t.Run(string(protocol)+" no-sign on a success", func(t *testing.T) {
			c := newClient(t, s, protocol)
			e.Arm(emulator.Fault{Kind: emulator.FaultNoSign})
			tr, _ := c.Exchange(ctx, mint(t, e, emulator.DemoAppID, ""))
			if tr.Outcome != gateway.OutcomeUntrusted || tr.Verification.Status != gateway.Unsigned {
				t.Fatalf("outcome %s verification %s", tr.Outcome, tr.Verification.Status)
			}
		})
	}
}
