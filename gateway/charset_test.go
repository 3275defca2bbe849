package gateway_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// reencode turns an answer's body from GBK to UTF-8 (toGBK false) or the
// other way, as a program that reads the body in the wrong charset, or a
// proxy, would.
func reencode(t *testing.T, toGBK bool) rewriting {
	return rewriting{response: func(r *http.Response) {
		body := readAll(t, r.Body)
		var err error
		if toGBK {
			body, err = simplifiedchinese.GBK.NewEncoder().Bytes(body)
		} else {
			body, err = simplifiedchinese.GBK.NewDecoder().Bytes(body)
		}
		if err != nil {
			t.Error(err)
		}
		setResponseBody(r, body)
	}}
}

// A signature that fails over non-ASCII content but matches once the content
// is re-encoded between GBK and UTF-8 is a charset mismatch, reported by
// name with its known causes, not a bare failure.
func TestCharsetMismatchIsNamed(t *testing.T) {
	cases := []struct {
		name     string
		protocol gateway.Protocol
		charset  string
		toGBK    bool
		from, to string
	}{
		{"a GBK answer read as UTF-8", gateway.V2, "GBK", false, "UTF-8", "GBK"},
		{"a UTF-8 answer turned into GBK", gateway.V2, "utf-8", true, "GBK", "UTF-8"},
		{"a v3 answer turned into GBK", gateway.V3, "utf-8", true, "GBK", "UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newPeer(t, c.protocol, func(pr *gateway.Profile) { pr.Charset = c.charset })
			tr, err := p.client.Exchange(context.Background(), p.code(t, emulator.ScopeAuthUser))
			if err != nil {
				t.Fatal(err)
			}
			p.through(reencode(t, c.toGBK))
			info, err := p.client.UserInfo(context.Background(), tr.Tokens.AccessToken)
			if err != nil {
				t.Fatalf("user info: %v", err)
			}
			v := info.Verification
			summary := "verified only after re-encoding the content from " + c.from + " to " + c.to
			if v.Status != gateway.VerifiedNormalized || !strings.HasPrefix(v.Detail, summary) || !strings.Contains(v.Detail, "file.encoding") {
				t.Fatalf("verification %s: %s", v.Status, v.Detail)
			}
			if !slices.ContainsFunc(info.Warnings, func(w string) bool { return strings.HasPrefix(w, summary+": a charset mismatch") }) {
				t.Fatalf("warnings %q", info.Warnings)
			}
			if !strings.Contains(v.SignedContent, "市") {
				t.Fatalf("signed content %q", v.SignedContent)
			}
		})
	}

	// Re-encoding is no way around a signature that does not match.
	p := newPeer(t, gateway.V2, func(pr *gateway.Profile) { pr.Charset = "GBK" })
	tr, err := p.client.Exchange(context.Background(), p.code(t, emulator.ScopeAuthUser))
	if err != nil {
		t.Fatal(err)
	}
	p.emu.Arm(emulator.Fault{Kind: emulator.FaultBadSign})
	p.through(reencode(t, false))
	if info, _ := p.client.UserInfo(context.Background(), tr.Tokens.AccessToken); info.Verification.Status != gateway.VerifyFailed {
		t.Fatalf("a bad signature over re-encoded content: %s", info.Verification.Status)
	}
}
