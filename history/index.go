package history

import (
	"bytes"
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"aliauth/gateway"
)

// Index holds the summaries of a whole history in memory so the console can
// filter them as the user types, with no round trip to the database: at
// 100,000 exchanges a keystroke's Filter takes a few milliseconds at most.
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

	// values holds each distinct text value once; rows and classes refer to
	// them by number, 0 being "".
	values  []string
	numbers map[string]uint32

	classes  []class
	classIDs map[class]uint32
	// classText is the shared search text of every class, each followed by
	// recordSeparator; classEnds[i] is the offset just past class i's.
	classText []byte
	classEnds []int

	// text is the own search text of every row, oldest first, each followed
	// by recordSeparator; ends[i] is the offset just past row i's.
	text []byte
	ends []int

	// recent remembers Filter's last answers.
	recent recentFilters
}

// class is the fields of a summary that many summaries share.
type class struct {
	profile, environment, protocol, appID, method, grantType uint32
	outcome, verifyStatus, code, subCode, message            uint32
	status                                                   int32
}

// indexRow is a Summary in about a third of its size.
type indexRow struct {
	id, time, accessExpires, refreshExpires int64
	duration                                float64
	class                                   uint32
	user, userID, openID                    uint32
	hasSecrets                              bool
	traceID                                 string // nearly always unique, so not numbered
}

// recordSeparator ends each row's (and class's) search text; no search term
// holds it.
const recordSeparator = '\x1e'

func newEmptyIndex(capacity int) *Index {
	return &Index{
		rows:     make([]indexRow, 0, capacity),
		values:   []string{""},
		numbers:  map[string]uint32{"": 0},
		classIDs: map[class]uint32{},
	}
}

// LoadIndex reads the summaries of every exchange into an Index. At 100,000
// exchanges it takes a few hundred milliseconds: show the first page from
// List, and load the index in the background.
func (s *Store) LoadIndex(ctx context.Context) (*Index, error) {
	n, err := s.Count(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	// In table order, which is nearly always oldest first; what is not gets
	// sorted.
	rows, err := s.db.QueryContext(ctx, "SELECT "+summaryColumns+" FROM exchanges e")
	if err != nil {
		return nil, s.fail("load the history index", err)
	}
	defer rows.Close()
	x := newEmptyIndex(n + n/16)
	sc := newSummaryScanner(false) // the index numbers the strings itself
	var sum Summary
	for rows.Next() {
		if err := sc.scan(rows, &sum); err != nil {
			return nil, s.fail("load the history index", err)
		}
		x.rows = append(x.rows, x.row(&sum))
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("load the history index", err)
	}
	x.sort()
	x.rebuildText()
	return x, nil
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

func (x *Index) number(v string) uint32 {
	if n, ok := x.numbers[v]; ok {
		return n
	}
	n := uint32(len(x.values))
	x.values = append(x.values, v)
	x.numbers[v] = n
	return n
}

// row turns a summary into a row, adding its class when it is new.
func (x *Index) row(s *Summary) indexRow {
	n := x.number
	c := class{
		profile: n(s.Profile), environment: n(s.Environment), protocol: n(string(s.Protocol)),
		appID: n(s.AppID), method: n(s.Method), grantType: n(s.GrantType),
		outcome: n(string(s.Outcome)), verifyStatus: n(string(s.VerifyStatus)),
		code: n(s.Code), subCode: n(s.SubCode), message: n(s.Message),
		status: int32(s.HTTPStatus),
	}
	id, ok := x.classIDs[c]
	if !ok {
		id = uint32(len(x.classes))
		x.classes = append(x.classes, c)
		x.classIDs[c] = id
		x.classText = appendSharedText(x.classText, s)
		x.classText = append(x.classText, recordSeparator)
		x.classEnds = append(x.classEnds, len(x.classText))
	}
	return indexRow{
		id:             s.ID,
		time:           s.Time.UnixNano(),
		accessExpires:  unixNanos(s.AccessExpiresAt),
		refreshExpires: unixNanos(s.RefreshExpiresAt),
		duration:       s.DurationMS,
		class:          id,
		user:           n(s.User),
		userID:         n(s.UserID),
		openID:         n(s.OpenID),
		hasSecrets:     s.HasSecrets,
		traceID:        s.TraceID,
	}
}

func (x *Index) summary(r *indexRow) Summary {
	c := &x.classes[r.class]
	v := func(n uint32) string { return x.values[n] }
	return Summary{
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
		User:             v(r.user),
		UserID:           v(r.userID),
		OpenID:           v(r.openID),
		TraceID:          r.traceID,
		DurationMS:       r.duration,
		AccessExpiresAt:  fromUnixNanos(r.accessExpires),
		RefreshExpiresAt: fromUnixNanos(r.refreshExpires),
		HasSecrets:       r.hasSecrets,
	}
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

func (x *Index) rebuildText() {
	x.text = make([]byte, 0, 100*len(x.rows))
	x.ends = make([]int, len(x.rows))
	for i := range x.rows {
		x.text = x.appendText(x.text, &x.rows[i])
		x.ends[i] = len(x.text)
	}
}

func (x *Index) appendText(dst []byte, r *indexRow) []byte {
	s := Summary{UserID: x.values[r.userID], OpenID: x.values[r.openID], TraceID: r.traceID}
	dst = appendOwnText(dst, &s)
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

// Filter returns the positions of the summaries that contain every word of
// text, ignoring case (as Filter.Text does), newest first. Empty text
// matches every summary.
//
// A keystroke usually narrows the last filter ("isv.c" becomes "isv.co") or
// goes back to an earlier one (backspace), so the index remembers its last
// few answers: a narrower filter looks only at the rows an earlier one found
// when they are few, and an earlier one is answered from memory.
func (x *Index) Filter(text string) []int {
	terms := searchTerms(text)
	if len(terms) == 0 {
		all := make([]int, len(x.rows))
		for i := range all {
			all[i] = i
		}
		return all
	}
	// The longest term likely matches least: look for it first.
	slices.SortStableFunc(terms, func(a, b string) int { return len(b) - len(a) })
	key := strings.Join(terms, " ")
	rows, ok := x.recent.get(key)
	if !ok {
		if base, ok := x.recent.narrowing(terms); ok && len(base) <= len(x.rows)/4 {
			rows = x.refine(base, terms)
		} else {
			rows = x.scan(terms)
		}
		x.recent.put(key, terms, rows)
	}
	// rows are oldest first; positions count from the newest.
	n := len(x.rows)
	out := make([]int, len(rows))
	for i, r := range rows {
		out[len(rows)-1-i] = n - 1 - int(r)
	}
	return out
}

// match is what a filter looks for: its words, and for each the classes
// whose shared text holds it.
type match struct {
	words   [][]byte
	classes [][]bool
}

func (x *Index) match(terms []string) match {
	m := match{words: make([][]byte, len(terms)), classes: make([][]bool, len(terms))}
	for i, t := range terms {
		m.words[i] = []byte(t)
		m.classes[i] = x.classesHolding(m.words[i])
	}
	return m
}

// classesHolding marks the classes whose shared text holds word.
func (x *Index) classesHolding(word []byte) []bool {
	hold := make([]bool, len(x.classes))
	off, c := 0, 0
	for {
		i := bytes.Index(x.classText[off:], word)
		if i < 0 {
			return hold
		}
		for at := off + i; x.classEnds[c] <= at; {
			c++
		}
		hold[c] = true
		off = x.classEnds[c]
		c++
	}
}

// holds reports whether row r holds word i of the match, other than in the
// text the caller already looked through.
func (x *Index) holds(m *match, i, r int) bool {
	return m.classes[i][x.rows[r].class] || bytes.Contains(x.rowText(r), m.words[i])
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

// scan finds the rows that hold every term, looking through every row.
func (x *Index) scan(terms []string) []int32 {
	m := x.match(terms)
	parts := min(runtime.GOMAXPROCS(0), len(x.rows)/scanChunk+1)
	if parts == 1 {
		return x.scanRows(&m, 0, len(x.rows))
	}
	found := make([][]int32, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			found[p] = x.scanRows(&m, p*len(x.rows)/parts, (p+1)*len(x.rows)/parts)
		})
	}
	wg.Wait()
	return slices.Concat(found...)
}

// scanRows finds, among rows from to to-1, those that hold every word of the
// match. The rows whose class holds the first word are candidates, and so
// are those whose own text holds it, which one pass through their text
// finds; the other words are checked in the candidates.
func (x *Index) scanRows(m *match, from, to int) []int32 {
	var out []int32
	if from >= to {
		return out
	}
	byClass := slices.Contains(m.classes[0], true)
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
		case byClass:
			if m.classes[0][x.rows[r].class] && x.holdsAll(m, r, 1) {
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

// Add puts a summary in the index, such as that of an exchange just
// recorded (SummaryOf the trace, whose ID Record set). Adding the newest
// costs little; adding one older than the newest rebuilds the index.
func (x *Index) Add(s Summary) {
	x.recent.forget()
	r := x.row(&s)
	n := len(x.rows)
	if n == 0 || compareRows(x.rows[n-1], r) < 0 {
		x.rows = append(x.rows, r)
		x.text = x.appendText(x.text, &x.rows[n])
		x.ends = append(x.ends, len(x.text))
		return
	}
	i, _ := slices.BinarySearchFunc(x.rows, r, compareRows)
	x.rows = slices.Insert(x.rows, i, r)
	x.rebuildText()
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
