package history

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one step of the schema, from version-1 to version.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations are the schema's steps in order; the schema version (PRAGMA
// user_version) is the number of steps applied. They are read the first
// time a database is opened.
var migrations = sync.OnceValue(loadMigrations)

// SchemaVersion is the schema version this aliauth writes.
func SchemaVersion() int {
	return len(migrations())
}

// loadMigrations reads migrations/NNNN_name.sql, which must be numbered 1, 2,
// 3... without gaps.
func loadMigrations() []migration {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		panic(err)
	}
	var out []migration
	for i, name := range names { // Glob sorts
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil || version != i+1 {
			panic(fmt.Sprintf("history: migration %s is out of sequence: want %04d_name.sql", name, i+1))
		}
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			panic(err)
		}
		out = append(out, migration{version: version, name: base, sql: string(body)})
	}
	return out
}

// migrate brings the schema up to SchemaVersion in one transaction, so a
// database is either at its old version or at the new one. A database from a
// newer aliauth is refused, never migrated down.
func (s *Store) migrate(ctx context.Context) error {
	version, err := s.userVersion(ctx, s.db)
	if err != nil {
		return s.fail("read the schema version", err)
	}
	if version == SchemaVersion() {
		return nil
	}
	if version > SchemaVersion() {
		return newerVersion(s.path, version, SchemaVersion())
	}
	return s.upgrade(ctx)
}

// upgrade applies the steps after the current version, holding the write
// lock.
func (s *Store) upgrade(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.fail("begin the schema migration", err)
	}
	defer tx.Rollback()
	// Another process may have migrated while this one waited for the lock.
	version, err := s.userVersion(ctx, tx)
	if err != nil {
		return s.fail("read the schema version", err)
	}
	if version > SchemaVersion() {
		return newerVersion(s.path, version, SchemaVersion())
	}
	for _, m := range migrations()[version:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return s.fail("migrate the schema to version "+strconv.Itoa(m.version)+" ("+m.name+")", err)
		}
		if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(m.version)); err != nil {
			return s.fail("record the schema version", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.fail("commit the schema migration", err)
	}
	return nil
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) userVersion(ctx context.Context, q queryRower) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}
