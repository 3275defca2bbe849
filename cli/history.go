package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"aliauth/gateway"
	"aliauth/history"
	"aliauth/internal/atomicfile"
	"aliauth/internal/safetext"
)

func (a *app) runHistory(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError("history needs a subcommand: list, show, export, import, bundle, delete or prune")
	}
	sub, args := args[0], args[1:]
	run := map[string]func(context.Context, []string) error{
		"list": a.historyList, "show": a.historyShow, "export": a.historyExport,
		"import": a.historyImport, "delete": a.historyDelete, "prune": a.historyPrune, "bundle": a.historyBundle,
	}[sub]
	if run == nil {
		return usageError("history %s: unknown subcommand; use list, show, export, import, bundle, delete or prune", sub)
	}
	return run(ctx, args)
}

// historyFlags registers --history and the filters list and export share.
type historyFlags struct {
	path    string
	grep    string
	profile string
	method  string
	outcome string
	user    string
	since   string
	limit   int
	reveal  bool
	jsonOut bool
}

func (h *historyFlags) register(fs *flag.FlagSet, filters bool, limit int) {
	fs.StringVar(&h.path, "history", "", "history database (env ALIAUTH_HISTORY)")
	if !filters {
		return
	}
	fs.StringVar(&h.grep, "grep", "", "keep calls whose summary contains these words (ids, codes, messages, trace id)")
	fs.StringVar(&h.profile, "profile", "", "keep calls made with this profile")
	fs.StringVar(&h.method, "method", "", "keep calls of this method (alipay.system.oauth.token, alipay.user.info.share)")
	fs.StringVar(&h.outcome, "outcome", "", "keep calls with this outcome: success, gateway-error, transport-error, untrusted")
	fs.StringVar(&h.user, "user", "", "keep calls for this user id or open id")
	fs.StringVar(&h.since, "since", "", "keep calls since a time: 2h, 7d, 2026-11-20 or RFC 3339")
	fs.IntVar(&h.limit, "limit", limit, "at most this many, newest first (0: all)")
}

// parse reads the command line of a command that takes only filters.
func (h *historyFlags) parse(fs *flag.FlagSet, args []string) (history.Filter, error) {
	args, err := parseArgs(fs, args)
	if err != nil {
		return history.Filter{}, err
	}
	if err := wantArgs(fs, args, 0, 0, "no arguments (filters are flags)"); err != nil {
		return history.Filter{}, err
	}
	return h.filter()
}

func (h *historyFlags) filter() (history.Filter, error) {
	f := history.Filter{Text: h.grep, Profile: h.profile, Method: h.method, Outcome: h.outcome, User: h.user, Limit: h.limit}
	if h.outcome != "" {
		switch gateway.Outcome(h.outcome) {
		case gateway.OutcomeSuccess, gateway.OutcomeGatewayError, gateway.OutcomeTransportError, gateway.OutcomeUntrusted:
		default:
			return f, usageError("--outcome %q: use success, gateway-error, transport-error or untrusted", h.outcome)
		}
	}
	if h.since != "" {
		t, err := history.ParseSince(h.since, now())
		if err != nil {
			return f, usageError("--since: %v", err)
		}
		f.Since = t
	}
	if h.limit < 0 {
		return f, usageError("--limit %d: use 0 for all, or a positive number", h.limit)
	}
	return f, nil
}

func (a *app) openStore(ctx context.Context, path string, opts ...history.Option) (*history.Store, error) {
	s, err := openHistory(ctx, path, opts...)
	if err != nil {
		return nil, usage(err)
	}
	return s, nil
}

// openToRead opens the history for a command that only reads it, which
// must not create one where there is none (a mistyped --history, say): then
// the error matches os.ErrNotExist.
func (a *app) openToRead(ctx context.Context, path string) (*history.Store, error) {
	return a.openStore(ctx, path, history.Existing())
}

// openForChange opens the history for a command that deletes or adds
// calls. It refuses a database SQLite reports as damaged: a change there
// can spread the damage to pages still readable.
func (a *app) openForChange(ctx context.Context, path, command string) (*history.Store, error) {
	s, err := a.openStore(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := s.Check(ctx); err != nil {
		s.Close()
		return nil, usageError("%s refused, nothing was changed: %v; aliauth history export --history %s -o FILE rescues the calls that can still be read",
			command, historyError(err), s.Path())
	}
	return s, nil
}

// historyError says how to pick another database, where the error calls
// for one.
func historyError(err error) error {
	for _, kind := range []error{history.ErrDamaged, history.ErrLocked, history.ErrNewerVersion, history.ErrUnusable} {
		if errors.Is(err, kind) {
			return fmt.Errorf("%w; --history FILE (or %s) picks another database", err, history.EnvHistory)
		}
	}
	return err
}

func (a *app) historyList(ctx context.Context, args []string) error {
	var h historyFlags
	fs := a.newFlagSet("history list", "[filters]", "List recorded calls, newest first. --json prints each as the trace shape (tokens masked unless --reveal).")
	h.register(fs, true, 20)
	fs.BoolVar(&h.jsonOut, "json", false, "print the traces as a JSON array")
	fs.BoolVar(&h.reveal, "reveal", false, "with --json, show tokens in full")
	f, err := h.parse(fs, args)
	if err != nil {
		return err
	}
	store, err := a.openToRead(ctx, h.path)
	if errors.Is(err, os.ErrNotExist) {
		if h.jsonOut {
			return writeJSON(a.stdout, []*gateway.Trace{})
		}
		say(a.stdout, "no calls recorded: "+err.Error())
		return nil
	}
	if err != nil {
		return err
	}
	defer store.Close()
	sums, err := store.List(ctx, f)
	if err != nil {
		return err
	}
	if h.jsonOut {
		traces := make([]*gateway.Trace, 0, len(sums))
		for _, s := range sums {
			t, err := store.Get(ctx, s.ID)
			if err != nil {
				return err
			}
			if !h.reveal {
				t = t.Redact(gateway.Mask)
			}
			traces = append(traces, t)
		}
		return writeJSON(a.stdout, traces)
	}
	if len(sums) == 0 {
		say(a.stdout, "no calls recorded match; the database is "+store.Path())
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTIME\tPROFILE\tCALL\tOUTCOME\tVERIFY\tDETAIL")
	for _, s := range sums {
		// A stored trace holds what its gateway sent (or what an import
		// brought): each cell is shown, never obeyed, and stays one cell.
		cells := []string{strconv.FormatInt(s.ID, 10), s.Time.Local().Format("2006-01-02 15:04:05"), s.Profile,
			gateway.CallName(s.Method, s.GrantType), string(s.Outcome), string(s.VerifyStatus), summaryDetail(s)}
		for i, c := range cells {
			cells[i] = safetext.Line(c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// Counted up to a cap, so a common term answers as fast as a rare one.
	all := f
	all.Limit = 0
	most := max(1000, len(sums))
	total, more, err := store.CountAtMost(ctx, all, most)
	switch {
	case err != nil:
	case more && most == 1000:
		fmt.Fprintf(a.stdout, "(%d of 1,000+; --limit 0 lists all)\n", len(sums))
	case more:
		fmt.Fprintf(a.stdout, "(%d of more than %d; --limit 0 lists all)\n", len(sums), most)
	case total > len(sums):
		fmt.Fprintf(a.stdout, "(%d of %d; --limit 0 lists all)\n", len(sums), total)
	}
	return nil
}

func summaryDetail(s history.Summary) string {
	switch {
	case s.SubCode != "":
		return s.SubCode + " " + oneLine(s.Message)
	case s.Outcome == gateway.OutcomeTransportError:
		return oneLine(s.Message)
	case s.User != "":
		return "user " + s.User
	}
	return s.Code
}

func (a *app) historyShow(ctx context.Context, args []string) error {
	var h historyFlags
	fs := a.newFlagSet("history show", "ID [--chain] [--json] [--reveal]", "Show one recorded call with every step, or with --chain its token lineage.")
	h.register(fs, false, 0)
	fs.BoolVar(&h.jsonOut, "json", false, "print the trace as JSON")
	fs.BoolVar(&h.reveal, "reveal", false, "show tokens in full")
	chain := fs.Bool("chain", false, "show the lineage instead: the auth code, the exchange, each refresh that rotated its refresh token, and which holds the live one")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, args, 1, 1, "one history id"); err != nil {
		return err
	}
	id, err := parseID(args[0])
	if err != nil {
		return err
	}
	store, err := a.openToRead(ctx, h.path)
	if err != nil {
		return err
	}
	defer store.Close()
	if *chain {
		return a.historyChain(ctx, store, id, h.jsonOut)
	}
	t, err := getRecorded(ctx, store, id)
	if err != nil {
		return err
	}
	if h.jsonOut {
		return printTraceJSON(a.stdout, t, h.reveal)
	}
	fmt.Fprintf(a.stdout, "#%d at %s\n", t.ID, t.Time.Local().Format("2006-01-02 15:04:05 MST"))
	printTrace(a.stdout, t, printOptions{reveal: h.reveal, verbose: true, now: now()})
	printTriage(a.stdout, codeTriage("")(ctx, store, t))
	return nil
}

// getRecorded reads a recorded call; an id history does not hold is a usage
// error, whose message already says where the ids are listed.
func getRecorded(ctx context.Context, store *history.Store, id int64) (*gateway.Trace, error) {
	t, err := store.Get(ctx, id)
	if errors.Is(err, history.ErrNotFound) {
		return nil, usage(err)
	}
	return t, err
}

// historyChain prints the lineage an exchange belongs to.
func (a *app) historyChain(ctx context.Context, store *history.Store, id int64, jsonOut bool) error {
	c, err := store.Chain(ctx, id)
	if errors.Is(err, history.ErrNotFound) {
		return usage(err)
	}
	if err != nil {
		return err
	}
	if jsonOut {
		return writeJSON(a.stdout, chainJSON(c))
	}
	printChain(a.stdout, c, id)
	return nil
}

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, usageError("%q is not a history id; ids are the numbers aliauth history list shows", s)
	}
	return id, nil
}

func (a *app) historyExport(ctx context.Context, args []string) error {
	var h historyFlags
	fs := a.newFlagSet("history export", "[filters] [-o FILE] [--reveal]", "Write recorded calls as JSON Lines, one trace per line, tokens masked unless --reveal.")
	h.register(fs, true, 0)
	fs.BoolVar(&h.reveal, "reveal", false, "keep tokens in full")
	out := fs.String("o", "-", "file to write (- for standard output)")
	f, err := h.parse(fs, args)
	if err != nil {
		return err
	}
	store, err := a.openToRead(ctx, h.path)
	if errors.Is(err, os.ErrNotExist) {
		say(a.stderr, "aliauth: nothing exported: "+err.Error())
		return nil
	}
	if err != nil {
		return err
	}
	defer store.Close()
	if *out == "-" {
		n, err := store.Export(ctx, a.stdout, f, h.reveal)
		return exported(a.stderr, n, "", err)
	}
	return writeExport(ctx, store, *out, f, h.reveal, a.stderr)
}

// exported reports an export: how many calls went where and, from a
// damaged database, how many could not be read. Those are skipped rather
// than fail the export, so the readable ones can be rescued.
func exported(log io.Writer, n int, path string, err error) error {
	var skipped *history.SkippedError
	switch {
	case errors.As(err, &skipped):
		say(log, fmt.Sprintf("aliauth: exported %d calls%s, and skipped %d: %v", n, to(path), skipped.Skipped, err))
		return nil
	case err != nil:
		return err
	case path != "":
		say(log, fmt.Sprintf("aliauth: exported %d calls%s", n, to(path)))
	}
	return nil
}

func to(path string) string {
	if path == "" {
		return ""
	}
	return " to " + path
}

// writeExport writes through a temporary file so a failed export leaves no
// half-written file behind. A masked export may be shared; a revealed one
// holds tokens and stays the owner's.
func writeExport(ctx context.Context, store *history.Store, path string, f history.Filter, reveal bool, log io.Writer) error {
	mode := fs.FileMode(0o644)
	if reveal {
		mode = 0o600
	}
	var n int
	var skipped error
	err := atomicfile.Write(path, mode, func(w io.Writer) error {
		var err error
		n, err = store.Export(ctx, w, f, reveal)
		var partial *history.SkippedError
		if errors.As(err, &partial) {
			skipped, err = err, nil // what could be read is kept
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return exported(log, n, path, skipped)
}

func (a *app) historyImport(ctx context.Context, args []string) error {
	var h historyFlags
	fs := a.newFlagSet("history import", "FILE|-", "Add the calls of a JSON Lines export (aliauth history export) to this history.")
	h.register(fs, false, 0)
	noSecrets := fs.Bool("no-store-secrets", false, "store token fingerprints instead of tokens")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, args, 1, 1, "one JSON Lines file"); err != nil {
		return err
	}
	var in io.Reader = a.stdin
	if args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			return usageError("import: %v; check the path", err)
		}
		defer f.Close()
		in = f
	}
	store, err := a.openForChange(ctx, h.path, "history import")
	if err != nil {
		return err
	}
	defer store.Close()
	done, err := importLines(ctx, store, in, inputName(args[0]), !*noSecrets)
	if done.bom {
		say(a.stderr, "aliauth: "+inputName(args[0])+" starts with a byte order mark, which an editor adds and aliauth never writes; it was ignored")
	}
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("imported %d calls into %s", done.stored, store.Path())
	if done.skipped > 0 {
		msg += fmt.Sprintf("; skipped %d already there", done.skipped)
	}
	say(a.stdout, msg)
	return nil
}

// imported is what an import did: calls stored, calls skipped because the
// history already held them, and whether the input began with a byte
// order mark.
type imported struct {
	stored, skipped int
	bom             bool
}

// before says what was imported before a line that stopped the import.
func (d imported) before() string {
	s := fmt.Sprintf("the %d calls before it were imported", d.stored)
	if d.skipped > 0 {
		s += fmt.Sprintf(", %d more were already there", d.skipped)
	}
	return s
}

// byteOrderMark is what some editors put at the start of a UTF-8 file.
const byteOrderMark = "\ufeff"

// importLines streams an export into the store a batch at a time, so an
// export of any size imports in bounded memory. A bad line stops the import
// before its batch: what came before it is kept, and the message says where.
func importLines(ctx context.Context, store *history.Store, in io.Reader, name string, storeSecrets bool) (imported, error) {
	const batch = 1000
	const maxLine = 4 * gateway.MaxBodySize
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 1<<20), maxLine)
	var pending []*gateway.Trace
	var done imported
	line := 0
	flush := func() error {
		n, err := store.Import(ctx, pending, storeSecrets)
		if err == nil {
			done.stored += n
			done.skipped += len(pending) - n
		}
		pending = pending[:0]
		return err
	}
	for sc.Scan() {
		line++
		text := sc.Bytes()
		if line == 1 && bytes.HasPrefix(text, []byte(byteOrderMark)) {
			text, done.bom = text[len(byteOrderMark):], true
		}
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		var t gateway.Trace
		err := json.Unmarshal(text, &t)
		if err == nil && t.Time.IsZero() {
			err = errors.New("it has no time, and every call aliauth records has one")
		}
		if err != nil {
			if ferr := flush(); ferr != nil {
				return done, ferr
			}
			return done, usageError("%s line %d is not a trace: %v; import takes what aliauth history export writes (%s)", name, line, err, done.before())
		}
		t.ID = 0
		pending = append(pending, &t)
		if len(pending) == batch {
			if err := flush(); err != nil {
				return done, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		if ferr := flush(); ferr != nil {
			return done, ferr
		}
		if errors.Is(err, bufio.ErrTooLong) {
			return done, usageError("%s line %d is longer than %d MB, so it is not a trace aliauth history export wrote (%s)", name, line+1, maxLine>>20, done.before())
		}
		return done, usageError("read %s after line %d: %v (%s)", name, line, err, done.before())
	}
	return done, flush()
}

func (a *app) historyDelete(ctx context.Context, args []string) error {
	var h historyFlags
	fs := a.newFlagSet("history delete", "ID...", "Delete recorded calls.")
	h.register(fs, false, 0)
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return usageError("history delete takes one or more ids")
	}
	ids := make([]int64, len(args))
	for i, s := range args {
		if ids[i], err = parseID(s); err != nil {
			return err
		}
	}
	store, err := a.openForChange(ctx, h.path, "history delete")
	if err != nil {
		return err
	}
	defer store.Close()
	for _, id := range ids {
		if err := store.Delete(ctx, id); err != nil {
			if errors.Is(err, history.ErrNotFound) {
				return usageError("%v", err)
			}
			return err
		}
		fmt.Fprintf(a.stdout, "deleted #%d\n", id)
	}
	return nil
}

func (a *app) historyPrune(ctx context.Context, args []string) error {
	var h historyFlags
	fs := a.newFlagSet("history prune", "--older-than 30d | --keep N", "Delete old calls: those older than an age, or all but the newest N.")
	h.register(fs, false, 0)
	olderThan := fs.String("older-than", "", "delete calls older than this: 30d, 12h, 90m")
	keep := fs.Int("keep", 0, "keep only the newest N calls")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, args, 0, 0, "no arguments"); err != nil {
		return err
	}
	var age time.Duration
	switch {
	case *olderThan == "" && *keep <= 0:
		return usageError("history prune needs --older-than AGE (like 30d) or --keep N (N > 0)")
	case *olderThan != "":
		if age, err = history.ParseAge(*olderThan); err != nil {
			return usageError("--older-than: %v", err)
		}
	}
	store, err := a.openForChange(ctx, h.path, "history prune")
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := store.Prune(ctx, age, *keep)
	if err != nil {
		return err
	}
	say(a.stdout, fmt.Sprintf("pruned %d calls from %s", n, store.Path()))
	return nil
}
