package emulator_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// dropCertSN removes the Alipay certificate SN from every answer, the member
// of a v2 body and the header of a v3 one, leaving what is signed intact.
type dropCertSN struct{}

var certSNMember = regexp.MustCompile(`,"alipay_cert_sn":"[^"]*"`)

func (dropCertSN) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	body = certSNMember.ReplaceAll(body, nil)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	resp.Header.Del("alipay-sn")
	return resp, nil
}

func hasWarning(tr *gateway.Trace, parts ...string) bool {
	return slices.ContainsFunc(tr.Warnings, func(w string) bool {
		for _, p := range parts {
			if !strings.Contains(w, p) {
				return false
			}
		}
		return true
	})
}

// Certificate mode as the official Java SDK checks it: an answer naming an
// Alipay certificate the client does not have means Alipay rotated it, and
// the trace says how to get the new one and check it against the root; a
// success naming none is flagged, as the Java SDK refuses it.
func TestCertificateSNOfTheAnswer(t *testing.T) {
	e := newEmulator(t, emulator.Config{CertMode: true, Dir: certDir(t)})
	s := serve(t, e)
	sn := loadCertSNs(t, e, emulator.DemoAppID)
	old := "0123456789abcdef0123456789abcdef"
	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		t.Run(string(protocol)+" rotated, same key", func(t *testing.T) {
			c := newClient(t, s, protocol, certProfile(sn), func(p *gateway.Profile) { p.AlipayCertSN = old })
			tr, err := c.Exchange(context.Background(), mint(t, e, emulator.DemoAppID, ""))
			if err != nil || tr.Verification.Status != gateway.Verified {
				t.Fatalf("err %v verification %s", err, tr.Verification.Status)
			}
			if !hasWarning(tr, "rotated", sn.alipay, old, "alipay.open.app.alipaycert.download", "alipayRootCert.crt") {
				t.Fatalf("warnings %q", tr.Warnings)
			}
		})
		t.Run(string(protocol)+" rotated, new key", func(t *testing.T) {
			c := newClient(t, s, protocol, certProfile(sn), func(p *gateway.Profile) { p.AlipayCertSN, p.AlipayPublicKey = old, &otherKey.PublicKey })
			tr, err := c.Exchange(context.Background(), mint(t, e, emulator.DemoAppID, ""))
			var verr *gateway.VerificationError
			if !errors.As(err, &verr) || tr.Verification.Status != gateway.VerifyFailed || !strings.Contains(tr.Verification.Detail, "Alipay has rotated its certificate") {
				t.Fatalf("err %v verification %s: %s", err, tr.Verification.Status, tr.Verification.Detail)
			}
		})
		t.Run(string(protocol)+" success without a certificate SN", func(t *testing.T) {
			c := newClient(t, s, protocol, certProfile(sn))
			c.HTTPClient = &http.Client{Transport: dropCertSN{}}
			tr, err := c.Exchange(context.Background(), mint(t, e, emulator.DemoAppID, ""))
			if err != nil || tr.Verification.Status != gateway.Verified || tr.Verification.CertSN != "" {
				t.Fatalf("err %v verification %s cert SN %q", err, tr.Verification.Status, tr.Verification.CertSN)
			}
			if !hasWarning(tr, "names no Alipay certificate", "Java SDK refuses") {
				t.Fatalf("warnings %q", tr.Warnings)
			}
			// An error naming none is what the Java SDK accepts: no warning.
			tr, _ = c.Exchange(context.Background(), "no-such-code")
			if tr.Error == nil || hasWarning(tr, "names no Alipay certificate") {
				t.Fatalf("error %+v, warnings %q", tr.Error, tr.Warnings)
			}
		})
		t.Run(string(protocol)+" identical strings with app_cert_sn sent", func(t *testing.T) {
			c := newClient(t, s, protocol, certProfile(sn), func(p *gateway.Profile) { p.PrivateKey = otherKey })
			tr, err := c.Exchange(context.Background(), mint(t, e, emulator.DemoAppID, ""))
			var apiErr *gateway.APIError
			if !errors.As(err, &apiErr) || apiErr.SignatureDiff == nil || !strings.Contains(apiErr.SignatureDiff.Summary, "app certificate whose SN was sent") {
				t.Fatalf("err %v trace %+v", err, tr.Error)
			}
		})
	}
}
