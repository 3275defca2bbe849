package emulator_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/keys"
)

// The test keys are shared: generating RSA keys per test would make the
// suite slow for nothing. The Alipay and demo app keys are gateway's.
var (
	keyOnce                              sync.Once
	alipayKey, appKey, otherKey, rootKey *rsa.PrivateKey
	keyErr                               error
)

func loadTestKeys(t testing.TB) {
	t.Helper()
	keyOnce.Do(func() {
		load := func(path string) *rsa.PrivateKey {
			k, _, err := keys.LoadPrivateKey(path)
			if err != nil && keyErr == nil {
				keyErr = err
			}
			return k
		}
		alipayKey = load(filepath.Join("..", "testdata", "alipay_private_key.pem"))
		appKey = load(filepath.Join("..", "testdata", "app_private_key.pem"))
		otherKey = load(filepath.Join("testdata", "other_app_private_key.pem"))
		rootKey = load(filepath.Join("testdata", "root_ca_private_key.pem"))
	})
	if keyErr != nil {
		t.Fatal(keyErr)
	}
}

// otherAppID is a second app, registered by tests with otherKey.
const otherAppID = "2021000000000002"

// fakeClock is a clock tests move by hand, shared by emulator and client.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newEmulator makes an emulator with the shared keys unless cfg names others.
func newEmulator(t testing.TB, cfg emulator.Config) *emulator.Emulator {
	t.Helper()
	loadTestKeys(t)
	if cfg.AlipayKey == nil {
		cfg.AlipayKey = alipayKey
	}
	if cfg.DemoAppKey == nil {
		cfg.DemoAppKey = appKey
	}
	e, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// serve listens on a free loopback port until the test ends.
func serve(t testing.TB, e *emulator.Emulator) *emulator.Server {
	t.Helper()
	s, err := emulator.Listen(e, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// registerOther registers the second test app.
func registerOther(t testing.TB, e *emulator.Emulator, signType gateway.SignType) {
	t.Helper()
	loadTestKeys(t)
	if err := e.RegisterApp(otherAppID, &otherKey.PublicKey, signType); err != nil {
		t.Fatal(err)
	}
}

// newClient is a client of the demo app on s.
func newClient(t testing.TB, s *emulator.Server, protocol gateway.Protocol, edit ...func(*gateway.Profile)) *gateway.Client {
	t.Helper()
	p := gateway.Profile{
		Name:            "emulator-test",
		Emulator:        true,
		Protocol:        protocol,
		Gateway:         s.Gateway(),
		Endpoint:        s.Endpoint(),
		AppID:           emulator.DemoAppID,
		PrivateKey:      s.DemoApp().PrivateKey,
		AlipayPublicKey: s.AlipayPublicKey(),
		AlipayKeySource: "the emulator",
	}
	for _, f := range edit {
		f(&p)
	}
	c, err := gateway.NewClient(p)
	if err != nil {
		t.Fatal(err)
	}
	// A transport of its own, whose spare connections are closed before the
	// server shuts down: the server waits for connections that never sent a
	// request.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	t.Cleanup(transport.CloseIdleConnections)
	c.HTTPClient = &http.Client{Transport: transport}
	return c
}

func mint(t testing.TB, e *emulator.Emulator, appID, scope string) string {
	t.Helper()
	code, err := e.MintCode(appID, scope, "")
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// exchange trades a fresh code of the demo app and fails the test unless
// it succeeds.
func exchange(t testing.TB, e *emulator.Emulator, c *gateway.Client, scope string) *gateway.Tokens {
	t.Helper()
	tr, err := c.Exchange(context.Background(), mint(t, e, emulator.DemoAppID, scope))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	return tr.Tokens
}

// ---- v2 on the wire, built by hand as an SDK builds it ----

// v2Params are the parameters an SDK signs for a call of method by appID.
func v2Params(appID, method string, now time.Time, business map[string]string) map[string]string {
	p := map[string]string{
		"app_id":    appID,
		"method":    method,
		"format":    "JSON",
		"charset":   "utf-8",
		"sign_type": "RSA2",
		"timestamp": gateway.Timestamp(now),
		"version":   "1.0",
	}
	for k, v := range business {
		p[k] = v
	}
	return p
}

// signV2 adds the sign over the string to sign in the params' charset.
func signV2(t testing.TB, key *rsa.PrivateKey, params map[string]string) map[string]string {
	t.Helper()
	signType := gateway.SignType(params["sign_type"])
	if signType != gateway.RSA {
		signType = gateway.RSA2
	}
	charset := params["charset"]
	if !strings.EqualFold(charset, "gbk") {
		charset = gateway.CharsetUTF8
	} else {
		charset = gateway.CharsetGBK
	}
	sign, err := gateway.Sign(key, signType, charset, gateway.StringToSign(params))
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string, len(params)+1)
	for k, v := range params {
		out[k] = v
	}
	out["sign"] = sign
	return out
}

// splitV2 encodes params as the official SDKs send them: system parameters
// in the URL query, the rest in the form body, each value's bytes in charset
// percent-encoded. inQuery overrides the split when not nil.
func splitV2(t testing.TB, params map[string]string, charset string, inQuery func(string) bool) (query, form string) {
	t.Helper()
	if inQuery == nil {
		inQuery = gateway.IsSystemParam
	}
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	var q, f []string
	for _, k := range names {
		v := params[k]
		if strings.EqualFold(charset, "gbk") {
			b, err := simplifiedchinese.GBK.NewEncoder().String(v)
			if err != nil {
				t.Fatal(err)
			}
			v = b
		}
		pair := url.QueryEscape(k) + "=" + url.QueryEscape(v)
		if inQuery(k) {
			q = append(q, pair)
		} else {
			f = append(f, pair)
		}
	}
	return strings.Join(q, "&"), strings.Join(f, "&")
}

// rawResponse is an answer exactly as it came off the wire.
type rawResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

func post(t testing.TB, target, contentType, body string) *rawResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return do(t, req)
}

func do(t testing.TB, req *http.Request) *rawResponse {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &rawResponse{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// postV2 sends already signed params, split the SDK way.
func postV2(t testing.TB, s *emulator.Server, params map[string]string) *rawResponse {
	t.Helper()
	query, form := splitV2(t, params, params["charset"], nil)
	return post(t, s.Gateway()+"?"+query, "application/x-www-form-urlencoded;charset="+params["charset"], form)
}

// callV2 signs params with key and sends them.
func callV2(t testing.TB, s *emulator.Server, key *rsa.PrivateKey, params map[string]string) *rawResponse {
	t.Helper()
	return postV2(t, s, signV2(t, key, params))
}

// wire is a v2 body taken apart by position: the whole body must be
// {"<node>":<content>[,"alipay_cert_sn":"..."][,"sign":"..."]} and nothing
// else, so the content's offsets are exact.
type wire struct {
	Node       string
	Content    []byte
	Start, End int
	CertSN     string
	Sign       string
	HasSign    bool
}

var envelopeRE = regexp.MustCompile(`(?s)^\{"([a-z_]+)":(\{.*\})(?:,"alipay_cert_sn":"([0-9a-f_]*)")?(?:,"sign":("(?:[A-Za-z0-9+=]|\\/)*"))?\}$`)

func parseWire(t testing.TB, body []byte) wire {
	t.Helper()
	m := envelopeRE.FindSubmatchIndex(body)
	if m == nil {
		t.Fatalf("the body is not {\"<node>\":{...}[,\"alipay_cert_sn\":...][,\"sign\":...]}:\n%s", body)
	}
	w := wire{Node: string(body[m[2]:m[3]]), Start: m[4], End: m[5], Content: body[m[4]:m[5]]}
	if m[6] >= 0 {
		w.CertSN = string(body[m[6]:m[7]])
	}
	if m[8] >= 0 {
		w.HasSign = true
		if err := json.Unmarshal(body[m[8]:m[9]], &w.Sign); err != nil {
			t.Fatalf("sign %s: %v", body[m[8]:m[9]], err)
		}
	}
	// The client's scanner must find the same extent.
	env, err := gateway.ParseEnvelope(body, methodOfNode(w.Node))
	if err != nil {
		t.Fatalf("gateway.ParseEnvelope: %v", err)
	}
	if env.Start != w.Start || env.End != w.End || env.Sign != w.Sign || env.HasSign != w.HasSign {
		t.Fatalf("gateway.ParseEnvelope finds [%d:%d] sign %v, the body has [%d:%d] sign %v", env.Start, env.End, env.HasSign, w.Start, w.End, w.HasSign)
	}
	return w
}

func methodOfNode(node string) string {
	if node == gateway.ErrorNode {
		return gateway.MethodOAuthToken
	}
	return strings.ReplaceAll(strings.TrimSuffix(node, "_response"), "_", ".")
}

// verifyPKCS1 checks a base64 signature with crypto/rsa directly, so the
// emulator is not judged by the code it shares with the client.
func verifyPKCS1(pub *rsa.PublicKey, signType gateway.SignType, content []byte, sign string) error {
	sig, err := base64.StdEncoding.DecodeString(sign)
	if err != nil {
		return err
	}
	if signType == gateway.RSA {
		sum := sha1.Sum(content)
		return rsa.VerifyPKCS1v15(pub, crypto.SHA1, sum[:], sig)
	}
	sum := sha256.Sum256(content)
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig)
}

// mustVerify checks the wire's sign over its content's exact bytes.
func mustVerify(t testing.TB, w wire, pub *rsa.PublicKey, signType gateway.SignType) {
	t.Helper()
	if !w.HasSign {
		t.Fatalf("%s is unsigned", w.Node)
	}
	if err := verifyPKCS1(pub, signType, w.Content, w.Sign); err != nil {
		t.Fatalf("the sign does not verify over the exact bytes of %s: %v\n%s", w.Node, err, w.Content)
	}
}

// node is the decoded content of an answer, for asserting on fields.
type node map[string]any

func decodeNode(t testing.TB, content []byte) node {
	t.Helper()
	var n node
	if err := json.Unmarshal(content, &n); err != nil {
		t.Fatalf("content %s: %v", content, err)
	}
	return n
}

func (n node) str(k string) string {
	s, _ := n[k].(string)
	return s
}

// ---- v3 on the wire ----

// callV3 signs and sends a v3 request as the SDKs do; edit may change the
// auth before it is signed and the headers after.
func callV3(t testing.TB, s *emulator.Server, key *rsa.PrivateKey, appID, pathQuery, body string, edit func(*gateway.V3Auth, http.Header)) *rawResponse {
	t.Helper()
	auth := gateway.V3Auth{AppID: appID, Nonce: "n" + strconv.FormatInt(time.Now().UnixNano(), 36), Timestamp: strconv.FormatInt(time.Now().UnixMilli(), 10)}
	h := http.Header{}
	if edit != nil {
		edit(&auth, h)
	}
	content := auth.String() + "\n" + "POST" + "\n" + pathQuery + "\n" + body + "\n"
	sign, err := gateway.SignBytes(key, gateway.RSA2, []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	if auth.Sign == "" {
		auth.Sign = sign
	}
	req, err := http.NewRequest(http.MethodPost, s.Endpoint()+pathQuery, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", auth.Header())
	for k, v := range h {
		req.Header[k] = v
	}
	if h.Get("Authorization") == "-" {
		req.Header.Del("Authorization")
	}
	return do(t, req)
}

// v3Signed reports whether a v3 answer carries signature headers, and
// checks them over alipay-timestamp\nalipay-nonce\nbody\n when it does.
func v3Signed(t testing.TB, r *rawResponse, pub *rsa.PublicKey) bool {
	t.Helper()
	ts, nonce, sig := r.Header.Get("alipay-timestamp"), r.Header.Get("alipay-nonce"), r.Header.Get("alipay-signature")
	if sig == "" {
		if ts != "" || nonce != "" {
			t.Fatalf("alipay-timestamp/alipay-nonce without alipay-signature: %v", r.Header)
		}
		return false
	}
	var content bytes.Buffer
	content.WriteString(ts + "\n" + nonce + "\n")
	content.Write(r.Body)
	content.WriteString("\n")
	if err := verifyPKCS1(pub, gateway.RSA2, content.Bytes(), sig); err != nil {
		t.Fatalf("alipay-signature does not verify over timestamp\\nnonce\\nbody\\n: %v\n%s", err, r.Body)
	}
	return true
}

// v3Link is one link of a v3 error as real answers write it.
type v3Link struct {
	Link string `json:"link"`
	Desc string `json:"desc"`
}

// v3ErrorShape is a real v3 error's members in order: code, links (left
// out when there are none), message.
var v3ErrorShape = regexp.MustCompile(`^\{"code":"[^"]+",(?:"links":\[.*\],)?"message":".*"\}$`)

// v3Error decodes a v3 error body and checks its shape: code, links,
// message and nothing else, in that order.
func v3Error(t testing.TB, r *rawResponse) (code, message string, links []v3Link) {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("v3 error body %s: %v", r.Body, err)
	}
	if !v3ErrorShape.Match(r.Body) || json.Unmarshal(m["code"], &code) != nil || json.Unmarshal(m["message"], &message) != nil {
		t.Fatalf("v3 error body is not {code,[links,]message}: %s", r.Body)
	}
	if raw, ok := m["links"]; ok {
		if err := json.Unmarshal(raw, &links); err != nil {
			t.Fatalf("links is not an array of {link,desc}: %s", raw)
		}
	}
	if code == "" || message == "" {
		t.Fatalf("v3 error body %s", r.Body)
	}
	return code, message, links
}

// readFile is os.ReadFile that fails the test.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
