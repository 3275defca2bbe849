package history

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"aliauth/gateway"
)

// helperEnv, when set, makes the test binary run as a helper process (see
// runHelper) instead of running tests: the way tests get a second aliauth
// process that writes to the same database.
const helperEnv = "HISTORY_TEST_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	code := m.Run()
	removeFixture()
	os.Exit(code)
}

// helperCommand runs this test binary as a helper process in the given mode
// on the database at path.
func helperCommand(t testing.TB, mode, path string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, "HISTORY_TEST_DB="+path)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	return cmd
}

// runHelper is the helper process:
//
//	writer: record $HISTORY_TEST_COUNT traces of profile $HISTORY_TEST_NAME,
//	        printing each id once it is committed
//	forever: the same without end, until killed
//	lock: hold the write lock until stdin closes, printing "locked" once held
//	console: open the history view as the console does, saying when the
//	        first page and the index are ready, then print its memory use
//	fixture: write a new database of $HISTORY_TEST_COUNT generated
//	        exchanges, the benchmarks' fixture, for measuring whole processes
func runHelper(mode string) int {
	ctx := context.Background()
	path := os.Getenv("HISTORY_TEST_DB")
	count := 0
	fmt.Sscan(os.Getenv("HISTORY_TEST_COUNT"), &count)
	switch mode {
	case "lock":
		return holdLock(path)
	case "console":
		return console(path)
	case "fixture":
		if err := buildFixture(path, count); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			return 1
		}
		return 0
	}
	name := os.Getenv("HISTORY_TEST_NAME")
	s, err := Open(ctx, path, WithBusyTimeout(30*time.Second))
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	defer s.Close()
	g := newGenerator(uint64(os.Getpid()))
	for i := 0; mode == "forever" || i < count; i++ {
		t := g.trace(time.Now())
		t.Profile = name
		t.AppID = fmt.Sprintf("%s-%d", name, i)
		sum, err := s.Record(ctx, t, true)
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			return 1
		}
		fmt.Println(sum.ID)
	}
	return 0
}

func console(path string) int {
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	defer s.Close()
	page, err := s.List(ctx, Filter{Limit: 50})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	total, _ := s.Count(ctx, Filter{})
	fmt.Println("first-page", len(page), total)
	x, err := s.LoadIndex(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	fmt.Println("index", x.Len())
	var found []int32
	for _, k := range keystrokes {
		found = x.Filter(found, k)
	}
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(line, "VmHWM:") || strings.HasPrefix(line, "VmRSS:") {
				fmt.Println(line)
			}
		}
	}
	runtime.KeepAlive(x)
	return 0
}

func holdLock(path string) int {
	db, err := sql.Open("sqlite", fileURI(path, url.Values{"_txlock": {"immediate"}}))
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin)
	tx.Rollback()
	return 0
}

// newStore opens a fresh database in a temporary directory.
func newStore(t testing.TB, opts ...Option) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "aliauth", "history.db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fixtureSize is the history most benchmarks use: a long-used console.
// Those that show how the store scales also run at bigSize.
const (
	fixtureSize = 100_000
	bigSize     = 300_000
)

// fixture is a database of generated exchanges, built once per test process
// and size for the benchmarks.
type fixture struct {
	once sync.Once
	path string
	err  error
}

var (
	fixturesMu  sync.Mutex
	fixtures    = map[int]*fixture{}
	fixturesDir string
)

func fixturePath(tb testing.TB) string {
	tb.Helper()
	return fixtureOf(tb, fixtureSize)
}

// fixtureOf returns the path of a database of n generated exchanges.
func fixtureOf(tb testing.TB, n int) string {
	tb.Helper()
	fixturesMu.Lock()
	f := fixtures[n]
	if f == nil {
		f = &fixture{}
		fixtures[n] = f
	}
	if fixturesDir == "" {
		var err error
		if fixturesDir, err = os.MkdirTemp("", "aliauth-history-bench-"); err != nil {
			fixturesMu.Unlock()
			tb.Fatal(err)
		}
	}
	dir := fixturesDir
	fixturesMu.Unlock()
	f.once.Do(func() {
		f.path = filepath.Join(dir, fmt.Sprintf("history-%d.db", n))
		f.err = buildFixture(f.path, n)
	})
	if f.err != nil {
		tb.Fatal(f.err)
	}
	return f.path
}

// buildFixture writes n generated exchanges, in one transaction,
// with the rows Import writes. Nothing else has the new file open, so it is
// written without the write-ahead log, which would write everything twice;
// it is put back in WAL mode at the end.
func buildFixture(path string, n int) error {
	ctx := context.Background()
	s, err := Open(ctx, path) // the schema
	if err != nil {
		return err
	}
	s.Close()
	db, err := sql.Open("sqlite", fileURI(path, url.Values{"_pragma": {"journal_mode(OFF)", "synchronous(OFF)"}}))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmts, err := prepareInsert(ctx, tx)
	if err != nil {
		return err
	}
	defer stmts.close()
	// Batches are generated and encoded on every CPU, each by its own
	// generator over its own stretch of time, a few ahead of the one being
	// written.
	const batch = 2000
	ready := make([]chan []*row, (n+batch-1)/batch)
	for k := range ready {
		ready[k] = make(chan []*row, 1)
	}
	ahead := make(chan struct{}, runtime.GOMAXPROCS(0))
	users := newGenerator(0).users // the same 5,000 users throughout
	go func() {
		for k := range ready {
			ahead <- struct{}{}
			go func() {
				g := newGenerator(uint64(k + 1))
				g.users = users
				g.clock = g.clock.Add(time.Duration(k*batch) * time.Minute)
				rows := make([]*row, min(batch, n-k*batch))
				for i, t := range g.traces(len(rows)) {
					rows[i], _ = newRow(t, true) // generated traces always encode
				}
				ready[k] <- rows
			}()
		}
	}()
	for k := range ready {
		rows := <-ready[k]
		<-ahead
		for _, r := range rows {
			if _, err := r.insert(ctx, stmts); err != nil {
				return err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = db.Exec("PRAGMA journal_mode = WAL")
	return err
}

func removeFixture() {
	if fixturesDir != "" {
		os.RemoveAll(fixturesDir)
	}
}

// traceOf returns a trace of a given shape for tests that need one of each.
func sampleTraces() map[string]*gateway.Trace {
	g := newGenerator(7)
	at := time.Date(2025, 11, 1, 8, 0, 0, 0, time.UTC)
	p := genProfiles[0]
	u := g.users[0]
	return map[string]*gateway.Trace{
		"exchange":  g.tokenSuccess(at, p.name, p.env, p.appID, p.gatewayURL, u, "authorization_code", false),
		"refresh":   g.tokenSuccess(at.Add(time.Minute), p.name, p.env, p.appID, p.gatewayURL, u, "refresh_token", false),
		"v3":        g.tokenSuccess(at.Add(2*time.Minute), p.name, p.env, p.appID, p.gatewayURL, u, "refresh_token", true),
		"userinfo":  g.userInfo(at.Add(3*time.Minute), p.name, p.env, p.appID, p.gatewayURL, u),
		"error":     g.gatewayError(at.Add(4*time.Minute), p.name, p.env, p.appID, p.gatewayURL, "authorization_code", "40002", "Invalid Arguments", "isv.code-invalid", "授权码code无效"),
		"transport": g.transportError(at.Add(5*time.Minute), p.name, p.env, p.appID, p.gatewayURL),
		"gbk":       g.gbkError(at.Add(6 * time.Minute)),
	}
}
