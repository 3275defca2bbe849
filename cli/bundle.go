package cli

import (
	"context"
	"fmt"
	"io"

	"aliauth/gateway"
	"aliauth/internal/atomicfile"
)

func (a *app) historyBundle(ctx context.Context, args []string) error {
	var h historyFlags
	fs := a.newFlagSet("history bundle", "ID [-o FILE]",
		"Write one recorded call as a bundle safe to attach to an issue: the auth code and every token replaced by\n"+
			"fingerprints, keys named by fingerprint, and the digest of the signed bytes so that\n"+
			"aliauth verify FILE replays its verification offline.")
	h.register(fs, false, 0)
	out := fs.String("o", "-", "file to write (- for standard output)")
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
	t, err := getRecorded(ctx, store, id)
	if err != nil {
		return err
	}
	b := gateway.NewBundle(t)
	if *out == "-" {
		return writeJSON(a.stdout, b)
	}
	// A bundle holds no secret, so it may be read by others.
	if err := atomicfile.Write(*out, 0o644, func(w io.Writer) error { return writeJSON(w, b) }); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	fmt.Fprintf(a.stderr, "aliauth: wrote history #%d to %s, the code and tokens replaced by fingerprints; aliauth verify %s replays its verification\n", id, *out, *out)
	return nil
}
