package history

import (
	"bytes"
	"context"
	"slices"
	"sort"
	"time"

	"aliauth/gateway"
)

// Index holds the summaries of a whole history in memory so the console can
// filter them as the user types: a keystroke's Filter over 100,000 exchanges
// takes a few milliseconds, with no round trip to the database. It matches
// exactly what Filter.Text matches in the database.
//
// Positions count from the newest exchange (0) to the oldest (Len()-1).
// Filter, At and Position may be called from several goroutines at once, but
// not while Add or Remove runs.
type Index struct {
	rows []indexRow // oldest first
	// values holds each distinct text value once; rows refer to them by
	// number, 0 being "".
	values  []string
	numbers map[string]uint32
	// text is the search text of every row, oldest first, each followed by
	// recordSeparator; ends[i] is the offset just past row i's.
	text []byte
	ends []int
}

// indexRow is a Summary in about a third of its size: its times as Unix
// nanoseconds and its repeated text as numbers.
type indexRow struct {
	id, time, accessExpires, refreshExpires int64
	duration                                float64
	status                                  int32
	hasSecrets                              bool
	traceID                                 string // nearly always unique, so not numbered
	fields                                  [fieldCount]uint32
}

// The text fields of an indexRow.
const (
	fieldProfile = iota
	fieldEnvironment
	fieldProtocol
	fieldAppID
	fieldMethod
	fieldGrantType
	fieldOutcome
	fieldVerifyStatus
	fieldCode
	fieldSubCode
	fieldMessage
	fieldUser
	fieldUserID
	fieldOpenID
	fieldCount
)

// recordSeparator ends each summary's search text in Index.text; no search
// term holds it.
const recordSeparator = '\x1e'

func newEmptyIndex(capacity int) *Index {
	return &Index{
		rows:    make([]indexRow, 0, capacity),
		values:  []string{""},
		numbers: map[string]uint32{"": 0},
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

func (x *Index) row(s *Summary) indexRow {
	r := indexRow{
		id:             s.ID,
		time:           s.Time.UnixNano(),
		accessExpires:  unixNanos(s.AccessExpiresAt),
		refreshExpires: unixNanos(s.RefreshExpiresAt),
		duration:       s.DurationMS,
		status:         int32(s.HTTPStatus),
		hasSecrets:     s.HasSecrets,
		traceID:        s.TraceID,
	}
	for f, v := range [fieldCount]string{
		fieldProfile: s.Profile, fieldEnvironment: s.Environment, fieldProtocol: string(s.Protocol),
		fieldAppID: s.AppID, fieldMethod: s.Method, fieldGrantType: s.GrantType,
		fieldOutcome: string(s.Outcome), fieldVerifyStatus: string(s.VerifyStatus),
		fieldCode: s.Code, fieldSubCode: s.SubCode, fieldMessage: s.Message,
		fieldUser: s.User, fieldUserID: s.UserID, fieldOpenID: s.OpenID,
	} {
		r.fields[f] = x.number(v)
	}
	return r
}

func (x *Index) summary(r *indexRow) Summary {
	v := func(f int) string { return x.values[r.fields[f]] }
	return Summary{
		ID:               r.id,
		Time:             time.Unix(0, r.time),
		Profile:          v(fieldProfile),
		Environment:      v(fieldEnvironment),
		Protocol:         gateway.Protocol(v(fieldProtocol)),
		AppID:            v(fieldAppID),
		Method:           v(fieldMethod),
		GrantType:        v(fieldGrantType),
		Outcome:          gateway.Outcome(v(fieldOutcome)),
		VerifyStatus:     gateway.VerifyStatus(v(fieldVerifyStatus)),
		HTTPStatus:       int(r.status),
		Code:             v(fieldCode),
		SubCode:          v(fieldSubCode),
		Message:          v(fieldMessage),
		User:             v(fieldUser),
		UserID:           v(fieldUserID),
		OpenID:           v(fieldOpenID),
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
	x.text = make([]byte, 0, 200*len(x.rows))
	x.ends = make([]int, len(x.rows))
	for i := range x.rows {
		x.text = x.appendText(x.text, &x.rows[i])
		x.ends[i] = len(x.text)
	}
}

func (x *Index) appendText(dst []byte, r *indexRow) []byte {
	s := x.summary(r)
	dst = appendSearchText(dst, &s)
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
func (x *Index) Filter(text string) []int {
	terms := searchTerms(text)
	n := len(x.rows)
	if len(terms) == 0 {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		return all
	}
	// Scan for the longest term, which likely matches least; check the
	// others only in the rows it finds.
	slices.SortFunc(terms, func(a, b string) int { return len(b) - len(a) })
	first := []byte(terms[0])
	rest := make([][]byte, len(terms)-1)
	for i, t := range terms[1:] {
		rest[i] = []byte(t)
	}
	var rows []int
	off, row := 0, 0
	for {
		i := bytes.Index(x.text[off:], first)
		if i < 0 {
			break
		}
		at := off + i
		from := row
		row = from + sort.Search(len(x.ends)-from, func(k int) bool { return x.ends[from+k] > at })
		start := 0
		if row > 0 {
			start = x.ends[row-1]
		}
		if containsAll(x.text[start:x.ends[row]], rest) {
			rows = append(rows, row)
		}
		off = x.ends[row]
		row++
	}
	// rows are oldest first; positions count from the newest.
	out := make([]int, len(rows))
	for i, r := range rows {
		out[len(rows)-1-i] = n - 1 - r
	}
	return out
}

func containsAll(s []byte, terms [][]byte) bool {
	for _, t := range terms {
		if !bytes.Contains(s, t) {
			return false
		}
	}
	return true
}

// Add puts a summary in the index, such as that of an exchange just
// recorded (SummaryOf the trace, whose ID Record set). Adding the newest
// costs little; adding one older than the newest rebuilds the index.
func (x *Index) Add(s Summary) {
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
