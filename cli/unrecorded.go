package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"aliauth/gateway"
)

// keepUnrecorded makes sure the tokens of a call history could not record
// are not lost: the code is spent once the gateway answered, and history
// was to be their only copy. It writes the trace, as history would have
// stored it, to a file only the user can read, in the form history import
// takes, and returns what to add to the note saying it was not recorded,
// and whether the tokens must be shown in full. On screen they are; in
// JSON, whose shape scripts rely on, they stay masked unless the file
// could not be written, when the note itself carries them. With
// --no-store-secrets nothing is revealed: history would have kept only
// fingerprints.
func keepUnrecorded(t *gateway.Trace, keepSecrets, onScreen bool) (note string, reveal bool) {
	if !receivedTokens(t) {
		return "", false
	}
	stored := t
	if !keepSecrets {
		stored = t.Redact(gateway.Fingerprint)
	}
	path, err := saveTrace(stored)
	if err != nil {
		note = "; the trace could not be saved elsewhere either (" + err.Error() + ")"
	} else {
		note = fmt.Sprintf("; the trace is saved in %s (readable by you only; aliauth history import %s adds it to a working history)", path, path)
	}
	if !keepSecrets {
		return note, false
	}
	if onScreen {
		return note + "; the tokens are shown in full, as no other copy of them exists", true
	}
	if err != nil && t.Tokens != nil {
		note += fmt.Sprintf("; no other copy of the tokens exists: access_token %s refresh_token %s", t.Tokens.AccessToken, t.Tokens.RefreshToken)
	}
	return note, false
}

// receivedTokens reports whether the answer carries a token the user did
// not send, and so has no other copy of.
func receivedTokens(t *gateway.Trace) bool {
	if t.Tokens != nil && (t.Tokens.AccessToken != "" || t.Tokens.RefreshToken != "") {
		return true
	}
	if t.Response == nil {
		return false
	}
	sent := []string{t.Request.Params["refresh_token"], t.Request.Params["auth_token"]}
	for _, s := range t.Secrets() {
		if !slices.Contains(sent, s) && bytes.Contains(t.Response.Body, []byte(s)) {
			return true
		}
	}
	return false
}

// saveTrace writes a trace as one JSON line to a new file of mode 0600 in
// the temporary directory, apart from the history that failed.
func saveTrace(t *gateway.Trace) (string, error) {
	line, err := json.Marshal(t)
	if err != nil {
		return "", fmt.Errorf("encode the trace: %w", err)
	}
	f, err := os.CreateTemp("", "aliauth-unrecorded-*.jsonl")
	if err != nil {
		return "", err
	}
	_, err = f.Write(append(line, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", f.Name(), err)
	}
	return f.Name(), nil
}
