package doctor

import (
	"fmt"
	"time"

	"aliauth/gateway"
)

// Auth code lifetimes: my.getAuthCode's codes are short-lived, three
// minutes for some, and none lives past a day.
const (
	codeShortLife = 3 * time.Minute
	codeLongLife  = 24 * time.Hour
)

// CodeUse is an exchange of an auth code that history recorded.
type CodeUse struct {
	ID      int64
	Time    time.Time
	Profile string
	AppID   string
	Outcome gateway.Outcome
}

// CodeFacts are what is known of a failed auth code besides its trace.
type CodeFacts struct {
	// Uses are the exchanges of the same code in history, oldest first; the
	// failed one itself may be among them.
	Uses []CodeUse
	// Obtained is when the code was minted or pasted; zero when unknown.
	Obtained time.Time
	// ObtainedHow says how: "minted by the emulator", "pasted".
	ObtainedHow string
	// RedirectAppID is the app_id of the pasted redirect URL; "" when the
	// code was not pasted as one.
	RedirectAppID string
}

// IsCodeInvalid reports a trace that failed because of its auth code.
func IsCodeInvalid(t *gateway.Trace) bool {
	if t == nil || t.Error == nil || t.GrantType != gateway.GrantAuthorizationCode {
		return false
	}
	code := t.Error.SubCode
	if code == "" {
		code = t.Error.Code
	}
	return code == "isv.code-invalid" || code == "isv.unmatched-app-id"
}

func codeCheck(subject string, status Status, finding, fix string) Check {
	return Check{Group: GroupCode, Subject: subject, Status: status, Finding: finding, Fix: fix}
}

// TriageCode says which of the causes of isv.code-invalid holds for a
// failed exchange: the code was exchanged before, it is too old, it was
// issued to another app, or to another environment. Failed marks a cause
// that holds, Warning one that may, OK one ruled out, Skipped one that
// cannot be told. It returns nothing for a trace that did not fail so.
func TriageCode(t *gateway.Trace, f CodeFacts) []Check {
	if !IsCodeInvalid(t) {
		return nil
	}
	var out []Check
	out = append(out, triageReuse(t, f))
	out = append(out, triageAge(t, f))
	out = append(out, triageApp(t, f)...)
	return out
}

// earlier are the other exchanges of the code made before t.
func earlier(t *gateway.Trace, uses []CodeUse) []CodeUse {
	var out []CodeUse
	for _, u := range uses {
		if u.ID != t.ID && (t.ID == 0 || u.ID < t.ID) && !u.Time.After(t.Time) {
			out = append(out, u)
		}
	}
	return out
}

func describeUse(u CodeUse) string {
	return fmt.Sprintf("history #%d at %s (profile %s, app %s)", u.ID, gateway.LocalTime(u.Time), u.Profile, u.AppID)
}

func triageReuse(t *gateway.Trace, f CodeFacts) Check {
	before := earlier(t, f.Uses)
	for _, u := range before {
		if u.Outcome == gateway.OutcomeSuccess {
			return codeCheck("used before", Failed, "this code was already exchanged, in "+describeUse(u)+": codes are single-use",
				"get a fresh code from my.getAuthCode for every exchange, and exchange each exactly once (a retry loop or a page reload exchanging it twice is the usual cause)")
		}
	}
	for _, u := range before {
		if u.Outcome == gateway.OutcomeTransportError || u.Outcome == gateway.OutcomeUntrusted {
			return codeCheck("used before", Warning, "this code was sent before, in "+describeUse(u)+", which got no usable answer: the gateway may have spent it then",
				"get a fresh code from my.getAuthCode")
		}
	}
	if len(before) > 0 {
		return codeCheck("used before", OK, "sent before only in "+describeUse(before[0])+", which the gateway refused, so it was not spent there", "")
	}
	return codeCheck("used before", OK, "not exchanged before, as far as this history knows", "")
}

func triageAge(t *gateway.Trace, f CodeFacts) Check {
	obtained, how := f.Obtained, f.ObtainedHow
	if before := earlier(t, f.Uses); len(before) > 0 && (obtained.IsZero() || before[0].Time.Before(obtained)) {
		obtained, how = before[0].Time, fmt.Sprintf("first seen in history #%d", before[0].ID)
	}
	if obtained.IsZero() {
		return codeCheck("age", Skipped, "unknown: aliauth does not know when my.getAuthCode issued this code (codes live from 3 minutes to a day)", "")
	}
	age := t.Time.Sub(obtained).Round(time.Second)
	if age < 0 {
		age = 0
	}
	finding := fmt.Sprintf("%s old when exchanged (%s at %s)", age, how, gateway.LocalTime(obtained))
	switch {
	case age > codeLongLife:
		return codeCheck("age", Failed, finding+": no auth code lives past a day", "exchange a code as soon as my.getAuthCode returns it")
	case age > codeShortLife:
		return codeCheck("age", Warning, finding+": codes can expire after 3 minutes", "exchange a code as soon as my.getAuthCode returns it")
	}
	return codeCheck("age", OK, finding+", well within a code's life", "")
}

func triageApp(t *gateway.Trace, f CodeFacts) []Check {
	var out []Check
	v3Mismatch := t.Error.Code == "isv.unmatched-app-id" || t.Error.SubCode == "isv.unmatched-app-id"
	switch {
	case f.RedirectAppID != "" && f.RedirectAppID != t.AppID:
		out = append(out, codeCheck("app", Failed, fmt.Sprintf("the redirect URL's app_id is %s, and the code was exchanged as app %s: a code belongs to the app that asked for it", f.RedirectAppID, t.AppID),
			"exchange it with the profile of app "+f.RedirectAppID+", or have the mini program run under app "+t.AppID))
	case v3Mismatch:
		out = append(out, codeCheck("app", Failed, "the gateway says the code was issued to another app (isv.unmatched-app-id)",
			"exchange it with the app id the mini program runs under"))
	case f.RedirectAppID != "":
		out = append(out, codeCheck("app", OK, "the redirect URL's app_id is this profile's, "+t.AppID, ""))
	default:
		out = append(out, codeCheck("app", Skipped, "unknown: paste the whole redirect URL (it carries app_id) to compare the app the code was issued to", ""))
	}
	if f.RedirectAppID != "" && !t.DryRun {
		sandboxCode := gateway.IsSandboxAppID(f.RedirectAppID)
		switch {
		case sandboxCode && t.Environment == gateway.EnvProduction:
			out = append(out, codeCheck("environment", Failed, "the code was issued to a sandbox app ("+f.RedirectAppID+") and exchanged with production",
				"exchange sandbox codes with the sandbox gateway, "+gateway.SandboxGateway))
		case !sandboxCode && t.Environment == gateway.EnvSandbox:
			out = append(out, codeCheck("environment", Failed, "the code was issued to a production app ("+f.RedirectAppID+") and exchanged with the sandbox",
				"exchange production codes with the production gateway, "+gateway.ProductionGateway))
		}
	}
	return out
}
