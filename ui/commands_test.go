package ui

import (
	"runtime/debug"
	"sync"
	"testing"
)

// gcPercent reads the collector's target, one reader at a time: reading
// sets it for a moment.
func gcPercent() int {
	readingGC.Lock()
	defer readingGC.Unlock()
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

var readingGC sync.Mutex

// Loading the index lowers the collector's target, for loads that overlap
// too, and puts it back after the last; a lower target the program was
// started with (GOGC), or none, is kept.
func TestIndexLoadLowersTheGCTargetAndPutsItBack(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, start := range []int{100, 200, 10, -1} {
		debug.SetGCPercent(start)
		want := min(start, indexLoadGCPercent)
		if start < 0 {
			want = start
		}
		var wg sync.WaitGroup
		during := make(chan int, 3)
		gate := make(chan struct{})
		for range 3 {
			wg.Go(func() {
				lowGC(func() {
					<-gate
					during <- gcPercent()
				})
			})
		}
		close(gate)
		wg.Wait()
		close(during)
		for p := range during {
			if p != want {
				t.Errorf("started at %d: %d while loading, want %d", start, p, want)
			}
		}
		if got := gcPercent(); got != start {
			t.Errorf("started at %d: %d after the loads", start, got)
		}
	}
}
