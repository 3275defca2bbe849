package history

import (
	"bufio"
	"context"
	"database/sql"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
)

// BenchmarkHistoryInsert records exchanges one by one, each in its own
// transaction, as commands and the console do.
func BenchmarkHistoryInsert(b *testing.B) {
	s := newStore(b)
	g := newGenerator(2)
	ctx := context.Background()
	if _, err := s.Record(ctx, g.traces(1)[0], true); err != nil { // the first opens the log
		b.Fatal(err)
	}
	traces := g.traces(b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := s.Record(ctx, traces[i], true); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "exchanges/s")
}

// BenchmarkHistoryImport stores exchanges in bulk, a thousand to a
// transaction, as history import does.
func BenchmarkHistoryImport(b *testing.B) {
	const batch = 1000
	s := newStore(b)
	g := newGenerator(3)
	batches := make([][]*gateway.Trace, b.N)
	for i := range batches {
		batches[i] = g.traces(batch)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := s.Import(context.Background(), batches[i], true); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "exchanges/s")
}

// keystrokes are what a user types into the history filter, one character at
// a time: each prefix is one filter to answer.
var keystrokes = func() []string {
	var out []string
	for _, typed := range []string{"isv.code-invalid", "sandbox", "2088", "0b1", "502", "refresh_token", "timeout", "untrusted", "nothing-matches-this", "prod user.info"} {
		for i := 1; i <= len(typed); i++ {
			out = append(out, typed[:i])
		}
	}
	return out
}()

// sizes are the histories the benchmarks that show scaling run over.
var sizes = []struct {
	name string
	n    int
}{{"100k", fixtureSize}, {"300k", bigSize}}

// BenchmarkHistoryFilter is one keystroke of the console's history filter
// over 100,000 and 300,000 exchanges: Index.Filter, in memory. typing: the
// keystrokes of words typed one after another, as the console sees them;
// pasted: each filter as if pasted whole, with nothing remembered from the
// last one.
func BenchmarkHistoryFilter(b *testing.B) {
	for _, size := range sizes {
		b.Run(size.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(ctx, fixtureOf(b, size.n))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			x, err := s.LoadIndex(ctx)
			if err != nil {
				b.Fatal(err)
			}
			for _, mode := range []string{"typing", "pasted"} {
				b.Run(mode, func(b *testing.B) {
					x.recent.forget()
					var worst time.Duration
					var found []int32
					for i := range b.N {
						if mode == "pasted" {
							x.recent.forget()
						}
						start := time.Now()
						found = x.Filter(found, keystrokes[i%len(keystrokes)])
						worst = max(worst, time.Since(start))
					}
					b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/keystroke")
					b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
				})
			}
		})
	}
}

// BenchmarkHistoryGrep is the same filter answered by the database, a page of
// 50 at a time: the console before its index is loaded. A common word is
// found at once, a rare one in the search index.
func BenchmarkHistoryGrep(b *testing.B) {
	path := fixturePath(b)
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var worst time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		if _, err := s.List(ctx, Filter{Text: keystrokes[i%len(keystrokes)], Limit: 50}); err != nil {
			b.Fatal(err)
		}
		worst = max(worst, time.Since(start))
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/keystroke")
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
}

// grepTerms are what people look for with history list --grep: a term no
// exchange holds, a user id (a few dozen exchanges), a trace id prefix and a
// sub_code (thousands), and words most exchanges hold.
var grepTerms = []struct{ name, text string }{
	{"absent", "nothing-matches-this"},
	{"user", ""}, // a user id of the fixture, filled in by the benchmark
	{"trace", "0b1"},
	{"sub_code", "isv.code-invalid"},
	{"common", "success"},
	{"two-words", "sandbox refresh_token"},
}

// BenchmarkHistoryListGrep is what history list --grep asks of the store:
// the newest 20 matches and their count up to 1,000, over 100,000 and
// 300,000 exchanges.
func BenchmarkHistoryListGrep(b *testing.B) {
	for _, size := range sizes {
		b.Run(size.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(ctx, fixtureOf(b, size.n))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			for _, term := range grepTerms {
				if term.name == "user" {
					term.text = newGenerator(0).users[17].userID
				}
				b.Run(term.name, func(b *testing.B) {
					for b.Loop() {
						f := Filter{Text: term.text, Limit: 20}
						if _, err := s.List(ctx, f); err != nil {
							b.Fatal(err)
						}
						f.Limit = 0
						if _, _, err := s.CountAtMost(ctx, f, 1000); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/grep")
				})
			}
		})
	}
}

// BenchmarkHistoryOpen is what opening the history view costs at 100,000
// exchanges: open the database, read the first screenful and the total.
func BenchmarkHistoryOpen(b *testing.B) {
	path := fixturePath(b)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		s, err := Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.List(ctx, Filter{Limit: 50}); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Count(ctx, Filter{}); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/open")
}

// BenchmarkHistoryLoad loads every summary of 100,000 and 300,000
// exchanges into an Index, as the console does in the background, and
// reports the memory the index keeps and what a load allocates.
func BenchmarkHistoryLoad(b *testing.B) {
	for _, size := range sizes {
		b.Run(size.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(ctx, fixtureOf(b, size.n))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			var x *Index
			var before, after runtime.MemStats
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				x = nil
				runtime.GC()
				runtime.ReadMemStats(&before)
				b.StartTimer()
				if x, err = s.LoadIndex(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/load")
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB-kept")
			b.ReportMetric(float64(x.Len()), "exchanges")
			runtime.KeepAlive(x)
		})
	}
}

// BenchmarkHistoryGet reads one whole trace, as the detail view does.
func BenchmarkHistoryGet(b *testing.B) {
	path := fixturePath(b)
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var t *gateway.Trace
	for i := range b.N {
		if t, err = s.Get(ctx, int64(1+i%fixtureSize)); err != nil {
			b.Fatal(err)
		}
	}
	_ = t
}

// BenchmarkHistoryConsole runs what the console does with a history of
// 100,000 and 300,000 exchanges in a fresh process, and reports from the
// process's start the time to its first page and to its loaded index, and
// its peak memory (resident set size; Linux only).
func BenchmarkHistoryConsole(b *testing.B) {
	for _, size := range sizes {
		b.Run(size.name, func(b *testing.B) { benchmarkConsole(b, fixtureOf(b, size.n)) })
	}
}

func benchmarkConsole(b *testing.B, path string) {
	var firstPage, loaded time.Duration
	var peakRSS, rss float64
	for range b.N {
		cmd := helperCommand(b, "console", path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			switch fields[0] {
			case "first-page":
				firstPage = time.Since(start)
			case "index":
				loaded = time.Since(start)
			case "VmHWM:":
				peakRSS, _ = strconv.ParseFloat(fields[1], 64)
			case "VmRSS:":
				rss, _ = strconv.ParseFloat(fields[1], 64)
			}
		}
		if err := cmd.Wait(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(firstPage.Microseconds())/1000, "ms-to-first-page")
	b.ReportMetric(float64(loaded.Microseconds())/1000, "ms-to-index")
	b.ReportMetric(peakRSS/1024, "peak-RSS-MB")
	b.ReportMetric(rss/1024, "RSS-MB")
}

// BenchmarkHistoryExport exports 100,000 exchanges, masked and revealed,
// paired with its floor: reading the same JSON out of the database and
// nothing more. Each iteration runs both, the floor first and the export
// first in turn, so a machine busy with other work slows both alike;
// x-floor is the median of the iterations' ratios. Run it with
// -benchtime=5x or more for a median worth the name.
func BenchmarkHistoryExport(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, fixturePath(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	floor := func() {
		rows, err := s.db.QueryContext(ctx, "SELECT json FROM traces")
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		var js sql.RawBytes
		for rows.Next() {
			if err := rows.Scan(&js); err != nil {
				b.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
	}
	for _, mode := range []struct {
		name   string
		reveal bool
	}{{"masked", false}, {"revealed", true}} {
		b.Run(mode.name, func(b *testing.B) {
			export := func() {
				if n, err := s.Export(ctx, io.Discard, Filter{}, mode.reveal); err != nil || n != fixtureSize {
					b.Fatalf("exported %d: %v", n, err)
				}
			}
			timed := func(f func()) float64 {
				start := time.Now()
				f()
				return float64(time.Since(start).Microseconds()) / 1000
			}
			var ratios, floors, exports []float64
			for i := 0; b.Loop(); i++ {
				var f, e float64
				if i%2 == 0 {
					f, e = timed(floor), timed(export)
				} else {
					e, f = timed(export), timed(floor)
				}
				ratios, floors, exports = append(ratios, e/f), append(floors, f), append(exports, e)
			}
			b.ReportMetric(median(ratios), "x-floor")
			b.ReportMetric(median(floors), "floor-ms")
			b.ReportMetric(median(exports), "ms/export")
		})
	}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
