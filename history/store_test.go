package history

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"aliauth/gateway"
)

func mustRecord(t *testing.T, s *Store, tr *gateway.Trace, storeSecrets bool) int64 {
	t.Helper()
	sum, err := s.Record(context.Background(), tr, storeSecrets)
	if err != nil {
		t.Fatal(err)
	}
	if sum.ID != tr.ID || sum.ID == 0 {
		t.Fatalf("Record returned summary #%d for trace #%d", sum.ID, tr.ID)
	}
	return sum.ID
}

func TestRecordGetRoundTrip(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for name, tr := range sampleTraces() {
		t.Run(name, func(t *testing.T) {
			id := mustRecord(t, s, tr, true)
			if tr.ID != id || id <= 0 {
				t.Fatalf("Record returned id %d and set trace.ID %d", id, tr.ID)
			}
			got, err := s.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(tr)
			have, _ := json.Marshal(got)
			if !bytes.Equal(want, have) {
				t.Errorf("Get returned a different trace:\nwant %s\nhave %s", want, have)
			}
			var kind, method string
			s.db.QueryRow("SELECT typeof(json), json_extract(json, '$.method') FROM traces WHERE exchange_id = ?", id).Scan(&kind, &method)
			if kind != "text" || method != tr.Method {
				t.Errorf("the trace is stored as %s whose method reads %q: sqlite3 should read it as JSON", kind, method)
			}
			if tr.Response != nil && !bytes.Equal(got.Response.Body, tr.Response.Body) {
				t.Errorf("response body changed:\nwant %q\nhave %q", tr.Response.Body, got.Response.Body)
			}
		})
	}
}

func TestRecordKeepsGBKBodyBytes(t *testing.T) {
	s := newStore(t)
	tr := sampleTraces()["gbk"]
	raw := slices.Clone(tr.Response.Body)
	id := mustRecord(t, s, tr, true)
	got, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Response.Body, raw) {
		t.Fatalf("GBK body not kept byte for byte:\nwant %x\nhave %x", raw, got.Response.Body)
	}
	if !strings.Contains(got.Response.BodyText(), "授权码code无效") {
		t.Errorf("GBK body does not decode: %s", got.Response.BodyText())
	}
}

func TestSummaryOf(t *testing.T) {
	traces := sampleTraces()
	ex := SummaryOf(traces["exchange"])
	if ex.User != ex.OpenID || ex.OpenID == "" || ex.UserID == "" || !ex.HasSecrets {
		t.Errorf("exchange summary: %+v", ex)
	}
	if ex.AccessExpiresAt.IsZero() || ex.TraceID == "" || ex.HTTPStatus != 200 || ex.VerifyStatus != gateway.Verified {
		t.Errorf("exchange summary misses response fields: %+v", ex)
	}
	ui := SummaryOf(traces["userinfo"])
	if ui.Code != "10000" || ui.User == "" || !ui.HasSecrets {
		t.Errorf("user info summary: %+v", ui)
	}
	er := SummaryOf(traces["error"])
	if er.Code != "40002" || er.SubCode != "isv.code-invalid" || er.Message != "授权码code无效" || er.HasSecrets {
		t.Errorf("error summary: %+v", er)
	}
	tp := SummaryOf(traces["transport"])
	if tp.Outcome != gateway.OutcomeTransportError || tp.Message == "" {
		t.Errorf("transport error summary: %+v", tp)
	}
	if fp := SummaryOf(traces["exchange"].Redact(gateway.Fingerprint)); fp.HasSecrets {
		t.Errorf("a fingerprinted trace has no secrets: %+v", fp)
	}
	if v3 := SummaryOf(traces["v3"]); !v3.HasSecrets {
		t.Errorf("v3 refresh holds its tokens: %+v", v3)
	}
}

// secretsOf lists every token the sample traces carry.
func secretsOf(traces map[string]*gateway.Trace) []string {
	var out []string
	for _, tr := range traces {
		out = append(out, tr.Secrets()...)
	}
	return out
}

// fileContains reports which of the secrets appear in the files.
func fileContains(t *testing.T, secrets []string, paths ...string) []string {
	t.Helper()
	var found []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, sec := range secrets {
			if bytes.Contains(data, []byte(sec)) {
				found = append(found, p+": "+sec)
			}
		}
	}
	return found
}

func TestNoStoreSecrets(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	traces := sampleTraces()
	secrets := secretsOf(traces)
	if len(secrets) < 6 {
		t.Fatalf("the sample traces should carry tokens, found %d", len(secrets))
	}
	for _, tr := range traces {
		before, _ := json.Marshal(tr)
		id := mustRecord(t, s, tr, false)
		tr.ID = 0
		after, _ := json.Marshal(tr)
		if !bytes.Equal(before, after) {
			t.Error("Record changed the caller's trace beyond its ID")
		}
		got, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(got)
		for _, sec := range tr.Secrets() {
			if bytes.Contains(js, []byte(sec)) {
				t.Errorf("stored trace holds token %s", sec)
			}
			if !bytes.Contains(js, []byte(gateway.Fingerprint(sec))) {
				t.Errorf("stored trace lacks the fingerprint of %s", sec)
			}
		}
	}
	sums, err := s.List(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sum := range sums {
		if sum.HasSecrets {
			t.Errorf("exchange %d is listed as holding secrets", sum.ID)
		}
	}
	// While open, the tokens must not be in the log either.
	if found := fileContains(t, secrets, s.Path(), s.Path()+"-wal"); len(found) > 0 {
		t.Errorf("tokens in the database files while open: %v", found)
	}
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if found := fileContains(t, secrets, path, path+"-wal"); len(found) > 0 {
		t.Errorf("tokens in the database files after close: %v", found)
	}
}

func TestDeletedTokensLeaveTheFile(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	tr := sampleTraces()["exchange"]
	id := mustRecord(t, s, tr, true)
	path := s.Path()
	if found := fileContains(t, tr.Secrets(), path, path+"-wal"); len(found) == 0 {
		t.Fatal("the stored tokens should be in the files before the delete")
	}
	if err := s.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if found := fileContains(t, tr.Secrets(), path, path+"-wal"); len(found) > 0 {
		t.Errorf("a deleted exchange's tokens remain in the file: %v", found)
	}
}

func TestExportRedactsUnlessRevealed(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	traces := sampleTraces()
	for _, tr := range traces {
		mustRecord(t, s, tr, true)
	}
	secrets := secretsOf(traces)
	var masked bytes.Buffer
	n, err := s.Export(ctx, &masked, Filter{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(traces) {
		t.Errorf("exported %d traces, want %d", n, len(traces))
	}
	for _, sec := range secrets {
		if bytes.Contains(masked.Bytes(), []byte(sec)) {
			t.Errorf("export without reveal holds token %s", sec)
		}
		if !bytes.Contains(masked.Bytes(), []byte(gateway.Mask(sec))) {
			t.Errorf("export without reveal lacks the masked %s", gateway.Mask(sec))
		}
	}
	var revealed bytes.Buffer
	if _, err := s.Export(ctx, &revealed, Filter{}, true); err != nil {
		t.Fatal(err)
	}
	for _, sec := range secrets {
		if !bytes.Contains(revealed.Bytes(), []byte(sec)) {
			t.Errorf("export with reveal lacks token %s", sec)
		}
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	g := newGenerator(11)
	traces := append(g.traces(200), sampleTraces()["gbk"])
	if _, err := src.Import(ctx, traces, true); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	n, err := src.Export(ctx, &out, Filter{}, true)
	if err != nil || n != len(traces) {
		t.Fatalf("Export = %d, %v; want %d", n, err, len(traces))
	}
	exported := out.String()
	lines := strings.Split(strings.TrimSuffix(exported, "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("export has %d lines for %d traces", len(lines), n)
	}
	var back []*gateway.Trace
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<24)
	var prev time.Time
	for sc.Scan() {
		tr := new(gateway.Trace)
		if err := json.Unmarshal(sc.Bytes(), tr); err != nil {
			t.Fatalf("export line is not a trace: %v", err)
		}
		if tr.ID == 0 {
			t.Error("exported trace has no id")
		}
		if tr.Time.Before(prev) {
			t.Error("export is not oldest first")
		}
		prev = tr.Time
		back = append(back, tr)
	}
	dst := newStore(t)
	if n, err := dst.Import(ctx, back, true); err != nil || n != len(back) {
		t.Fatalf("Import = %d, %v", n, err)
	}
	var again bytes.Buffer
	if _, err := dst.Export(ctx, &again, Filter{}, true); err != nil {
		t.Fatal(err)
	}
	if again.String() != exported {
		t.Error("export, import, export changed the traces")
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	traces := newGenerator(3).traces(10)
	traces[7] = nil
	if _, err := s.Import(ctx, traces, true); err == nil || !strings.Contains(err.Error(), "trace 8 of 10") {
		t.Fatalf("Import with a missing trace: %v", err)
	}
	if n, _ := s.Count(ctx, Filter{}); n != 0 {
		t.Errorf("a failed import stored %d exchanges", n)
	}
}

func TestPrivateKeysNeverStored(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(key)
	pkcs1 := x509.MarshalPKCS1PrivateKey(key)
	pubDER, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	forms := map[string]string{
		"pkcs8 base64": base64.StdEncoding.EncodeToString(pkcs8),
		"pkcs1 base64": base64.StdEncoding.EncodeToString(pkcs1),
		"pkcs8 pem":    string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
		"pkcs1 pem":    string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: pkcs1})),
	}
	public := base64.StdEncoding.EncodeToString(pubDER)
	s := newStore(t)
	ctx := context.Background()
	for name, k := range forms {
		tr := sampleTraces()["error"]
		tr.Warnings = append(tr.Warnings, "app_private_key="+k)
		tr.Request.Body += "&debug=" + k
		tr.Request.Params["alipay_public_key"] = public
		id := mustRecord(t, s, tr, true)
		got, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(got)
		if !bytes.Contains(js, []byte("[private key removed]")) {
			t.Errorf("%s: the key was not replaced", name)
		}
		if got.Request.Params["alipay_public_key"] != public {
			t.Errorf("%s: a public key was taken for a private one", name)
		}
	}
	path := s.Path()
	s.Close()
	// The end of each form holds the private exponent and primes; its start
	// holds the modulus, which the public key shares.
	var needles []string
	for _, der := range [][]byte{pkcs8, pkcs1} {
		b64 := base64.StdEncoding.EncodeToString(der)
		needles = append(needles, b64[len(b64)-140:len(b64)-60])
	}
	for _, k := range forms {
		if strings.HasPrefix(k, "-----") {
			lines := strings.Split(strings.TrimSpace(k), "\n")
			needles = append(needles, lines[len(lines)-3])
		}
	}
	if found := fileContains(t, needles, path, path+"-wal"); len(found) > 0 {
		t.Errorf("private key material in the database: %v", found)
	}
}

func TestGetAndDeleteMissing(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	_, err := s.Get(ctx, 42)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "42") || !strings.Contains(err.Error(), s.Path()) {
		t.Errorf("Get(42) on an empty history: %v", err)
	}
	err = s.Delete(ctx, 42)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "42") {
		t.Errorf("Delete(42) on an empty history: %v", err)
	}
}

func TestDelete(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	var ids []int64
	for _, tr := range newGenerator(5).traces(3) {
		ids = append(ids, mustRecord(t, s, tr, true))
	}
	if err := s.Delete(ctx, ids[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, ids[1]); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
	if n, _ := s.Count(ctx, Filter{}); n != 2 {
		t.Errorf("Count after Delete = %d, want 2", n)
	}
	var traces int
	s.db.QueryRow("SELECT count(*) FROM traces").Scan(&traces)
	if traces != 2 {
		t.Errorf("%d traces remain for 2 exchanges", traces)
	}
	// Ids are never reused, even for the newest exchange.
	if err := s.Delete(ctx, ids[2]); err != nil {
		t.Fatal(err)
	}
	next := mustRecord(t, s, newGenerator(6).traces(1)[0], true)
	if next <= ids[2] {
		t.Errorf("new exchange reuses id %d", next)
	}
}

func TestPrune(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	build := func(t *testing.T) *Store {
		s := newStore(t)
		g := newGenerator(9)
		var traces []*gateway.Trace
		for days := 60; days >= 1; days-- { // one exchange a day, oldest first
			tr := g.trace(now.Add(-time.Duration(days)*24*time.Hour + time.Hour))
			traces = append(traces, tr)
		}
		if _, err := s.Import(ctx, traces, true); err != nil {
			t.Fatal(err)
		}
		return s
	}
	count := func(t *testing.T, s *Store) (exchanges, traces int) {
		exchanges, _ = s.Count(ctx, Filter{})
		s.db.QueryRow("SELECT count(*) FROM traces").Scan(&traces)
		return
	}
	t.Run("older than", func(t *testing.T) {
		s := build(t)
		n, err := s.Prune(ctx, 30*24*time.Hour, 0)
		if err != nil || n != 30 {
			t.Fatalf("Prune(30d) = %d, %v; want 30", n, err)
		}
		if e, tr := count(t, s); e != 30 || tr != 30 {
			t.Errorf("after prune: %d exchanges, %d traces; want 30", e, tr)
		}
		sums, _ := s.List(ctx, Filter{})
		for _, sum := range sums {
			if now.Sub(sum.Time) > 30*24*time.Hour {
				t.Errorf("exchange of %s survived", sum.Time)
			}
		}
	})
	t.Run("keep", func(t *testing.T) {
		s := build(t)
		before, _ := s.List(ctx, Filter{Limit: 10})
		n, err := s.Prune(ctx, 0, 10)
		if err != nil || n != 50 {
			t.Fatalf("Prune(keep 10) = %d, %v; want 50", n, err)
		}
		after, _ := s.List(ctx, Filter{})
		if !slices.Equal(ids(before), ids(after)) {
			t.Errorf("kept %v, want the newest %v", ids(after), ids(before))
		}
		if e, tr := count(t, s); e != 10 || tr != 10 {
			t.Errorf("after prune: %d exchanges, %d traces; want 10", e, tr)
		}
	})
	t.Run("both", func(t *testing.T) {
		s := build(t)
		if n, err := s.Prune(ctx, 30*24*time.Hour, 45); err != nil || n != 30 {
			t.Fatalf("Prune(30d, keep 45) = %d, %v; want 30", n, err)
		}
		if n, err := s.Prune(ctx, 30*24*time.Hour, 5); err != nil || n != 25 {
			t.Fatalf("Prune(30d, keep 5) = %d, %v; want 25", n, err)
		}
	})
	t.Run("nothing said", func(t *testing.T) {
		s := build(t)
		if _, err := s.Prune(ctx, 0, 0); err == nil {
			t.Error("Prune(0, 0) should say what it needs")
		}
		if e, _ := count(t, s); e != 60 {
			t.Errorf("Prune(0, 0) deleted exchanges")
		}
	})
}

func ids(sums []Summary) []int64 {
	out := make([]int64, len(sums))
	for i, s := range sums {
		out[i] = s.ID
	}
	return out
}

func TestConcurrentGoroutines(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		traces := newGenerator(uint64(100 + w)).traces(each)
		wg.Go(func() {
			for _, tr := range traces {
				if _, err := s.Record(ctx, tr, w%2 == 0); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Go(func() { // a reader alongside
		for range 20 {
			if _, err := s.List(ctx, Filter{Limit: 50}); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n, _ := s.Count(ctx, Filter{}); n != workers*each {
		t.Errorf("Count = %d, want %d", n, workers*each)
	}
}

func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"30d":   30 * 24 * time.Hour,
		"2w":    14 * 24 * time.Hour,
		"1d12h": 36 * time.Hour,
		"12h":   12 * time.Hour,
		"90m":   90 * time.Minute,
	} {
		if got, err := ParseAge(in); err != nil || got != want {
			t.Errorf("ParseAge(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0d", "-3d", "thirty days", "3x"} {
		if _, err := ParseAge(in); err == nil {
			t.Errorf("ParseAge(%q) should fail", in)
		}
	}
	now := time.Date(2025, 11, 20, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"7d":                   now.AddDate(0, 0, -7),
		"2025-11-01":           time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC),
		"2025-11-01 08:30":     time.Date(2025, 11, 1, 8, 30, 0, 0, time.UTC),
		"2025-11-01T08:30:00Z": time.Date(2025, 11, 1, 8, 30, 0, 0, time.UTC),
	} {
		if got, err := ParseSince(in, now); err != nil || !got.Equal(want) {
			t.Errorf("ParseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseSince("yesterday", now); err == nil {
		t.Error(`ParseSince("yesterday") should fail`)
	}
}
