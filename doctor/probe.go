package doctor

import (
	"context"
	"fmt"
	"strings"

	"aliauth/gateway"
	"aliauth/keys"
)

// probeToken is the access token the probe sends: one no gateway issued, so
// the call fails once the signature is accepted, and changes nothing.
const probeToken = "aliauthdoctorprobe0000"

// acceptedCodes are the answers that prove the gateway checked the request's
// signature and went on to refuse what it should: the dummy token, or an API
// the app has not been granted.
var acceptedCodes = map[string]bool{
	"aop.invalid-auth-token":           true,
	"isv.invalid-auth-token":           true,
	"aop.auth-token-time-out":          true,
	"isv.invalid-auth-relations":       true,
	"isv.insufficient-isv-permissions": true,
}

func probeCheck(subject string, status Status, finding, fix string) Check {
	return Check{Group: GroupProbe, Subject: subject, Status: status, Finding: finding, Fix: fix}
}

// probe makes one call that must fail harmlessly: alipay.user.info.share
// with a dummy token. The gateway checks the signature first, so refusing the
// token proves it accepts this app's signature; an invalid-signature answer
// is explained with the string-to-sign comparison.
func probe(ctx context.Context, r *Report, s *Setup, l *loaded, o Options) {
	if !o.Probe {
		return
	}
	if o.Offline {
		r.add(probeCheck("signature", Skipped, "not made: offline", ""))
		return
	}
	if l.private == nil {
		r.add(probeCheck("signature", Skipped, "not made: the app private key cannot be used (see above)", ""))
		return
	}
	p := gateway.Profile{
		Name: s.Name, Emulator: s.Emulator, Protocol: s.Protocol, AppID: s.AppID,
		Gateway: s.URL, Endpoint: s.URL, PrivateKey: l.private,
		SignType: gateway.SignType(strings.ToUpper(s.SignType)), Charset: s.Charset,
		AlipayRootCertSN: l.rootSN,
	}
	if l.appCert != nil {
		p.AppCertSN = keys.CertSN(l.appCert)
	}
	if len(l.alipayCerts) > 0 {
		p.AlipayCertSN = keys.CertSN(l.alipayCerts[0])
	}
	if !l.alipayIsApp {
		p.AlipayPublicKey = l.verifyKey()
	}
	c, err := gateway.NewClient(p)
	if err != nil {
		r.add(probeCheck("signature", Skipped, "not made: "+err.Error(), ""))
		return
	}
	c.HTTPClient = o.httpClient()
	t, err := c.UserInfo(ctx, probeToken)
	if t == nil {
		r.add(probeCheck("signature", Skipped, "not made: "+err.Error(), ""))
		return
	}
	judgeProbe(r, t)
}

// judgeProbe says what the gateway's answer to the probe proves.
func judgeProbe(r *Report, t *gateway.Trace) {
	switch {
	case t.TransportError != "":
		r.add(probeCheck("signature", Failed, "no usable answer: "+t.TransportError, t.TransportHint()))
		return
	case t.Error == nil:
		r.add(probeCheck("signature", OK, "the gateway accepted the call (it took the dummy token, which no real gateway should)", ""))
	default:
		judgeProbeError(r, t.Error)
	}
	v := t.Verification
	if v == nil {
		return
	}
	switch {
	case v.Status.Passed():
		r.add(probeCheck("answer", OK, "the answer verifies with the Alipay public key ("+string(v.Status)+")", ""))
	case v.Status == gateway.Skipped:
		r.add(probeCheck("answer", Skipped, "not verified: no usable Alipay public key", ""))
	case v.Status == gateway.Unsigned:
		r.add(probeCheck("answer", Skipped, "the gateway left this answer unsigned, as it leaves some errors, so it proves nothing of the Alipay public key", ""))
	default:
		r.add(probeCheck("answer", Failed, "the answer does not verify with the configured Alipay public key: "+v.Detail,
			"configure the Alipay public key of this app and this environment (sandbox and production keys differ)"))
	}
}

func judgeProbeError(r *Report, e *gateway.APIError) {
	code := e.SubCode
	if code == "" {
		// v3 names gateway-level errors without v2's prefix.
		code = gateway.V2Code(e.Code)
	}
	switch {
	case acceptedCodes[code] || e.Code == "20001":
		r.add(probeCheck("signature", OK, "the gateway accepted this app's signature: it refused only the dummy access token ("+code+"), as intended", ""))
	case code == "isv.invalid-signature":
		finding := "the gateway refused this app's signature (isv.invalid-signature)"
		fix := "upload the public half of this app private key in the Alipay console, for this app and this environment"
		if d := e.SignatureDiff; d != nil {
			finding += ": " + d.Summary
			if d.Offset >= 0 {
				fix = "make the string aliauth signs match the gateway's (the difference is above)"
			}
		}
		r.add(probeCheck("signature", Failed, finding, fix))
	case code == "isv.invalid-app-id":
		r.add(probeCheck("signature", Failed, "the gateway does not know this app id ("+code+"): it is not an app of this environment, or not online",
			"check the app id against the console, sandbox ids against the sandbox"))
	case code == "isv.invalid-timestamp":
		r.add(probeCheck("signature", Failed, "the gateway refused the timestamp ("+code+"): this machine's clock is off", "set the clock right (see the clock checks)"))
	case strings.Contains(code, "cert"):
		r.add(probeCheck("signature", Failed, fmt.Sprintf("the gateway refused the certificates (%s: %s)", code, e.SubMsg),
			"configure the three certificates of this app, downloaded together from the Alipay console"))
	default:
		hint := e.Meaning
		if hint == "" {
			hint = e.SubMsg
		}
		r.add(probeCheck("signature", Warning, fmt.Sprintf("the gateway answered %s (%s), so it is not clear that it accepts the signature", code, hint), e.Hint))
	}
}
