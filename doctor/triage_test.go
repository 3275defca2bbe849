package doctor

import (
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
)

func codeInvalid(id int64, at time.Time, env string) *gateway.Trace {
	return &gateway.Trace{ID: id, Time: at, Profile: "demo", AppID: "2021000000000001", Environment: env,
		Method: gateway.MethodOAuthToken, GrantType: gateway.GrantAuthorizationCode, Outcome: gateway.OutcomeGatewayError,
		Error: &gateway.APIError{Code: "40002", SubCode: "isv.code-invalid"}}
}

func use(id int64, at time.Time, outcome gateway.Outcome) CodeUse {
	return CodeUse{ID: id, Time: at, Profile: "sandbox", AppID: "9021000000000001", Outcome: outcome}
}

func findIn(checks []Check, subject string) (Check, bool) {
	for _, c := range checks {
		if c.Subject == subject {
			return c, true
		}
	}
	return Check{}, false
}

func TestTriageCode(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	failed := codeInvalid(12, now, gateway.EnvProduction)
	tests := []struct {
		name    string
		facts   CodeFacts
		subject string
		status  Status
		want    string
	}{
		{"reused code", CodeFacts{Uses: []CodeUse{use(7, now.Add(-time.Minute), gateway.OutcomeSuccess), use(12, now, gateway.OutcomeGatewayError)}},
			"used before", Failed, "already exchanged, in history #7"},
		{"sent before without an answer", CodeFacts{Uses: []CodeUse{use(7, now.Add(-time.Minute), gateway.OutcomeTransportError)}},
			"used before", Warning, "may have spent it"},
		{"refused before", CodeFacts{Uses: []CodeUse{use(7, now.Add(-time.Minute), gateway.OutcomeGatewayError)}},
			"used before", OK, "which the gateway refused"},
		{"first use", CodeFacts{}, "used before", OK, "not exchanged before"},
		{"expired", CodeFacts{Obtained: now.Add(-25 * time.Hour), ObtainedHow: "pasted"}, "age", Failed, "25h0m0s old"},
		{"maybe expired", CodeFacts{Obtained: now.Add(-10 * time.Minute), ObtainedHow: "minted by the emulator"}, "age", Warning, "can expire after 3 minutes"},
		{"fresh", CodeFacts{Obtained: now.Add(-20 * time.Second), ObtainedHow: "minted by the emulator"}, "age", OK, "20s old when exchanged (minted by the emulator"},
		{"age from history", CodeFacts{Uses: []CodeUse{use(7, now.Add(-2*time.Hour), gateway.OutcomeGatewayError)}}, "age", Warning, "first seen in history #7"},
		{"age unknown", CodeFacts{}, "age", Skipped, "unknown"},
		{"another app", CodeFacts{RedirectAppID: "2021000000000009"}, "app", Failed, "app_id is 2021000000000009"},
		{"same app", CodeFacts{RedirectAppID: "2021000000000001"}, "app", OK, "this profile's"},
		{"sandbox code on production", CodeFacts{RedirectAppID: "9021000000000001"}, "environment", Failed, "sandbox app (9021000000000001) and exchanged with production"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checks := TriageCode(failed, tc.facts)
			c, ok := findIn(checks, tc.subject)
			if !ok || c.Status != tc.status || !strings.Contains(c.Finding, tc.want) {
				t.Errorf("%s = %+v, want %s holding %q", tc.subject, c, tc.status, tc.want)
			}
		})
	}
	prod := codeInvalid(3, now, gateway.EnvSandbox)
	c, _ := findIn(TriageCode(prod, CodeFacts{RedirectAppID: "2021000000000001"}), "environment")
	if c.Status != Failed {
		t.Errorf("production code on the sandbox: %+v", c)
	}
	ok := codeInvalid(1, now, gateway.EnvProduction)
	ok.Error = nil
	if TriageCode(ok, CodeFacts{}) != nil {
		t.Error("triage of a call that did not fail")
	}
	v3 := codeInvalid(1, now, gateway.EnvProduction)
	v3.Error = &gateway.APIError{Code: "isv.unmatched-app-id"}
	if c, _ := findIn(TriageCode(v3, CodeFacts{}), "app"); c.Status != Failed {
		t.Errorf("v3 unmatched app: %+v", c)
	}
}
