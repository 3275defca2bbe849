package gateway

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// EmulatorNoteHeader is the response header in which aliauth's emulator
// names what it accepted but a stricter gateway might refuse, such as a
// timestamp eight hours from China time. Alipay documents no such window,
// so the emulator accepts and says so here; the client turns each note into
// a trace warning in its own words. Only fixed tokens cross (see the Note
// constants), never text, so nothing a server writes reaches the terminal.
const EmulatorNoteHeader = "aliauth-emulator-note"

// Tokens of EmulatorNoteHeader, comma-separated. A token with a value is
// written token=value.
const (
	// NoteTimestampSkew=S: the request's timestamp is S seconds ahead of the
	// emulator's clock (negative: behind), v2 read as China Standard Time.
	NoteTimestampSkew = "timestamp-skew"
	// NoteTimestampUnpadded: the v2 timestamp has one-digit fields
	// (2024-1-5 9:03:07) where yyyy-MM-dd HH:mm:ss has two.
	NoteTimestampUnpadded = "timestamp-unpadded"
	// NoteAuthExpired=S: the v3 auth string's expired_seconds ran out S
	// seconds before the emulator's clock.
	NoteAuthExpired = "auth-expired"
	// NoteNonceMissing: the v3 auth string has no nonce.
	NoteNonceMissing = "nonce-missing"
)

// SkewWarning is how far a request timestamp may be from the clock before
// it is worth a warning: more than a clock kept by NTP ever drifts, far less
// than the eight hours of a server that formats UTC as China time.
const SkewWarning = 5 * time.Minute

// emulatorWarnings words the notes of EmulatorNoteHeader; unknown tokens
// and malformed values are ignored. skipSkew drops the skew note when the
// trace already warns about its own timestamp.
func emulatorWarnings(header string, skipSkew bool) []string {
	var out []string
	for token := range strings.SplitSeq(header, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(token), "=")
		seconds, err := strconv.ParseInt(value, 10, 64)
		switch {
		case name == NoteTimestampSkew && err == nil && !skipSkew:
			out = append(out, fmt.Sprintf("the emulator read this request's timestamp as %s its clock and accepted it: Alipay documents no window, but a server that formats its own zone instead of China Standard Time (UTC+8) is the classic cause of isv.invalid-timestamp", aheadOrBehind(time.Duration(seconds)*time.Second)))
		case name == NoteTimestampUnpadded:
			out = append(out, "the emulator accepted a timestamp with one-digit fields; Alipay documents yyyy-MM-dd HH:mm:ss, two digits each, so pad them")
		case name == NoteAuthExpired && err == nil:
			out = append(out, fmt.Sprintf("the auth string's expired_seconds ran out %s before the emulator read it; the emulator accepted it, a gateway that honours expired_seconds would not", time.Duration(seconds)*time.Second))
		case name == NoteNonceMissing:
			out = append(out, "the authorization header has no nonce; Alipay's v3 signing guide requires one, unique per request")
		}
	}
	return out
}

// aheadOrBehind says how far a skew is and which way, like "8h0m0s behind".
func aheadOrBehind(skew time.Duration) string {
	if skew < 0 {
		return (-skew).String() + " behind"
	}
	return skew.String() + " ahead of"
}
