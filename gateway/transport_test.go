package gateway_test

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"testing"
)

// rewriting is a transport that changes a request before it leaves and an
// answer as it arrives, over real HTTP: it stands in for a proxy, a web
// framework, or a program that reads the body in another charset.
type rewriting struct {
	request  func(*http.Request)
	response func(*http.Response)
}

func (rw rewriting) RoundTrip(req *http.Request) (*http.Response, error) {
	if rw.request != nil {
		req = req.Clone(req.Context())
		rw.request(req)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && rw.response != nil {
		rw.response(resp)
	}
	return resp, err
}

// through makes the peer's client send through rw.
func (p *peer) through(rw rewriting) {
	p.client.HTTPClient = &http.Client{Transport: rw}
}

// readAll drains a body for rewriting.
func readAll(t testing.TB, r io.ReadCloser) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	return b
}

// setRequestBody replaces a request's body.
func setRequestBody(req *http.Request, body []byte) {
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
}

// setResponseBody replaces an answer's body.
func setResponseBody(resp *http.Response, body []byte) {
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
}
