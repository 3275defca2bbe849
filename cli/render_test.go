package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"aliauth/gateway"
)

// TestMain pins the local zone, so absolute times print the same everywhere.
func TestMain(m *testing.M) {
	time.Local = time.FixedZone("CST", 8*3600)
	os.Exit(m.Run())
}

// fixtureTrace reads a recorded trace the console's tests draw too.
func fixtureTrace(t testing.TB, name string) *gateway.Trace {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "gateway", "testdata", "traces", name))
	if err != nil {
		t.Fatal(err)
	}
	var tr gateway.Trace
	if err := json.Unmarshal(data, &tr); err != nil {
		t.Fatal(err)
	}
	return &tr
}

// The human account of each fixture, terse and with every step, as golden
// files (go test ./cli -run TestGoldenTraces -update rewrites them).
func TestGoldenTraces(t *testing.T) {
	for _, name := range []string{"exchange_v2", "exchange_v3", "code_invalid_v2", "code_invalid_v3", "app_auth_v2", "app_auth_query_v2"} {
		for _, verbose := range []bool{false, true} {
			sub := name
			if verbose {
				sub += "_verbose"
			}
			t.Run(sub, func(t *testing.T) {
				tr := fixtureTrace(t, name+".json")
				var out bytes.Buffer
				printTrace(&out, tr, printOptions{verbose: verbose, historyID: tr.ID, now: tr.Time.Add(time.Minute)})
				golden.RequireEqual(t, out.String())
			})
		}
	}
}

// The verdict comes first, tokens stay masked, and the outcome's words are
// the vocabulary every renderer shares.
func TestHumanOutputLeadsWithTheVerdict(t *testing.T) {
	tr := fixtureTrace(t, "exchange_v2.json")
	var out bytes.Buffer
	printTrace(&out, tr, printOptions{now: tr.Time.Add(time.Minute)})
	first, _, _ := strings.Cut(out.String(), "\n")
	if first != tr.Outcome.Mark()+" "+tr.Outcome.Phrase()+" · "+tr.Verdict() {
		t.Errorf("first line %q", first)
	}
	if strings.Contains(out.String(), tr.Tokens.AccessToken) {
		t.Error("the access token is printed unmasked")
	}
	mustContain(t, "output", out.String(), "in 14d 23h 59m 00s", "tokens masked: --reveal shows them")
}
