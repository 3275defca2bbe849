package gateway_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"strings"
	"sync"
	"testing"
	"time"

	"aliauth/gateway"
)

// floor measures, in this run, the cost of the cryptography an operation
// cannot avoid, so each benchmark reports itself as a ratio against it.
func floor(b *testing.B, name string, op func()) float64 {
	b.Helper()
	floorsMu.Lock()
	defer floorsMu.Unlock()
	if ns, ok := floors[name]; ok {
		return ns
	}
	op() // warm up
	const rounds = 200
	start := time.Now()
	for range rounds {
		op()
	}
	ns := float64(time.Since(start).Nanoseconds()) / rounds
	floors[name] = ns
	return ns
}

var (
	floorsMu sync.Mutex
	floors   = map[string]float64{}
)

// rsaFloor is the work any exchange must do: the client signs the request
// and verifies the response, the gateway verifies the request and signs the
// response. Two RSA-2048 signs and two verifies.
func rsaFloor(b *testing.B) float64 {
	app, alipay := loadKey(b, "app_private_key.pem"), loadKey(b, "alipay_private_key.pem")
	content := []byte("app_id=2021000000000001&charset=utf-8&code=4b203fe6c11548bcabd8da5bb087a83b&format=JSON")
	return floor(b, "rsa", func() {
		for _, k := range []*rsa.PrivateKey{app, alipay} {
			sum := sha256.Sum256(content)
			sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, sum[:])
			if err != nil {
				b.Fatal(err)
			}
			if err := rsa.VerifyPKCS1v15(&k.PublicKey, crypto.SHA256, sum[:], sig); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkRSAFloor(b *testing.B) {
	ns := rsaFloor(b)
	app, alipay := loadKey(b, "app_private_key.pem"), loadKey(b, "alipay_private_key.pem")
	content := []byte("app_id=2021000000000001&charset=utf-8&code=4b203fe6c11548bcabd8da5bb087a83b&format=JSON")
	for b.Loop() {
		for _, k := range []*rsa.PrivateKey{app, alipay} {
			sum := sha256.Sum256(content)
			sig, _ := rsa.SignPKCS1v15(nil, k, crypto.SHA256, sum[:])
			_ = rsa.VerifyPKCS1v15(&k.PublicKey, crypto.SHA256, sum[:], sig)
		}
	}
	b.ReportMetric(ns/1e6, "floor-ms")
}

func benchmarkExchange(b *testing.B, protocol gateway.Protocol) {
	floorNs := rsaFloor(b)
	p := newPeer(b, protocol)
	ctx := context.Background()
	codes := make([]string, 0, 1024)
	n := 0
	for b.Loop() {
		if len(codes) == 0 {
			b.StopTimer()
			for range cap(codes) {
				codes = append(codes, p.code(b, "auth_user"))
			}
			b.StartTimer()
		}
		code := codes[len(codes)-1]
		codes = codes[:len(codes)-1]
		if _, err := p.client.Exchange(ctx, code); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n)/floorNs, "x-floor")
}

// BenchmarkExchangeV2 is a whole v2 exchange, client and emulator in one
// process over loopback HTTP; x-floor is its cost over BenchmarkRSAFloor's.
func BenchmarkExchangeV2(b *testing.B) { benchmarkExchange(b, gateway.V2) }

// BenchmarkExchangeV3 is the same over the v3 protocol.
func BenchmarkExchangeV3(b *testing.B) { benchmarkExchange(b, gateway.V3) }

// largeBody is a signed 1 MB v2 response.
func largeBody(b *testing.B) ([]byte, *rsa.PublicKey) {
	key := loadKey(b, "alipay_private_key.pem")
	var content strings.Builder
	content.WriteString(`{"code":"10000","msg":"Success","items":[`)
	for i := 0; content.Len() < 1<<20; i++ {
		if i > 0 {
			content.WriteByte(',')
		}
		content.WriteString(`{"avatar":"https:\/\/tfs.alipayobjects.com\/images\/partner\/T1xXXXXXX","nick_name":"支付宝小二","n":12345}`)
	}
	content.WriteString("]}")
	sign, err := gateway.SignBytes(key, gateway.RSA2, []byte(content.String()))
	if err != nil {
		b.Fatal(err)
	}
	body := `{"alipay_user_info_share_response":` + content.String() + `,"sign":"` + strings.ReplaceAll(sign, "/", `\/`) + `"}`
	return []byte(body), &key.PublicKey
}

// BenchmarkVerifyLarge finds and verifies the signed content of a 1 MB
// response; x-floor is its cost over SHA-256 of 1 MB plus one RSA verify.
func BenchmarkVerifyLarge(b *testing.B) {
	body, pub := largeBody(b)
	env, err := gateway.ParseEnvelope(body, gateway.MethodUserInfo)
	if err != nil {
		b.Fatal(err)
	}
	sig := env.Sign
	floorNs := floor(b, "verify-1mb", func() {
		_ = gateway.VerifyBytes(pub, gateway.RSA2, env.Content, sig)
	})
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		env, err := gateway.ParseEnvelope(body, gateway.MethodUserInfo)
		if err != nil {
			b.Fatal(err)
		}
		if v := gateway.VerifyEnvelope(env, pub, gateway.RSA2); v.Status != gateway.Verified {
			b.Fatal(v.Status)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/floorNs, "x-floor")
}
