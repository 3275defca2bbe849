package history

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
)

func TestMigrationsAreNumbered(t *testing.T) {
	if SchemaVersion() < 2 {
		t.Fatalf("SchemaVersion() = %d: there should be a schema to migrate from", SchemaVersion())
	}
	for i, m := range migrations() {
		if m.version != i+1 || !strings.HasPrefix(m.name, strings.Repeat("0", 4-len(itoa(i+1)))+itoa(i+1)+"_") {
			t.Errorf("migration %d is %s (version %d)", i+1, m.name, m.version)
		}
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// schemaV1 writes a database as schema version 1 left it, holding traces.
func schemaV1(t *testing.T, path string, traces []*gateway.Trace) {
	t.Helper()
	db := rawDB(t, path, url.Values{"_pragma": {"journal_mode(WAL)", "foreign_keys(ON)"}})
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(migrations()[0].sql); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("PRAGMA user_version = 1"); err != nil {
		t.Fatal(err)
	}
	for _, tr := range traces {
		s := SummaryOf(tr)
		res, err := tx.Exec(`INSERT INTO exchanges (time, profile, environment, protocol, app_id, method,
			grant_type, outcome, verify_status, http_status, code, sub_code, message, user_id, open_id,
			trace_id, duration_ms, access_expires_at, refresh_expires_at, secrets_stored)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.Time.UnixNano(), s.Profile, s.Environment, s.Protocol, s.AppID, s.Method,
			s.GrantType, s.Outcome, s.VerifyStatus, s.HTTPStatus, s.Code, s.SubCode, s.Message, s.UserID, s.OpenID,
			s.TraceID, s.DurationMS, unixNanos(s.AccessExpiresAt), unixNanos(s.RefreshExpiresAt), s.HasSecrets)
		if err != nil {
			t.Fatal(err)
		}
		tr.ID, _ = res.LastInsertId()
		c := *tr
		c.ID = 0
		js, _ := json.Marshal(&c)
		if _, err := tx.Exec("INSERT INTO traces (exchange_id, json) VALUES (?, ?)", tr.ID, js); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateFromVersion1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	g := newGenerator(51)
	traces := append(g.traces(300), sampleTraces()["gbk"])
	// One with only a user id, as apps from before the open id answer.
	only := traces[slices.IndexFunc(traces, func(tr *gateway.Trace) bool { return tr.Tokens != nil })]
	only.Tokens.OpenID = ""
	var result map[string]any
	json.Unmarshal(only.Result, &result)
	delete(result, "open_id")
	only.Result, _ = json.Marshal(result)
	schemaV1(t, path, traces)

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var version int
	s.db.QueryRow("PRAGMA user_version").Scan(&version)
	if version != SchemaVersion() {
		t.Fatalf("schema version %d after Open, want %d", version, SchemaVersion())
	}
	got, err := s.List(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(traces) {
		t.Fatalf("%d exchanges after migration, want %d", len(got), len(traces))
	}
	byID := map[int64]Summary{}
	for _, sum := range got {
		byID[sum.ID] = sum
	}
	for _, tr := range traces {
		want := SummaryOf(tr)
		if have := byID[tr.ID]; !summariesEqual(have, want) {
			t.Errorf("exchange %d after migration:\nhave %+v\nwant %+v", tr.ID, have, want)
		}
	}
	if byID[only.ID].User != only.Tokens.UserID {
		t.Error("an exchange with only a user id should belong to that user")
	}
	// The migration computed the same search text Go does.
	rows, err := s.db.Query("SELECT id, search FROM exchanges")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var search string
		rows.Scan(&id, &search)
		sum := byID[id]
		if want := searchText(&sum); search != want {
			t.Errorf("exchange %d: migrated search text\n%q\nwant\n%q", id, search, want)
		}
	}
	rows.Close()
	// And everything works on the migrated rows.
	if n, _ := s.Count(ctx, Filter{User: traces[0].Tokens.Subject()}); n == 0 {
		t.Error("the user filter finds nothing after migration")
	}
	x, err := s.LoadIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, term := range []string{"isv.code", "sandbox", "502", traces[9].Response.TraceID[3:12]} {
		list, _ := s.List(ctx, Filter{Text: term})
		var fromIndex []int64
		for _, p := range x.Filter(nil, term) {
			fromIndex = append(fromIndex, x.At(int(p)).ID)
		}
		if len(list) == 0 || !slices.Equal(ids(list), fromIndex) {
			t.Errorf("Filter %q after migration: list %d, index %d", term, len(list), len(fromIndex))
		}
	}
	last := traces[len(traces)-1]
	tr, err := s.Get(ctx, last.ID)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(last)
	have, _ := json.Marshal(tr)
	if string(want) != string(have) {
		t.Error("a trace changed in migration")
	}
	if _, err := s.Record(ctx, g.traces(1)[0], true); err != nil {
		t.Fatal(err)
	}
}

func TestMigrationIsOneTransaction(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	schemaV1(t, path, newGenerator(52).traces(10))
	saved := migrations
	steps := append(slices.Clone(saved()), migration{
		version: len(saved()) + 1,
		name:    "0099_broken.sql",
		sql:     "CREATE TABLE broken (x); CREATE TABLE exchanges (x);",
	})
	migrations = func() []migration { return steps }
	_, err := Open(ctx, path)
	migrations = saved
	if err == nil || !strings.Contains(err.Error(), "0099_broken.sql") {
		t.Fatalf("Open with a broken migration: %v", err)
	}
	db := rawDB(t, path, nil)
	var version, broken int
	db.QueryRow("PRAGMA user_version").Scan(&version)
	db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name IN ('broken', 'exchanges_user')").Scan(&broken)
	if version != 1 || broken != 0 {
		t.Errorf("a failed migration left version %d and %d of its objects", version, broken)
	}
	db.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, _ := s.Count(ctx, Filter{}); n != 10 {
		t.Errorf("%d exchanges after the retried migration, want 10", n)
	}
}

func TestMigrateWhileLocked(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	schemaV1(t, path, newGenerator(53).traces(3))
	db := rawDB(t, path, url.Values{"_txlock": {"immediate"}})
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, err = Open(ctx, path, WithBusyTimeout(150*time.Millisecond))
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "another aliauth process") {
		t.Fatalf("Open of a held database that needs migrating: %v", err)
	}
}

// The migration that fills the index line of exchanges recorded before it
// makes the line as a new record does.
func TestIndexLineMigrationMatchesRecord(t *testing.T) {
	body, err := migrationFiles.ReadFile("migrations/0005_index_line.sql")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(strings.Fields(string(body)), " "), "SET index_line = "+indexLineSQL("")+";") {
		t.Fatalf("migration 0005 does not make the line indexLineSQL makes:\n%s", body)
	}
}
