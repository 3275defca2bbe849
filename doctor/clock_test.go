package doctor

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"aliauth/gateway"
)

// gatewayAt is a server whose Date header reads this machine's clock moved
// by skew.
func gatewayAt(t *testing.T, skew time.Duration) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", time.Now().Add(skew).UTC().Format(http.TimeFormat))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/gateway.do"
}

func TestClockSkew(t *testing.T) {
	tests := []struct {
		skew   time.Duration
		status Status
		want   string
	}{
		{0, OK, "agrees with the gateway's Date header"},
		{30 * time.Second, OK, "s behind the gateway's"},
		{-9 * time.Minute, Warning, "ahead of the gateway's: it is drifting"},
		{25 * time.Minute, Failed, "isv.invalid-timestamp"},
		{8 * time.Hour, Failed, "8 hours behind the gateway's: a clock set in the wrong time zone"},
		{-8*time.Hour + 20*time.Second, Failed, "8 hours ahead of"},
	}
	for _, tc := range tests {
		s := newSetup(t, publicKeyMode(), func(s *Setup) { s.URL = gatewayAt(t, tc.skew) })
		r := Run(context.Background(), s, Options{Local: time.UTC})
		wantCheck(t, r, "skew", tc.status, tc.want)
	}
}

func TestClockSkippedWithANote(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/gateway.do"
	srv.Close()
	s := newSetup(t, publicKeyMode(), func(s *Setup) { s.URL = url })
	r := Run(context.Background(), s, Options{})
	wantCheck(t, r, "skew", Skipped, "the gateway did not answer")
	r = Run(context.Background(), s, Options{Offline: true})
	wantCheck(t, r, "skew", Skipped, "offline")
	if r.Worst() != OK {
		t.Errorf("a skipped check weighs: %s", r.Worst())
	}
}

func TestZoneTrap(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	utc := time.UTC
	tests := []struct {
		reader Reader
		zone   *time.Location
		status Status
		want   string
	}{
		{ReaderAliauth, shanghai, OK, "China Standard Time, the zone of Alipay's timestamps"},
		{ReaderAliauth, utc, OK, "UTC (UTC+0); Alipay's timestamps are China Standard Time"},
		{ReaderNode, utc, Warning, "the Node SDK writes the v2 timestamp in the machine's own zone"},
		{ReaderNode, shanghai, OK, "China Standard Time"},
	}
	for _, tc := range tests {
		s := newSetup(t, publicKeyMode(), func(s *Setup) { s.Reader = tc.reader })
		r := Run(context.Background(), s, Options{Offline: true, Local: tc.zone, Now: func() time.Time { return fixtureNow }})
		wantCheck(t, r, "zone", tc.status, tc.want)
	}
	s := newSetup(t, publicKeyMode(), func(s *Setup) { s.Reader, s.Protocol, s.URL = ReaderNode, gateway.V3, gateway.ProductionEndpoint })
	r := Run(context.Background(), s, Options{Offline: true, Local: utc})
	wantCheck(t, r, "zone", OK, "UTC")
}
