package emulator_test

import (
	"context"
	"strings"
	"testing"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// A v2 answer cut short is reported as "(truncated?)"; a v3 one must say so
// too, rather than only the JSON decoder's "unexpected end of JSON input".
func TestV3TruncatedAnswerIsCalledTruncated(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	c := newClient(t, s, gateway.V3)
	e.Arm(emulator.Fault{Kind: emulator.FaultTruncate})
	tr, _ := c.Exchange(context.Background(), mint(t, e, emulator.DemoAppID, ""))
	if tr.Outcome != gateway.OutcomeTransportError {
		t.Fatalf("outcome %s", tr.Outcome)
	}
	if !strings.Contains(strings.ToLower(tr.TransportError), "truncated") {
		t.Errorf("a v3 answer cut short is reported as %q; say it was truncated, as v2 does", tr.TransportError)
	}
}
