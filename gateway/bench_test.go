package gateway_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"slices"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
)

// paired times op against floor, the cryptography op cannot avoid, in
// alternating blocks: floor then op, op then floor, and so on, so that a
// machine busy with other work slows both alike. It reports each pair's
// ratio's median as x-floor, and the floor's own median time; ns/op is op's
// alone.
func paired(b *testing.B, floor, op func()) {
	b.Helper()
	floor() // warm up
	const pairs = 16
	var ratios, floors []float64
	block := 0
	timeOf := func(f func(), n int) float64 {
		start := nanotime()
		for range n {
			f()
		}
		return float64(nanotime()-start) / float64(n)
	}
	done := 0
	for b.Loop() {
		if block == 0 { // the first iteration: b.N is known from here on
			block = max(1, b.N/pairs)
		}
		op()
		done++
		if done%block != 0 && done != b.N {
			continue
		}
		n := done % block
		if n == 0 {
			n = block
		}
		b.StopTimer()
		// The op block just ran; time it again, then the floor, in the
		// order this pair takes.
		var opNs, floorNs float64
		if len(ratios)%2 == 0 {
			floorNs = timeOf(floor, n)
			opNs = timeOf(op, n)
		} else {
			opNs = timeOf(op, n)
			floorNs = timeOf(floor, n)
		}
		ratios = append(ratios, opNs/floorNs)
		floors = append(floors, floorNs)
		b.StartTimer()
	}
	b.ReportMetric(median(ratios), "x-floor")
	b.ReportMetric(median(floors)/1e6, "floor-ms")
}

func nanotime() int64 { return time.Now().UnixNano() }

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// rsaFloor is the work any exchange must do: the client signs the request
// and verifies the response, the gateway verifies the request and signs the
// response. Two RSA-2048 signs and two verifies.
func rsaFloor(b *testing.B) func() {
	app, alipay := loadKey(b, "app_private_key.pem"), loadKey(b, "alipay_private_key.pem")
	content := []byte("app_id=2021000000000001&charset=utf-8&code=4b203fe6c11548bcabd8da5bb087a83b&format=JSON")
	return func() {
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
	}
}

func BenchmarkRSAFloor(b *testing.B) {
	floor := rsaFloor(b)
	for b.Loop() {
		floor()
	}
}

func benchmarkExchange(b *testing.B, protocol gateway.Protocol) {
	p := newPeer(b, protocol)
	ctx := context.Background()
	var codes []string
	exchange := func() {
		if len(codes) == 0 { // minted outside the timing
			b.StopTimer()
			for range 256 {
				codes = append(codes, p.code(b, "auth_user"))
			}
			b.StartTimer()
		}
		code := codes[len(codes)-1]
		codes = codes[:len(codes)-1]
		if _, err := p.client.Exchange(ctx, code); err != nil {
			b.Fatal(err)
		}
	}
	paired(b, rsaFloor(b), exchange)
}

// BenchmarkExchangeV2 is a whole v2 exchange, client and emulator in one
// process over loopback HTTP; x-floor is its cost over BenchmarkRSAFloor's,
// measured in alternating blocks.
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
// response; x-floor is its cost over SHA-256 of 1 MB plus one RSA verify,
// measured in alternating blocks.
func BenchmarkVerifyLarge(b *testing.B) {
	body, pub := largeBody(b)
	env, err := gateway.ParseEnvelope(body, gateway.MethodUserInfo)
	if err != nil {
		b.Fatal(err)
	}
	content, sig := env.Content, env.Sign
	b.SetBytes(int64(len(body)))
	paired(b, func() {
		if err := gateway.VerifyBytes(pub, gateway.RSA2, content, sig); err != nil {
			b.Fatal(err)
		}
	}, func() {
		env, err := gateway.ParseEnvelope(body, gateway.MethodUserInfo)
		if err != nil {
			b.Fatal(err)
		}
		if v := gateway.VerifyEnvelope(env, pub, gateway.RSA2); v.Status != gateway.Verified {
			b.Fatal(v.Status)
		}
	})
}
