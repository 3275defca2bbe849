package history

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"

	"aliauth/gateway"
)

// exporter writes an export's lines in order, a batch of exchanges at a
// time: Export fills a batch with stored traces while workers, one per CPU,
// make the lines of the batches before it. It counts what it could not
// read.
type exporter struct {
	store  *Store
	w      io.Writer
	reveal bool
	// written counts the lines written to w.
	written int
	// seen counts the exchanges the export has passed, written or skipped,
	// in export order.
	seen    int
	skipped int
	// first is the first error that stopped the export, firstID the first
	// exchange skipped.
	first   error
	firstID int64
	// filling is the batch being filled; sent are the batches handed to the
	// workers through work, oldest first; free are batches to fill again.
	filling *batch
	sent    []*batch
	work    chan *batch
	workers sync.WaitGroup
	free    []*batch
}

// batchBytes is how much stored JSON a batch holds: enough that handing it
// to a worker costs little beside making its lines, few enough that the
// workers start soon and the batches in flight take little memory.
const batchBytes = 256 << 10

// batch is a run of stored traces and, once a worker has made them (done
// is closed), their lines.
type batch struct {
	ids  []int64
	ends []int // where each trace's JSON ends in js
	js   []byte
	out  []byte
	// lines counts the lines in out; skips are the exchanges that could not
	// be read, in order; err is what stopped the batch, after its lines.
	lines int
	skips []skipped
	err   error
	done  chan struct{}
}

type skipped struct {
	id  int64
	err error
}

func newExporter(s *Store, w io.Writer, reveal bool) *exporter {
	return &exporter{store: s, w: w, reveal: reveal}
}

// write takes the trace stored as js under id into the batch being filled,
// and sends the batch to the workers once it is full.
func (ex *exporter) write(id int64, js []byte) error {
	ex.seen++
	b := ex.filling
	if b == nil {
		if n := len(ex.free); n > 0 {
			b, ex.free = ex.free[n-1], ex.free[:n-1]
		} else {
			b = new(batch)
		}
		ex.filling = b
	}
	b.ids = append(b.ids, id)
	b.js = append(b.js, js...)
	b.ends = append(b.ends, len(b.js))
	if len(b.js) < batchBytes {
		return nil
	}
	return ex.send()
}

// send hands the batch being filled to the workers, and writes the oldest
// batches out while too many are in flight.
func (ex *exporter) send() error {
	b := ex.filling
	if b == nil {
		return nil
	}
	ex.filling = nil
	n := runtime.GOMAXPROCS(0)
	if ex.work == nil {
		ex.work = make(chan *batch, 2*n)
		for range n {
			ex.workers.Go(func() { ex.worker(newLiner(ex.store, ex.reveal)) })
		}
	}
	b.done = make(chan struct{})
	ex.sent = append(ex.sent, b)
	ex.work <- b
	for len(ex.sent) > 2*n {
		if err := ex.writeOldest(); err != nil {
			return err
		}
	}
	return nil
}

// worker makes the lines of each batch it is sent.
func (ex *exporter) worker(l *liner) {
	for b := range ex.work {
		l.out = b.out[:0]
		start := 0
		for i, id := range b.ids {
			err := l.line(id, b.js[start:b.ends[i]])
			start = b.ends[i]
			switch {
			case err == nil:
				b.lines++
			case errors.Is(err, ErrDamaged):
				b.skips = append(b.skips, skipped{id, err})
			default:
				b.err = err
			}
			if b.err != nil {
				break
			}
		}
		b.out = l.out
		close(b.done)
	}
}

// writeOldest waits for the oldest batch in flight and writes its lines.
func (ex *exporter) writeOldest() error {
	b := ex.sent[0]
	ex.sent = ex.sent[1:]
	<-b.done
	for _, s := range b.skips {
		ex.skip(s.id, s.err)
	}
	if err := ex.writeOut(b.out, b.lines); err != nil {
		return err
	}
	if b.err != nil {
		return b.err
	}
	*b = batch{ids: b.ids[:0], ends: b.ends[:0], js: b.js[:0], out: b.out[:0], skips: b.skips[:0]}
	ex.free = append(ex.free, b)
	return nil
}

// writeOut writes lines made, n of them.
func (ex *exporter) writeOut(out []byte, n int) error {
	if len(out) > 0 {
		if _, err := ex.w.Write(out); err != nil {
			return fmt.Errorf("export history: write: %w", err)
		}
	}
	ex.written += n
	return nil
}

// drain writes every batch, the one being filled too.
func (ex *exporter) drain() error {
	if err := ex.send(); err != nil {
		return err
	}
	for len(ex.sent) > 0 {
		if err := ex.writeOldest(); err != nil {
			return err
		}
	}
	return nil
}

// stop ends the workers once they have made the batches in flight.
func (ex *exporter) stop() {
	if ex.work != nil {
		close(ex.work)
		ex.workers.Wait()
		ex.work = nil
	}
}

func (ex *exporter) skip(id int64, err error) {
	ex.skipped++
	if ex.firstID == 0 {
		ex.firstID = id
	}
	if ex.first == nil {
		ex.first = err
	}
}

// liner makes export lines into out: from the stored JSON where it can
// (gateway.EncodeJSON, which masks unless the export reveals), otherwise by
// decoding, redacting and encoding the trace.
type liner struct {
	store  *Store
	reveal bool
	out    []byte
	enc    *json.Encoder // encodes into out
}

func newLiner(s *Store, reveal bool) *liner {
	l := &liner{store: s, reveal: reveal}
	l.enc = json.NewEncoder(bytesAppender{&l.out})
	l.enc.SetEscapeHTML(false)
	return l
}

// line makes the line of the trace stored as js under id. An error
// matching ErrDamaged says the trace could not be read, and no line was
// made.
func (l *liner) line(id int64, js []byte) error {
	if l.stored(id, js) {
		return nil
	}
	t, err := l.store.decode(id, js)
	if err != nil {
		return err
	}
	return l.emit(t)
}

// stored makes the line from the stored JSON, as emit would make it, if
// gateway.EncodeJSON can be sure to. Record stores a trace without its id,
// which the line has first.
func (l *liner) stored(id int64, js []byte) bool {
	var mask func(string) string
	if !l.reveal {
		mask = gateway.Mask
	}
	start := len(l.out)
	out := append(l.out, `{"id":`...)
	out = strconv.AppendInt(out, id, 10)
	at := len(out)
	out, ok := gateway.EncodeJSON(out, js, false, mask)
	if !ok || len(out)-at < 2 || bytes.HasPrefix(out[at:], []byte(`{"id":`)) {
		l.out = out[:start]
		return false
	}
	if out[at+1] == '}' {
		out = out[:at]
	} else {
		out[at] = ','
		out = out[:len(out)-1]
	}
	l.out = append(out, '}', '\n')
	return true
}

// emit makes the line of a decoded trace: redacted, unless the export
// reveals, and encoded.
func (l *liner) emit(t *gateway.Trace) error {
	if !l.reveal {
		t = t.Redact(gateway.Mask)
	}
	if err := l.enc.Encode(t); err != nil {
		return fmt.Errorf("export history: write exchange %d: %w", t.ID, err)
	}
	return nil
}
