package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrorNode is the node the gateway answers errors in, for any method.
const ErrorNode = "error_response"

// NodeName is the response node of a v2 method: dots become underscores and
// _response is appended (alipay.system.oauth.token ->
// alipay_system_oauth_token_response).
func NodeName(method string) string {
	return strings.ReplaceAll(method, ".", "_") + "_response"
}

// Envelope is a v2 response body taken apart without re-serializing
// anything: the signed node's raw bytes are a slice of the body.
type Envelope struct {
	// Node is the name of the node found: the method's node or error_response.
	Node string
	// Content is the node's value exactly as it appears in the body.
	Content []byte
	// Start and End locate Content in the body.
	Start, End int
	// Sign is the decoded sign member; HasSign says whether there was one.
	Sign    string
	HasSign bool
	// CertSN is alipay_cert_sn, sent in certificate mode.
	CertSN string
	// Conflict is set when the body names the node twice, or carries both the
	// method's node and error_response: no single content can be trusted.
	Conflict string
}

// ParseEnvelope finds the response node of method (or error_response) in a
// raw v2 body, with the sign beside it. It fails when the body is not one
// JSON object or holds neither node.
func ParseEnvelope(body []byte, method string) (*Envelope, error) {
	members, err := scanObject(body)
	if err != nil {
		return nil, err
	}
	want := NodeName(method)
	env := &Envelope{}
	seen := map[string]int{}
	for _, m := range members {
		switch m.key {
		case want, ErrorNode:
			seen[m.key]++
			if env.Node == "" {
				env.Node, env.Start, env.End = m.key, m.start, m.end
				env.Content = body[m.start:m.end]
			}
		case "sign":
			if err := json.Unmarshal(body[m.start:m.end], &env.Sign); err != nil {
				return nil, fmt.Errorf("the sign member is not a string: %w", err)
			}
			env.HasSign = true
		case "alipay_cert_sn":
			_ = json.Unmarshal(body[m.start:m.end], &env.CertSN)
		}
	}
	switch {
	case env.Node == "":
		return nil, fmt.Errorf("the body holds neither %s nor %s", want, ErrorNode)
	case seen[want] > 1 || seen[ErrorNode] > 1:
		env.Conflict = fmt.Sprintf("the node %s appears twice in one body, so it is ambiguous which content was signed (the official Java SDK refuses this too)", env.Node)
	case seen[want] == 1 && seen[ErrorNode] == 1:
		env.Conflict = fmt.Sprintf("the body carries both %s and %s; a gateway sends one", want, ErrorNode)
	}
	if env.Content[0] != '{' {
		return nil, fmt.Errorf("the node %s is not a JSON object", env.Node)
	}
	return env, nil
}

// member is one top-level member of a JSON object: its decoded key and the
// extent of its raw value.
type member struct {
	key        string
	start, end int
}

// maxDepth bounds nesting so a hostile body cannot exhaust the stack.
const maxDepth = 1000

// errNotJSON is wrapped by every scanning error so callers can tell a body
// that is not the gateway's JSON from other failures.
var errNotJSON = errors.New("not a JSON object")

// scanObject checks that body is exactly one JSON object (surrounded by
// whitespace at most) and returns its top-level members in order.
func scanObject(body []byte) ([]member, error) {
	s := scanner{buf: body}
	s.skipSpace()
	if s.pos >= len(body) {
		return nil, fmt.Errorf("%w: the body is empty", errNotJSON)
	}
	if body[s.pos] != '{' {
		return nil, s.fail("expected '{'")
	}
	members, err := s.object()
	if err != nil {
		return nil, err
	}
	s.skipSpace()
	if s.pos != len(body) {
		return nil, s.fail("unexpected data after the object")
	}
	return members, nil
}

type scanner struct {
	buf []byte
	pos int
}

func (s *scanner) fail(what string) error {
	if s.pos >= len(s.buf) {
		return fmt.Errorf("%w: the body ends early at byte %d (truncated?)", errNotJSON, s.pos)
	}
	return fmt.Errorf("%w: %s at byte %d", errNotJSON, what, s.pos)
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.buf) {
		switch s.buf[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// object scans the top-level object starting at '{' strictly and returns
// its members; nested values are skipped by skipNested.
func (s *scanner) object() ([]member, error) {
	s.pos++ // '{'
	var members []member
	s.skipSpace()
	if s.pos < len(s.buf) && s.buf[s.pos] == '}' {
		s.pos++
		return members, nil
	}
	for {
		s.skipSpace()
		if s.pos >= len(s.buf) || s.buf[s.pos] != '"' {
			return nil, s.fail("expected a member name")
		}
		keyStart := s.pos
		if err := s.str(); err != nil {
			return nil, err
		}
		keyRaw := s.buf[keyStart:s.pos]
		s.skipSpace()
		if s.pos >= len(s.buf) || s.buf[s.pos] != ':' {
			return nil, s.fail("expected ':'")
		}
		s.pos++
		s.skipSpace()
		start := s.pos
		if err := s.value(); err != nil {
			return nil, err
		}
		members = append(members, member{key: decodeKey(keyRaw), start: start, end: s.pos})
		s.skipSpace()
		if s.pos >= len(s.buf) {
			return nil, s.fail("expected ',' or '}'")
		}
		switch s.buf[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return members, nil
		default:
			return nil, s.fail("expected ',' or '}'")
		}
	}
}

func decodeKey(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1])
	}
	var k string
	_ = json.Unmarshal(raw, &k) // the scanner already checked the escapes
	return k
}

func (s *scanner) value() error {
	if s.pos >= len(s.buf) {
		return s.fail("expected a value")
	}
	switch c := s.buf[s.pos]; {
	case c == '{' || c == '[':
		return s.skipNested()
	case c == '"':
		return s.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return s.fail("expected a value")
}

// str scans a string starting at its opening quote. Bytes >= 0x80 pass as
// they are: a GBK body is still the gateway's JSON.
func (s *scanner) str() error {
	s.pos++ // opening quote
	for s.pos < len(s.buf) {
		c := s.buf[s.pos]
		switch {
		case c == '"':
			s.pos++
			return nil
		case c == '\\':
			s.pos++
			if s.pos >= len(s.buf) {
				return s.fail("unfinished escape")
			}
			switch s.buf[s.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos++
			case 'u':
				s.pos++
				for range 4 {
					if s.pos >= len(s.buf) || !isHex(s.buf[s.pos]) {
						return s.fail(`bad \u escape`)
					}
					s.pos++
				}
			default:
				return s.fail("bad escape")
			}
		case c < 0x20:
			return s.fail("control character in a string")
		default:
			s.pos++
		}
	}
	return s.fail("unterminated string")
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func (s *scanner) number() error {
	if s.buf[s.pos] == '-' {
		s.pos++
	}
	if s.pos < len(s.buf) && s.buf[s.pos] == '0' {
		s.pos++ // JSON allows no leading zeros: 0 stands alone
	} else if !s.digits() {
		return s.fail("bad number")
	}
	if s.pos < len(s.buf) && s.buf[s.pos] == '.' {
		s.pos++
		if !s.digits() {
			return s.fail("bad number")
		}
	}
	if s.pos < len(s.buf) && (s.buf[s.pos] == 'e' || s.buf[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.buf) && (s.buf[s.pos] == '+' || s.buf[s.pos] == '-') {
			s.pos++
		}
		if !s.digits() {
			return s.fail("bad number")
		}
	}
	return nil
}

func (s *scanner) digits() bool {
	start := s.pos
	for s.pos < len(s.buf) && s.buf[s.pos] >= '0' && s.buf[s.pos] <= '9' {
		s.pos++
	}
	return s.pos > start
}

func (s *scanner) literal(word string) error {
	if !bytes.HasPrefix(s.buf[s.pos:], []byte(word)) {
		return s.fail("bad literal")
	}
	s.pos += len(word)
	return nil
}
