package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
)

// malformedAt checks that content, found at offset start of a body, is
// JSON. Finding a node's extent only follows its brackets and strings, so a
// member without its comma or a raw control character inside a string gets
// past it; such a node cannot be decoded, masked by its fields or stored as
// JSON, and is never an answer, signed or not. The error says at which byte
// of the body the JSON breaks.
func malformedAt(start int, content []byte) error {
	if json.Valid(content) {
		return nil
	}
	err := json.Unmarshal(content, new(json.RawMessage))
	at := start
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		at += int(syntax.Offset) - 1 // Offset counts the bad byte itself
	}
	return fmt.Errorf("malformed JSON at byte %d: %w", at, err)
}

// malformedAnswer is malformedAt as the failure of a call: the gateway sent
// something, but not an answer.
func malformedAnswer(start int, content []byte) error {
	err := malformedAt(start, content)
	if err == nil {
		return nil
	}
	return &transportError{kind: TransportNotJSON, err: fmt.Errorf("the gateway answered %w", err)}
}
