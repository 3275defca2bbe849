package doctor

import (
	"context"
	"net/http"
	"time"
)

// Options say how far the doctor goes.
type Options struct {
	// Probe makes the live probe: one call that must fail harmlessly.
	Probe bool
	// Offline makes no request at all: the clock and the probe are skipped.
	Offline bool
	// HTTPClient makes the requests; nil means one with a 10-second timeout.
	HTTPClient *http.Client
	// Now is the clock certificates are judged against; nil means time.Now.
	Now func() time.Time
	// Local is this machine's zone, for the zone trap; nil means time.Local.
	Local *time.Location
}

func (o Options) httpClient() *http.Client {
	if o.HTTPClient != nil {
		return o.HTTPClient
	}
	return &http.Client{Timeout: 10 * time.Second}
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o Options) local() *time.Location {
	if o.Local != nil {
		return o.Local
	}
	return time.Local
}

// Run audits a setup: what was found reading it, every key and certificate,
// the environment, the clock, and the probe when asked for.
func Run(ctx context.Context, s Setup, o Options) *Report {
	r := &Report{Subject: s.Name}
	r.Checks = append(r.Checks, s.Findings...)
	l := checkMaterial(r, &s, o.now())
	checkEnvironment(r, &s)
	checkClock(ctx, r, &s, o)
	probe(ctx, r, &s, l, o)
	return r
}
