package history

import (
	"context"
	"time"

	"aliauth/gateway"
)

// RecordDetached is Record for a call that has just ended, however it
// ended. It runs under a deadline of its own, detached from ctx's
// cancellation (ctx's values are kept), so a call the user interrupted
// (Ctrl-C, SIGTERM, esc in the console) is recorded all the same: the
// gateway may have spent the code, and the trace is the only account of
// it. The deadline leaves room to wait out another process's write, and
// no more.
func (s *Store) RecordDetached(ctx context.Context, t *gateway.Trace, storeSecrets bool) (Summary, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.busyTimeout+5*time.Second)
	defer cancel()
	return s.Record(ctx, t, storeSecrets)
}
