package history

import (
	"bytes"
	"context"
	"database/sql"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"aliauth/gateway"
)

// Index holds the summaries of a whole history in memory so the console can
// filter them as the user types, with no round trip to the database: at
// 300,000 exchanges a keystroke's Filter takes a few milliseconds at most.
// It matches exactly what Filter.Text matches in the database.
//
// Positions count from the newest exchange (0) to the oldest (Len()-1).
// Filter, At, Position and MaxID may be called from several goroutines at
// once, but not while Add or Remove runs.
//
// Most of what the filter searches is shared by many exchanges: the same
// profile, app, method, outcome, error. The index keeps each distinct
// combination of those fields once, as a class, and per exchange only its
// class and its own ids (user id, open id, trace id). A filter looks through
// the text of the classes, which is short, and the ids of the exchanges.
type Index struct {
	rows []indexRow // oldest first

	// values holds each distinct user id and open id, and the fields of the
	// classes, once; rows and classes refer to them by number, 0 being "".
	values  []string
	numbers map[string]uint32
	// valueText is the search text of every value, each followed by
	// recordSeparator; valueEnds[i] is the offset just past value i's. A
	// filter looks for a user id or open id there, once, rather than in
	// every exchange that has it.
	valueText []byte
	valueEnds []int

	classes []class
	// classKeys finds a class by its key (classKey), the form LoadIndex
	// reads it in, so that most rows cost one map lookup.
	classKeys map[string]uint32
	// classText is the shared search text of every class, each followed by
	// recordSeparator; classEnds[i] is the offset just past class i's.
	classText []byte
	classEnds []int

	// traceIDs holds the trace ids as answered, one after another; rows
	// refer to theirs by offset and length.
	traceIDs []byte

	// text is the search text of every row's trace id, oldest first, each
	// followed by recordSeparator; ends[i] is the offset just past row i's.
	text []byte
	ends []int

	// recent remembers Filter's last answers.
	recent recentFilters
	// scratch holds the rows a scan finds, reused from one keystroke to the
	// next.
	scratch scratchRows
}

// class is the fields of a summary that many summaries share.
type class struct {
	profile, environment, protocol, appID, method, grantType uint32
	outcome, verifyStatus, code, subCode, message            uint32
	status                                                   int32
}

// indexRow is a Summary in a quarter of its size.
type indexRow struct {
	id, time, accessExpires, refreshExpires int64
	duration                                float64
	class                                   uint32
	userID, openID                          uint32
	traceStart                              int
	traceLen                                uint16
	hasSecrets                              bool
}

// recordSeparator ends each row's (and class's) search text; no search term
// holds it.
const recordSeparator = '\x1e'

func newEmptyIndex(capacity int) *Index {
	return &Index{
		rows:      make([]indexRow, 0, capacity),
		values:    []string{""},
		numbers:   map[string]uint32{"": 0},
		valueText: []byte{recordSeparator},
		valueEnds: []int{1},
		classKeys: map[string]uint32{},
		traceIDs:  make([]byte, 0, 32*capacity),
	}
}

// The index reads each exchange as one text: its numbers, its own ids, then
// the fields it shares with many others, as one key that finds their class
// with one lookup. One column costs the driver a small part of what 22 do,
// and one allocation per exchange. Each text field but the last is prefixed
// with its length in bytes, so no byte a gateway sends can shift the fields.
//
// The database makes the text (all but the id) once, when the exchange is
// recorded (indexLineSQL in insertExchangeSQL, and migration 0005 for the
// exchanges recorded before), so loading the index formats nothing.
//
// The lines are read a batch of exchanges at a time, each batch one text the
// database joins, every line prefixed with its length in bytes: per
// exchange the driver then does no work of its own, which was most of the
// load at 300,000 exchanges.
const indexBatchSQL = `SELECT max(id), group_concat(octet_length(line) || ':' || line, '') FROM
	(SELECT e.id AS id, e.id || ':' || e.index_line AS line FROM exchanges e WHERE e.id > ? ORDER BY e.id LIMIT ?)`

// indexBatch is how many exchanges one batch holds: a few hundred kilobytes.
const indexBatch = 2048

// indexLineSQL is the SQL that makes an exchange's index line from its
// columns, named with prefix.
func indexLineSQL(prefix string) string {
	return "printf('%d:%d:%d:%d:%!.17g:', " + prefix + "time, " + prefix + "access_expires_at, " + prefix + "refresh_expires_at, " +
		prefix + "secrets_stored, " + prefix + "duration_ms) || " + packedColumns(prefix, "user_id", "open_id", "trace_id", "") +
		" || " + prefix + "http_status || ':' || " + packedColumns(prefix, "profile", "environment", "protocol", "app_id", "method",
		"grant_type", "outcome", "verify_status", "code", "sub_code", "message")
}

// classFields is how many text fields a class key holds after its status.
const classFields = 11

// packedColumns is the SQL of appendPacked over columns of exchanges, named
// with prefix; an empty name ends the list with every field prefixed.
func packedColumns(prefix string, columns ...string) string {
	var parts []string
	for i, c := range columns {
		switch {
		case c == "":
		case i < len(columns)-1:
			parts = append(parts, "octet_length("+prefix+c+") || ':' || "+prefix+c)
		default:
			parts = append(parts, prefix+c)
		}
	}
	return strings.Join(parts, " || ")
}

// appendPacked writes fields one after another, each but the last prefixed
// with its length and a colon.
func appendPacked(dst []byte, fields ...string) []byte {
	for i, f := range fields {
		if i < len(fields)-1 {
			dst = strconv.AppendInt(dst, int64(len(f)), 10)
			dst = append(dst, ':')
		}
		dst = append(dst, f...)
	}
	return dst
}

// unpack reads len(dst) length-prefixed fields from the start of s into
// dst and returns what follows them.
func unpack(dst []string, s string) (string, bool) {
	for i := range dst {
		colon := strings.IndexByte(s, ':')
		if colon < 0 {
			return "", false
		}
		size, err := strconv.Atoi(s[:colon])
		if err != nil || size < 0 || size > len(s)-colon-1 {
			return "", false
		}
		dst[i], s = s[colon+1:colon+1+size], s[colon+1+size:]
	}
	return s, true
}

// cutNumber reads a number ended by a colon from the start of s.
func cutNumber(s string, float bool) (int64, float64, string, bool) {
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return 0, 0, "", false
	}
	if float {
		f, err := strconv.ParseFloat(s[:colon], 64)
		return 0, f, s[colon+1:], err == nil
	}
	n, err := strconv.ParseInt(s[:colon], 10, 64)
	return n, 0, s[colon+1:], err == nil
}

// classKey is how LoadIndex reads the shared fields of s.
func classKey(s *Summary) string {
	b := strconv.AppendInt(make([]byte, 0, 128), int64(s.HTTPStatus), 10)
	b = append(b, ':')
	return string(appendPacked(b, s.Profile, s.Environment, string(s.Protocol), s.AppID, s.Method, s.GrantType,
		string(s.Outcome), string(s.VerifyStatus), s.Code, s.SubCode, s.Message))
}

// LoadIndex reads the summaries of every exchange into an Index. At 300,000
// exchanges it takes most of a second: show the first page from List, and
// load the index in the background.
func (s *Store) LoadIndex(ctx context.Context) (*Index, error) {
	n, err := s.Count(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	// In id order, which is nearly always oldest first; what is not gets
	// sorted.
	x := newEmptyIndex(n + n/16)
	for after := int64(0); ; {
		var last sql.NullInt64
		var batch sql.NullString
		if err := s.db.QueryRowContext(ctx, indexBatchSQL, after, indexBatch).Scan(&last, &batch); err != nil {
			return nil, s.fail("load the history index", err)
		}
		if !last.Valid {
			break
		}
		for text := batch.String; text != ""; {
			size, rest, ok := strings.Cut(text, ":")
			n, err := strconv.Atoi(size)
			if !ok || err != nil || n > len(rest) || !x.addLine(rest[:n]) {
				return nil, damaged(s.path, "the summary of an exchange is not readable", nil)
			}
			text = rest[n:]
		}
		after = last.Int64
	}
	// The search text is made once the rows are in order, at its size.
	x.sort()
	x.rebuildText()
	return x, nil
}

// addLine adds the exchange LoadIndex read as line at the end of the rows;
// LoadIndex makes the search text once they are all read.
func (x *Index) addLine(line string) bool {
	var (
		r       indexRow
		secrets int64
		ok      bool
	)
	for _, n := range []*int64{&r.id, &r.time, &r.accessExpires, &r.refreshExpires, &secrets} {
		if *n, _, line, ok = cutNumber(line, false); !ok {
			return false
		}
	}
	if _, r.duration, line, ok = cutNumber(line, true); !ok {
		return false
	}
	var own [3]string // user id, open id, trace id
	key, ok := unpack(own[:], line)
	if !ok {
		return false
	}
	c, ok := x.classKeys[key]
	if !ok {
		sum, ok := summaryOfKey(key)
		if !ok {
			return false
		}
		c = x.addClass(strings.Clone(key), &sum)
	}
	r.class, r.hasSecrets = c, secrets != 0
	r.userID, r.openID = x.number(own[0]), x.number(own[1])
	x.setTraceID(&r, own[2])
	x.rows = append(x.rows, r)
	return true
}

// summaryOfKey reads the shared fields back from a class key.
func summaryOfKey(key string) (Summary, bool) {
	colon := strings.IndexByte(key, ':')
	if colon < 0 {
		return Summary{}, false
	}
	status, err := strconv.Atoi(key[:colon])
	var f [classFields]string
	rest, ok := unpack(f[:classFields-1], key[colon+1:])
	if err != nil || !ok {
		return Summary{}, false
	}
	f[classFields-1] = rest
	return Summary{
		HTTPStatus: status, Profile: f[0], Environment: f[1], Protocol: gateway.Protocol(f[2]), AppID: f[3],
		Method: f[4], GrantType: f[5], Outcome: gateway.Outcome(f[6]), VerifyStatus: gateway.VerifyStatus(f[7]),
		Code: f[8], SubCode: f[9], Message: f[10],
	}, true
}

// NewIndex builds an index of summaries given in any order.
func NewIndex(sums []Summary) *Index {
	x := newEmptyIndex(len(sums))
	for i := range sums {
		x.rows = append(x.rows, x.row(&sums[i]))
	}
	x.sort()
	x.rebuildText()
	return x
}

// number returns the number of a value, numbering it when it is new. A new
// value is copied, so that it keeps nothing else it was cut from alive.
func (x *Index) number(v string) uint32 {
	if n, ok := x.numbers[v]; ok {
		return n
	}
	v = strings.Clone(v)
	n := uint32(len(x.values))
	x.values = append(x.values, v)
	x.numbers[v] = n
	x.valueText = append(appendLower(x.valueText, v), recordSeparator)
	x.valueEnds = append(x.valueEnds, len(x.valueText))
	return n
}

// addClass numbers the class whose shared fields are those of s, found
// under key.
func (x *Index) addClass(key string, s *Summary) uint32 {
	n := x.number
	id := uint32(len(x.classes))
	x.classes = append(x.classes, class{
		profile: n(s.Profile), environment: n(s.Environment), protocol: n(string(s.Protocol)),
		appID: n(s.AppID), method: n(s.Method), grantType: n(s.GrantType),
		outcome: n(string(s.Outcome)), verifyStatus: n(string(s.VerifyStatus)),
		code: n(s.Code), subCode: n(s.SubCode), message: n(s.Message),
		status: int32(s.HTTPStatus),
	})
	x.classKeys[key] = id
	x.classText = appendSharedText(x.classText, s)
	x.classText = append(x.classText, recordSeparator)
	x.classEnds = append(x.classEnds, len(x.classText))
	return id
}

// setTraceID keeps a row's trace id. One longer than any gateway sends is
// kept in part: it is shown, and searched, as its first 64 KB.
func (x *Index) setTraceID(r *indexRow, id string) {
	id = id[:min(len(id), 1<<16-1)]
	r.traceStart, r.traceLen = len(x.traceIDs), uint16(len(id))
	x.traceIDs = append(x.traceIDs, id...)
}

func (x *Index) traceID(r *indexRow) string {
	return string(x.traceIDs[r.traceStart : r.traceStart+int(r.traceLen)])
}

// row turns a summary into a row, adding its class when it is new.
func (x *Index) row(s *Summary) indexRow {
	key := classKey(s)
	c, ok := x.classKeys[key]
	if !ok {
		c = x.addClass(key, s)
	}
	r := indexRow{
		id:             s.ID,
		time:           s.Time.UnixNano(),
		accessExpires:  unixNanos(s.AccessExpiresAt),
		refreshExpires: unixNanos(s.RefreshExpiresAt),
		duration:       s.DurationMS,
		class:          c,
		userID:         x.number(s.UserID),
		openID:         x.number(s.OpenID),
		hasSecrets:     s.HasSecrets,
	}
	x.setTraceID(&r, s.TraceID)
	return r
}

func (x *Index) summary(r *indexRow) Summary {
	c := &x.classes[r.class]
	v := func(n uint32) string { return x.values[n] }
	sum := Summary{
		ID:               r.id,
		Time:             time.Unix(0, r.time),
		Profile:          v(c.profile),
		Environment:      v(c.environment),
		Protocol:         gateway.Protocol(v(c.protocol)),
		AppID:            v(c.appID),
		Method:           v(c.method),
		GrantType:        v(c.grantType),
		Outcome:          gateway.Outcome(v(c.outcome)),
		VerifyStatus:     gateway.VerifyStatus(v(c.verifyStatus)),
		HTTPStatus:       int(c.status),
		Code:             v(c.code),
		SubCode:          v(c.subCode),
		Message:          v(c.message),
		User:             v(r.userID),
		UserID:           v(r.userID),
		OpenID:           v(r.openID),
		TraceID:          x.traceID(r),
		DurationMS:       r.duration,
		AccessExpiresAt:  fromUnixNanos(r.accessExpires),
		RefreshExpiresAt: fromUnixNanos(r.refreshExpires),
		HasSecrets:       r.hasSecrets,
	}
	if r.openID != 0 { // as SummaryOf: the open id when there is one
		sum.User = sum.OpenID
	}
	return sum
}

func compareRows(a, b indexRow) int {
	switch {
	case a.time < b.time:
		return -1
	case a.time > b.time:
		return 1
	case a.id < b.id:
		return -1
	case a.id > b.id:
		return 1
	}
	return 0
}

// sort puts the rows oldest first.
func (x *Index) sort() {
	if !slices.IsSortedFunc(x.rows, compareRows) {
		slices.SortFunc(x.rows, compareRows)
	}
}

// rebuildText makes the rows' search text, in their order: as long as the
// trace ids and their separators when they are ASCII, as gateways send
// them (the lower case of other text may be longer, and append grows it).
func (x *Index) rebuildText() {
	x.text = make([]byte, 0, len(x.traceIDs)+len(x.rows))
	x.ends = make([]int, len(x.rows))
	for i := range x.rows {
		x.text = x.appendText(x.text, &x.rows[i])
		x.ends[i] = len(x.text)
	}
}

func (x *Index) appendText(dst []byte, r *indexRow) []byte {
	dst = appendLower(dst, x.traceID(r))
	return append(dst, recordSeparator)
}

// Len is the number of summaries in the index.
func (x *Index) Len() int {
	return len(x.rows)
}

// At returns the summary at position i, 0 being the newest.
func (x *Index) At(i int) Summary {
	return x.summary(&x.rows[len(x.rows)-1-i])
}

// Filter finds the summaries that contain every word of text, ignoring case
// (as Filter.Text does), and returns their positions, newest first, in
// dst's array when it is large enough (dst[:0] is written over): a caller
// that passes back the last answer allocates nothing once it has grown.
// Empty text matches every summary.
//
// A keystroke usually narrows the last filter ("isv.c" becomes "isv.co") or
// goes back to an earlier one (backspace), so the index remembers its last
// few answers: a narrower filter looks only at the rows an earlier one found
// when they are few, and an earlier one is answered from memory.
func (x *Index) Filter(dst []int32, text string) []int32 {
	dst = dst[:0]
	n := len(x.rows)
	terms := searchTerms(text)
	if len(terms) == 0 {
		for i := range n {
			dst = append(dst, int32(i))
		}
		return dst
	}
	// The longest term likely matches least: look for it first.
	slices.SortStableFunc(terms, func(a, b string) int { return len(b) - len(a) })
	key := strings.Join(terms, " ")
	// Rows are oldest first; positions count from the newest.
	positions := func(rows []int32) []int32 {
		for i := len(rows) - 1; i >= 0; i-- {
			dst = append(dst, int32(n-1)-rows[i])
		}
		return dst
	}
	if rows, ok := x.recent.get(key); ok {
		return positions(rows)
	}
	if base, ok := x.recent.narrowing(terms); ok && len(base) <= n/4 {
		rows := x.refine(base, terms)
		x.recent.put(key, terms, rows)
		return positions(rows)
	}
	x.scratch.mu.Lock()
	defer x.scratch.mu.Unlock()
	parts := x.scan(terms)
	found := 0
	for _, p := range parts {
		found += len(p)
	}
	if found <= recentFilterRows { // worth remembering: kept in a copy
		rows := make([]int32, 0, found)
		for _, p := range parts {
			rows = append(rows, p...)
		}
		x.recent.put(key, terms, rows)
	}
	for i := len(parts) - 1; i >= 0; i-- {
		dst = positions(parts[i])
	}
	return dst
}

// scratchRows are the rows each part of a scan found, reused by the next
// scan; one scan uses them at a time.
type scratchRows struct {
	mu    sync.Mutex
	parts [][]int32
}

// match is what a filter looks for: its words, and for each the classes
// and the values whose text holds it.
type match struct {
	words   [][]byte
	classes [][]bool
	values  [][]bool
	// shared says whether any class or value holds the first word.
	shared bool
}

func (x *Index) match(terms []string) match {
	m := match{words: make([][]byte, len(terms)), classes: make([][]bool, len(terms)), values: make([][]bool, len(terms))}
	for i, t := range terms {
		m.words[i] = []byte(t)
		m.classes[i] = holding(x.classText, x.classEnds, m.words[i])
		m.values[i] = holding(x.valueText, x.valueEnds, m.words[i])
	}
	m.shared = slices.Contains(m.classes[0], true) || slices.Contains(m.values[0], true)
	return m
}

// holding marks the records of text, which end at ends, that hold word.
func holding(text []byte, ends []int, word []byte) []bool {
	hold := make([]bool, len(ends))
	off, c := 0, 0
	for {
		i := bytes.Index(text[off:], word)
		if i < 0 {
			return hold
		}
		for at := off + i; ends[c] <= at; {
			c++
		}
		hold[c] = true
		off = ends[c]
		c++
	}
}

// holdsShared reports whether row r's class, user id or open id holds word
// i of the match.
func (m *match) holdsShared(i int, r *indexRow) bool {
	return m.classes[i][r.class] || m.values[i][r.userID] || m.values[i][r.openID]
}

// holds reports whether row r holds word i of the match.
func (x *Index) holds(m *match, i, r int) bool {
	return m.holdsShared(i, &x.rows[r]) || bytes.Contains(x.rowText(r), m.words[i])
}

// rowText is the own search text of row r, with its separator.
func (x *Index) rowText(r int) []byte {
	start := 0
	if r > 0 {
		start = x.ends[r-1]
	}
	return x.text[start:x.ends[r]]
}

// refine keeps the rows of base that hold every term.
func (x *Index) refine(base []int32, terms []string) []int32 {
	m := x.match(terms)
	var out []int32
	for _, r := range base {
		if x.holdsAll(&m, int(r), 0) {
			out = append(out, r)
		}
	}
	return out
}

func (x *Index) holdsAll(m *match, r, from int) bool {
	for i := from; i < len(m.words); i++ {
		if !x.holds(m, i, r) {
			return false
		}
	}
	return true
}

// scanChunk is how many rows one CPU scans at least.
const scanChunk = 16 << 10

// scan finds the rows that hold every term, looking through every row on
// every CPU, and returns them oldest first in parts, in x.scratch. The
// caller holds x.scratch.mu.
func (x *Index) scan(terms []string) [][]int32 {
	m := x.match(terms)
	parts := max(1, min(runtime.GOMAXPROCS(0), len(x.rows)/scanChunk+1))
	found := x.scratch.parts
	for len(found) < parts {
		found = append(found, nil)
	}
	found = found[:parts]
	x.scratch.parts = found
	if parts == 1 {
		found[0] = x.scanRows(found[0][:0], &m, 0, len(x.rows))
		return found
	}
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			found[p] = x.scanRows(found[p][:0], &m, p*len(x.rows)/parts, (p+1)*len(x.rows)/parts)
		})
	}
	wg.Wait()
	return found
}

// scanRows finds, among rows from to to-1, those that hold every word of the
// match. The rows whose class, user id or open id holds the first word are
// candidates, and so are those whose trace id holds it, which one pass
// through their text finds; the other words are checked in the candidates.
func (x *Index) scanRows(out []int32, m *match, from, to int) []int32 {
	if from >= to {
		return out
	}
	start := 0
	if from > 0 {
		start = x.ends[from-1]
	}
	end := x.ends[to-1]
	// find returns where the first word is next in the rows' own text, at
	// or after off; end when it is not.
	find := func(off int) int {
		i := bytes.Index(x.text[off:end], m.words[0])
		if i < 0 {
			return end
		}
		return off + i
	}
	at := find(start)
	for r := from; r < to; r++ {
		switch {
		case at < x.ends[r]: // in this row's own text
			if x.holdsAll(m, r, 1) {
				out = append(out, int32(r))
			}
			at = find(x.ends[r])
		case m.shared:
			if m.holdsShared(0, &x.rows[r]) && x.holdsAll(m, r, 1) {
				out = append(out, int32(r))
			}
		case at == end:
			return out
		default: // no row before the one holding at can match
			for x.ends[r+1] <= at {
				r++
			}
		}
	}
	return out
}

// recentFilters remembers the last answers of Filter, as the rows they
// found, oldest first.
type recentFilters struct {
	mu      sync.Mutex
	entries []recentFilter // the most recent last
	size    int            // rows held by all entries
}

type recentFilter struct {
	key   string
	terms []string
	rows  []int32
}

// An index remembers up to recentFilterCount answers, enough to go back over
// a long word with backspace, holding up to recentFilterRows rows in all
// (a megabyte).
const (
	recentFilterCount = 32
	recentFilterRows  = 256 << 10
)

func (c *recentFilters) get(key string) ([]int32, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if e.key == key {
			c.entries = append(slices.Delete(c.entries, i, i+1), e)
			return e.rows, true
		}
	}
	return nil, false
}

// narrowing returns the smallest remembered answer whose every term is part
// of one of terms: every row that holds terms is among its rows.
func (c *recentFilters) narrowing(terms []string) ([]int32, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var best []int32
	found := false
	for _, e := range c.entries {
		if (!found || len(e.rows) < len(best)) && implied(e.terms, terms) {
			best, found = e.rows, true
		}
	}
	return best, found
}

// implied reports whether text holding every term of terms holds every term
// of old.
func implied(old, terms []string) bool {
	for _, o := range old {
		if !slices.ContainsFunc(terms, func(t string) bool { return strings.Contains(t, o) }) {
			return false
		}
	}
	return true
}

func (c *recentFilters) put(key string, terms []string, rows []int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(rows) > recentFilterRows {
		return
	}
	for len(c.entries) > 0 && (len(c.entries) == recentFilterCount || c.size+len(rows) > recentFilterRows) {
		c.size -= len(c.entries[0].rows)
		c.entries = slices.Delete(c.entries, 0, 1)
	}
	c.entries = append(c.entries, recentFilter{key: key, terms: terms, rows: rows})
	c.size += len(rows)
}

// forget drops every remembered answer, when the rows change.
func (c *recentFilters) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries, c.size = nil, 0
}

// Add puts summaries in the index, such as that of an exchange just
// recorded (SummaryOf the trace, whose ID Record set), or those List finds
// recorded since MaxID. Adding the newest costs little; adding one older
// than the newest rebuilds the index, once for all those given.
func (x *Index) Add(sums ...Summary) {
	x.recent.forget()
	rebuild := false
	for i := range sums {
		r := x.row(&sums[i])
		n := len(x.rows)
		x.rows = append(x.rows, r)
		if rebuild || (n > 0 && compareRows(x.rows[n-1], r) >= 0) {
			rebuild = true
			continue
		}
		x.text = x.appendText(x.text, &x.rows[n])
		x.ends = append(x.ends, len(x.text))
	}
	if rebuild {
		x.sort()
		x.rebuildText()
	}
}

// Remove takes the exchange with the given id out of the index and reports
// whether it was there.
func (x *Index) Remove(id int64) bool {
	row := x.find(id)
	if row < 0 {
		return false
	}
	x.recent.forget()
	start := 0
	if row > 0 {
		start = x.ends[row-1]
	}
	width := x.ends[row] - start
	x.rows = slices.Delete(x.rows, row, row+1)
	x.text = slices.Delete(x.text, start, start+width)
	x.ends = slices.Delete(x.ends, row, row+1)
	for i := row; i < len(x.ends); i++ {
		x.ends[i] -= width
	}
	return true
}

// MaxID is the greatest id in the index: List with Filter{AfterID: MaxID()}
// finds what was recorded since, by other processes too, to Add.
func (x *Index) MaxID() int64 {
	var id int64
	for i := range x.rows {
		id = max(id, x.rows[i].id)
	}
	return id
}

// Position returns the position of the exchange with the given id.
func (x *Index) Position(id int64) (int, bool) {
	row := x.find(id)
	if row < 0 {
		return 0, false
	}
	return len(x.rows) - 1 - row, true
}

func (x *Index) find(id int64) int {
	return slices.IndexFunc(x.rows, func(r indexRow) bool { return r.id == id })
}
