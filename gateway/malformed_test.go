package gateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"aliauth/gateway"
)

// answering is a client for a gateway that answers every call with body.
func answering(t testing.TB, protocol gateway.Protocol, status int, body []byte) *gateway.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	c, err := gateway.NewClient(gateway.Profile{Name: "test", Protocol: protocol, Gateway: srv.URL + "/gateway.do", Endpoint: srv.URL,
		AppID: "2021000000000001", PrivateKey: loadKey(t, "app_private_key.pem"), AlipayPublicKey: &loadKey(t, "alipay_private_key.pem").PublicKey})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// signedNode is a v2 body whose node is content, signed with the test
// Alipay key over exactly those bytes.
func signedNode(t testing.TB, node, content string) []byte {
	t.Helper()
	sign, err := gateway.SignBytes(loadKey(t, "alipay_private_key.pem"), gateway.RSA2, []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(`{"` + node + `":` + content + `,"sign":"` + sign + `"}`)
}

// A node whose content is not JSON is no answer at all: a transport
// failure that says where, never a success, with the raw bytes kept, a
// trace that serialises, and its tokens masked though nothing decodes.
func TestMalformedNodeIsATransportFailure(t *testing.T) {
	const token = "authusrB0123456789abcdef0123456789abcdef"
	tokenNode := gateway.NodeName(gateway.MethodOAuthToken)
	cases := []struct {
		name     string
		protocol gateway.Protocol
		status   int
		body     []byte
		at       int
	}{
		{"missing comma", gateway.V2, 200, []byte(`{"error_response":{"code":"40002" "msg":"Invalid Arguments"},"sign":"eA=="}`), 34},
		{"control character", gateway.V2, 200, []byte("{\"error_response\":{\"code\":\"40002\",\"msg\":\"a\x01b\"}}"), 42},
		{"signed success", gateway.V2, 200, signedNode(t, tokenNode, `{"access_token":"`+token+`","user_id":2088 1}`), 112},
		{"v3 nested", gateway.V3, 200, []byte(`{"access_token":"` + token + `","links":[{"link":"x",}]}`), 80},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, err := answering(t, c.protocol, c.status, c.body).Exchange(context.Background(), "code")
			var te *gateway.TransportError
			if !errors.As(err, &te) || te.Kind != gateway.TransportNotJSON {
				t.Fatalf("error %v (%T), want a not-json transport error", err, err)
			}
			if tr.Outcome != gateway.OutcomeTransportError || tr.Tokens != nil || tr.Error != nil {
				t.Errorf("outcome %s, tokens %v, error %v", tr.Outcome, tr.Tokens, tr.Error)
			}
			if want := "malformed JSON at byte " + itoa(c.at); !strings.Contains(tr.TransportError, want) {
				t.Errorf("transport error %q does not say %q", tr.TransportError, want)
			}
			if string(tr.Response.Body) != string(c.body) {
				t.Error("the raw body was not kept")
			}
			out, err := json.Marshal(tr)
			if err != nil {
				t.Fatalf("the trace does not serialise: %v", err)
			}
			masked, _ := json.Marshal(tr.Redact(gateway.Mask))
			if strings.Contains(string(c.body), token) && strings.Contains(string(masked), token) {
				t.Errorf("the token is not masked in an undecodable answer: %s", masked)
			}
			var back gateway.Trace
			if err := json.Unmarshal(out, &back); err != nil || string(back.Response.Body) != string(c.body) {
				t.Errorf("round trip: %v", err)
			}
		})
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// A trace id is the gateway's to choose: in the diagnosis link it is one
// query value, whatever it holds.
func TestDiagnosisURLEscapesTheTraceID(t *testing.T) {
	if got, want := gateway.DiagnosisURL("0b1f&source=evil#x"), "https://open.alipay.com/api/errCheck?traceId=0b1f%26source%3Devil%23x&source=sdk"; got != want {
		t.Errorf("DiagnosisURL = %s, want %s", got, want)
	}
	if got := gateway.DiagnosisURL("bf13b35320260504040000cf756629c815"); got != "https://open.alipay.com/api/errCheck?traceId=bf13b35320260504040000cf756629c815&source=sdk" {
		t.Errorf("DiagnosisURL of a real trace id = %s", got)
	}
}
