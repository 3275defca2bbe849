package history

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
)

// filled returns a store holding n generated exchanges and the summaries of
// what was stored, newest first.
func filled(t *testing.T, n int) (*Store, []Summary) {
	t.Helper()
	s := newStore(t)
	traces := newGenerator(21).traces(n)
	if _, err := s.Import(context.Background(), traces, true); err != nil {
		t.Fatal(err)
	}
	sums := make([]Summary, n)
	for i, tr := range traces {
		sums[n-1-i] = SummaryOf(tr)
	}
	return s, sums
}

// want lists the ids of the summaries that keep says to, newest first.
func want(sums []Summary, keep func(Summary) bool) []int64 {
	var out []int64
	for _, s := range sums {
		if keep(s) {
			out = append(out, s.ID)
		}
	}
	return out
}

func TestListNewestFirst(t *testing.T) {
	s, sums := filled(t, 50)
	ctx := context.Background()
	// An import of older exchanges gets higher ids but sorts by time.
	old := newGenerator(22)
	old.clock = sums[len(sums)-1].Time.Add(-24 * time.Hour)
	older := old.traces(5)
	if _, err := s.Import(ctx, older, true); err != nil {
		t.Fatal(err)
	}
	got, err := s.List(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs := ids(sums)
	for i := len(older) - 1; i >= 0; i-- {
		wantIDs = append(wantIDs, older[i].ID)
	}
	if !slices.Equal(ids(got), wantIDs) {
		t.Errorf("List order:\ngot  %v\nwant %v", ids(got), wantIDs)
	}
	for i := range sums {
		if got[i] != sums[i] && !summariesEqual(got[i], sums[i]) {
			t.Errorf("summary %d:\ngot  %+v\nwant %+v", i, got[i], sums[i])
		}
	}
}

// summariesEqual compares summaries, times by instant.
func summariesEqual(a, b Summary) bool {
	if !a.Time.Equal(b.Time) || !a.AccessExpiresAt.Equal(b.AccessExpiresAt) || !a.RefreshExpiresAt.Equal(b.RefreshExpiresAt) {
		return false
	}
	a.Time, a.AccessExpiresAt, a.RefreshExpiresAt = time.Time{}, time.Time{}, time.Time{}
	b.Time, b.AccessExpiresAt, b.RefreshExpiresAt = time.Time{}, time.Time{}, time.Time{}
	return a == b
}

func TestListFilters(t *testing.T) {
	s, sums := filled(t, 600)
	ctx := context.Background()
	user := sums[17].User
	since := sums[200].Time
	cases := []struct {
		name   string
		filter Filter
		keep   func(Summary) bool
	}{
		{"all", Filter{}, func(Summary) bool { return true }},
		{"profile", Filter{Profile: "sandbox"}, func(s Summary) bool { return s.Profile == "sandbox" }},
		{"method", Filter{Method: methodUserInfo}, func(s Summary) bool { return s.Method == methodUserInfo }},
		{"outcome", Filter{Outcome: string(gateway.OutcomeTransportError)}, func(s Summary) bool { return s.Outcome == gateway.OutcomeTransportError }},
		{"user", Filter{User: user}, func(s Summary) bool { return s.User == user }},
		{"since", Filter{Since: since}, func(s Summary) bool { return !s.Time.Before(since) }},
		{"after id", Filter{AfterID: sums[100].ID}, func(s Summary) bool { return s.ID > sums[100].ID }},
		{"text sub_code", Filter{Text: "isv.code-invalid"}, func(s Summary) bool { return s.SubCode == "isv.code-invalid" }},
		{"text ignores case", Filter{Text: "ISV.Refresh-Token"}, func(s Summary) bool { return strings.HasPrefix(s.SubCode, "isv.refresh-token") }},
		{"text sub_msg", Filter{Text: "授权码"}, func(s Summary) bool { return strings.Contains(s.Message, "授权码") }},
		{"text transport error", Filter{Text: "connection refused"}, func(s Summary) bool { return strings.Contains(s.Message, "connection refused") }},
		{"text http status", Filter{Text: "502"}, func(s Summary) bool { return strings.Contains(searchText(&s), "502") }},
		{"text trace id", Filter{Text: sums[3].TraceID[4:20]}, func(s Summary) bool { return strings.Contains(s.TraceID, sums[3].TraceID[4:20]) }},
		{"text user id", Filter{Text: sums[40].UserID}, func(s Summary) bool { return s.UserID == sums[40].UserID }},
		{"text app id", Filter{Text: "9021000136612345"}, func(s Summary) bool { return s.AppID == "9021000136612345" }},
		{"text words", Filter{Text: "prod  user.info"}, func(s Summary) bool {
			return s.Profile == "prod" && s.Method == methodUserInfo
		}},
		{"text grant", Filter{Text: "refresh_token success"}, func(s Summary) bool {
			return s.GrantType == "refresh_token" && s.Outcome == gateway.OutcomeSuccess
		}},
		{"text not across fields", Filter{Text: "sandbox" + "emulator"}, func(Summary) bool { return false }},
		{"text nothing", Filter{Text: "no-such-thing"}, func(Summary) bool { return false }},
		{"combined", Filter{Profile: "prod", Outcome: "success", Text: "user.info"}, func(s Summary) bool {
			return s.Profile == "prod" && s.Outcome == gateway.OutcomeSuccess && s.Method == methodUserInfo
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantIDs := want(sums, c.keep)
			if len(wantIDs) == 0 && !strings.HasPrefix(c.name, "text n") {
				t.Fatal("the generated history should hold some of these")
			}
			got, err := s.List(ctx, c.filter)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), wantIDs) {
				t.Errorf("List(%+v) = %d exchanges, want %d\ngot  %v\nwant %v", c.filter, len(got), len(wantIDs), head(ids(got)), head(wantIDs))
			}
			n, err := s.Count(ctx, c.filter)
			if err != nil || n != len(wantIDs) {
				t.Errorf("Count = %d, %v; want %d", n, err, len(wantIDs))
			}
			c.filter.Limit = 7
			got, err = s.List(ctx, c.filter)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), head(wantIDs)) {
				t.Errorf("List with Limit 7 = %v, want %v", ids(got), head(wantIDs))
			}
		})
	}
}

func head(ids []int64) []int64 { return ids[:min(7, len(ids))] }

func TestListPaging(t *testing.T) {
	s, sums := filled(t, 230)
	ctx := context.Background()
	f := Filter{Text: "success", Limit: 25}
	var all []int64
	for page := 0; ; page++ {
		got, err := s.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			break
		}
		all = append(all, ids(got)...)
		f.BeforeID = got[len(got)-1].ID
		if page > 100 {
			t.Fatal("paging does not end")
		}
	}
	wantIDs := want(sums, func(s Summary) bool { return s.Outcome == gateway.OutcomeSuccess })
	if !slices.Equal(all, wantIDs) {
		t.Errorf("pages hold %d exchanges, want %d", len(all), len(wantIDs))
	}
	if err := s.Delete(ctx, f.BeforeID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.List(ctx, f); !errors.Is(err, ErrNotFound) {
		t.Errorf("paging from a deleted exchange: %v", err)
	}
}

func TestIndexMatchesList(t *testing.T) {
	s, sums := filled(t, 400)
	ctx := context.Background()
	x, err := s.LoadIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if x.Len() != len(sums) {
		t.Fatalf("index holds %d, want %d", x.Len(), len(sums))
	}
	for i := range sums {
		if !summariesEqual(x.At(i), sums[i]) {
			t.Fatalf("At(%d) = %+v, want %+v", i, x.At(i), sums[i])
		}
	}
	terms := slices.Clone(keystrokes)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100 { // random pieces of what the filter searches
		text := searchText(&sums[rng.IntN(len(sums))])
		i := rng.IntN(len(text))
		terms = append(terms, text[i:min(len(text), i+1+rng.IntN(12))])
	}
	terms = append(terms, "", "  ", "A", "SANDBOX 2088", "\x1f", "x\x1ey")
	for _, term := range terms {
		got := x.Filter(nil, term)
		gotIDs := make([]int64, len(got))
		for i, p := range got {
			gotIDs[i] = x.At(int(p)).ID
		}
		list, err := s.List(ctx, Filter{Text: term})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(gotIDs, ids(list)) {
			t.Errorf("Index.Filter(nil, %q) = %d exchanges, List = %d", term, len(gotIDs), len(list))
		}
	}
}

func TestIndexRemembersAndNarrows(t *testing.T) {
	_, sums := filled(t, 2000)
	x := NewIndex(slices.Clone(sums))
	fresh := NewIndex(slices.Clone(sums)) // answers every filter from scratch
	var typed []string
	for _, word := range []string{"isv.code-invalid", "0b", "sandbox 2", "a"} {
		for i := 1; i <= len(word); i++ { // typing
			typed = append(typed, word[:i])
		}
		for i := len(word) - 1; i > 0; i-- { // backspace
			typed = append(typed, word[:i])
		}
	}
	var got []int32 // each answer's array is reused for the next, as the console does
	for _, text := range typed {
		fresh.recent.forget()
		got = x.Filter(got, text)
		if want := fresh.Filter(nil, text); !slices.Equal(got, want) {
			t.Errorf("Filter(%q) while typing: %d matches, from scratch %d", text, len(got), len(want))
		}
	}
}

func TestIndexScansInParallel(t *testing.T) {
	base := make([]Summary, 0, 2000)
	for _, tr := range newGenerator(71).traces(2000) {
		base = append(base, SummaryOf(tr))
	}
	const n = 3*scanChunk + 123 // enough rows for several CPUs
	sums := make([]Summary, n)
	for i := range sums {
		s := base[i%len(base)]
		s.ID = int64(i + 1)
		s.Time = base[0].Time.Add(time.Duration(i) * time.Second)
		s.TraceID = fmt.Sprintf("0b%028x", i*7919)
		sums[i] = s
	}
	x := NewIndex(sums)
	for _, text := range []string{"0b", "0b00000000000000000000001", "isv.code", "sandbox 2088", "prod user.info", "a", "no-such"} {
		var want []int32
		terms := searchTerms(text)
		for p := range x.Len() {
			s := x.At(p)
			hay := searchText(&s)
			if !slices.ContainsFunc(terms, func(t string) bool { return !strings.Contains(hay, t) }) {
				want = append(want, int32(p))
			}
		}
		x.recent.forget()
		if got := x.Filter(nil, text); !slices.Equal(got, want) {
			t.Errorf("Filter(%q) = %d matches, want %d", text, len(got), len(want))
		}
	}
}

func TestIndexAddRemove(t *testing.T) {
	s, sums := filled(t, 100)
	ctx := context.Background()
	x, err := s.LoadIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	g := newGenerator(31)
	g.clock = sums[0].Time
	tr := g.traces(1)[0]
	tr.Error = &gateway.APIError{Code: "40004", SubCode: "isv.unique-marker"}
	if _, err := s.Record(ctx, tr, true); err != nil {
		t.Fatal(err)
	}
	x.Add(SummaryOf(tr))
	if got := x.Filter(nil, "unique-marker"); len(got) != 1 || got[0] != 0 || x.At(0).ID != tr.ID {
		t.Fatalf("the newest exchange added: Filter = %v", got)
	}
	// One older than all the others goes last.
	old := SummaryOf(tr)
	old.ID, old.Time, old.SubCode = 9999, sums[len(sums)-1].Time.Add(-time.Hour), "isv.older-marker"
	x.Add(old)
	if got := x.Filter(nil, "older-marker"); len(got) != 1 || int(got[0]) != x.Len()-1 {
		t.Fatalf("an older exchange added: Filter = %v, Len = %d", got, x.Len())
	}
	if x.MaxID() != 9999 {
		t.Errorf("MaxID() = %d, want 9999", x.MaxID())
	}
	if p, ok := x.Position(tr.ID); !ok || p != 0 {
		t.Errorf("Position(%d) = %d, %v", tr.ID, p, ok)
	}
	victim := sums[50]
	if !x.Remove(victim.ID) || x.Remove(victim.ID) {
		t.Fatal("Remove should find the exchange once")
	}
	if _, ok := x.Position(victim.ID); ok {
		t.Error("removed exchange still has a position")
	}
	// After the changes the index still agrees with a fresh one.
	fresh := make([]Summary, 0, x.Len())
	for i := range x.Len() {
		fresh = append(fresh, x.At(i))
	}
	y := NewIndex(fresh)
	for _, term := range []string{"success", "marker", victim.TraceID, "isv", "2"} {
		if a, b := x.Filter(nil, term), y.Filter(nil, term); !slices.Equal(a, b) {
			t.Errorf("Filter(%q) after Add and Remove: %v, fresh index: %v", term, head64(a), head64(b))
		}
	}
}

func head64(p []int32) []int32 { return p[:min(7, len(p))] }

// Exchanges recorded since the index loaded, elsewhere too, are added at
// once: newer and older ones mixed, the index agrees with one loaded
// afresh.
func TestIndexAddMany(t *testing.T) {
	s, sums := filled(t, 200)
	ctx := context.Background()
	x, err := s.LoadIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	maxID := x.MaxID()
	g := newGenerator(77)
	for i, tr := range g.traces(20) {
		if i%3 == 0 { // imported from an older history
			tr.Time = sums[len(sums)-1].Time.Add(-time.Duration(i) * time.Minute)
		}
		if _, err := s.Record(ctx, tr, true); err != nil {
			t.Fatal(err)
		}
	}
	since, err := s.List(ctx, Filter{AfterID: maxID})
	if err != nil {
		t.Fatal(err)
	}
	x.Add(since...)
	y, err := s.LoadIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if x.Len() != y.Len() {
		t.Fatalf("%d exchanges after Add, %d loaded", x.Len(), y.Len())
	}
	for i := range x.Len() {
		if a, b := x.At(i), y.At(i); a.ID != b.ID || a.TraceID != b.TraceID {
			t.Fatalf("position %d: #%d after Add, #%d loaded", i, a.ID, b.ID)
		}
	}
	for _, term := range []string{"success", "isv", since[0].TraceID, "2088"} {
		if a, b := x.Filter(nil, term), y.Filter(nil, term); !slices.Equal(a, b) {
			t.Errorf("Filter(%q) after Add: %v, loaded: %v", term, head64(a), head64(b))
		}
	}
}

// TestIndexReadsAnyBytes loads summaries whose fields hold what a hostile
// gateway may send: the separators the index packs fields with, colons,
// digits, and text that is not ASCII.
func TestIndexReadsAnyBytes(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	g := newGenerator(5)
	odd := []string{"12:ab", ":", "3:x\x1fy", "\x1e\x1f", "9999999999999999999:", "授权:码", ""}
	var want []Summary
	for i, tr := range g.traces(len(odd) * 2) {
		v := odd[i%len(odd)]
		tr.Profile, tr.AppID = v, v+"app"
		tr.Error = &gateway.APIError{Code: v, SubCode: "isv." + v, SubMsg: v + v}
		if tr.Tokens != nil {
			tr.Tokens.OpenID = v
		}
		if tr.Response != nil {
			tr.Response.TraceID = v + "0b"
			tr.Response.Duration = time.Duration(i+1) * 123456789123 * time.Nanosecond / 7
		}
		if _, err := s.Record(ctx, tr, true); err != nil {
			t.Fatal(err)
		}
		want = append(want, SummaryOf(tr))
	}
	slices.Reverse(want)
	x, err := s.LoadIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got := x.At(i); !summariesEqual(got, want[i]) {
			t.Errorf("At(%d) = %+v, want %+v", i, got, want[i])
		}
	}
	var found []int32
	for _, term := range []string{"12:ab", "3:x", "授权", "app"} {
		found = x.Filter(found, term)
		list, err := s.List(ctx, Filter{Text: term})
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != len(list) || len(found) == 0 {
			t.Errorf("Filter(%q) = %d, List = %d", term, len(found), len(list))
		}
	}
}
