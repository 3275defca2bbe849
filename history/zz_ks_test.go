package history

import (
	"context"
	"testing"
	"time"
)

func BenchmarkZZKeys(b *testing.B) {
	s, _ := Open(context.Background(), fixturePath(b))
	defer s.Close()
	x, _ := s.LoadIndex(context.Background())
	b.ResetTimer()
	for _, k := range keystrokes {
		start := time.Now()
		var n int
		for range 10 {
			n = len(x.Filter(k))
		}
		b.Logf("%-22q %6d  %v", k, n, time.Since(start)/10)
	}
}
