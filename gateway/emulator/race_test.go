package emulator_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// Many clients at once over real HTTP, with the state kept in a directory
// as the standalone emulator keeps it: every exchange, refresh and profile
// read succeeds and verifies, and no code is lost or used twice. Run under
// -race.
func TestConcurrentExchanges(t *testing.T) {
	const (
		workers = 64
		rounds  = 3
	)
	e := newEmulator(t, emulator.Config{Dir: t.TempDir()})
	s := serve(t, e)
	clients := map[gateway.Protocol]*gateway.Client{gateway.V2: newClient(t, s, gateway.V2), gateway.V3: newClient(t, s, gateway.V3)}
	ctx := context.Background()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		access  = map[string]bool{}
		refresh = map[string]bool{}
	)
	fresh := func(m map[string]bool, token string) error {
		mu.Lock()
		defer mu.Unlock()
		if m[token] {
			return fmt.Errorf("token %s issued twice", token)
		}
		m[token] = true
		return nil
	}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := clients[[]gateway.Protocol{gateway.V2, gateway.V3}[w%2]]
			for range rounds {
				code, err := e.MintCode(emulator.DemoAppID, emulator.ScopeAuthUser, "")
				if err != nil {
					t.Error(err)
					return
				}
				tr, err := c.Exchange(ctx, code)
				if err != nil || tr.Verification.Status != gateway.Verified {
					t.Errorf("exchange: %v", err)
					return
				}
				ref, err := c.Refresh(ctx, tr.Tokens.RefreshToken)
				if err != nil || ref.Tokens.UserID != tr.Tokens.UserID {
					t.Errorf("refresh: %v", err)
					return
				}
				if _, err := c.UserInfo(ctx, ref.Tokens.AccessToken); err != nil {
					t.Errorf("user info: %v", err)
					return
				}
				for _, err := range []error{
					fresh(access, tr.Tokens.AccessToken), fresh(access, ref.Tokens.AccessToken),
					fresh(refresh, tr.Tokens.RefreshToken), fresh(refresh, ref.Tokens.RefreshToken),
				} {
					if err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Wait()
	if len(access) != 2*workers*rounds {
		t.Fatalf("%d access tokens issued, want %d", len(access), 2*workers*rounds)
	}
}

// Each code attempted twice at the same moment, across protocols: exactly
// one attempt wins, the other is isv.code-invalid.
func TestEachCodeIsRedeemedExactlyOnce(t *testing.T) {
	const codes = 64
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	v2, v3 := newClient(t, s, gateway.V2), newClient(t, s, gateway.V3)
	minted := make([]string, codes)
	for i := range minted {
		minted[i] = mint(t, e, emulator.DemoAppID, "")
	}
	var wins, refusals atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, code := range minted {
		for _, c := range []*gateway.Client{v2, v3} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				ok, err := tryRedeem(c, code)
				switch {
				case err != nil:
					t.Error(err)
				case ok:
					wins.Add(1)
				default:
					refusals.Add(1)
				}
			}()
		}
	}
	close(start)
	wg.Wait()
	if wins.Load() != codes || refusals.Load() != codes {
		t.Fatalf("%d codes: %d redeemed, %d refused; want each redeemed once and refused once", codes, wins.Load(), refusals.Load())
	}
}

// Arming faults while answers are under way is safe, and every armed
// answer is taken exactly once.
func TestConcurrentFaults(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	c := newClient(t, s, gateway.V2)
	const armed, calls = 10, 40
	var wg sync.WaitGroup
	var untrusted atomic.Int32
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i < armed {
				e.Arm(emulator.Fault{Kind: emulator.FaultBadSign})
			}
			tr, _ := c.Exchange(context.Background(), "code-that-does-not-exist")
			if tr != nil && tr.Outcome == gateway.OutcomeUntrusted {
				untrusted.Add(1)
			}
		}()
	}
	wg.Wait()
	// Answers taken before a fault was armed are normal; what was armed and
	// not yet taken is still queued.
	var rest int32
	for range armed {
		tr, _ := c.Exchange(context.Background(), "code-that-does-not-exist")
		if tr.Outcome == gateway.OutcomeUntrusted {
			rest++
		}
	}
	if untrusted.Load()+rest != armed {
		t.Fatalf("%d bad-sign answers armed, %d given", armed, untrusted.Load()+rest)
	}
}
