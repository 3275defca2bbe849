package cli

import (
	"encoding/json"
	"io"

	"aliauth/gateway"
)

// writeJSON is every --json output: indented, and with <, > and & as they
// are, since gateway text is shown, not embedded in HTML.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printTraceJSON writes a trace in the one JSON shape, masked unless revealed.
func printTraceJSON(w io.Writer, t *gateway.Trace, reveal bool) error {
	if !reveal {
		t = t.Redact(gateway.Mask)
	}
	return writeJSON(w, t)
}
