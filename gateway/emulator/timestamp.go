package emulator

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"aliauth/gateway"
)

// chinaTime is the zone v2 timestamps are read in.
var chinaTime = time.FixedZone("CST", 8*60*60)

// errInvalidTimestamp is the gateway's answer to a timestamp it cannot read,
// worded as real answers word it (sub_msg "非法的时间戳参数", quoted in
// Srar/AlipayF2F#14, where a month written "010" was refused).
func errInvalidTimestamp() *apiError {
	return invalidArg("isv.invalid-timestamp", "非法的时间戳参数")
}

// notes collects what the emulator accepted but a stricter gateway might
// refuse, for the gateway.EmulatorNoteHeader of the answer.
type notes []string

func (n *notes) add(token string) { *n = append(*n, token) }

// set writes the notes header, if there is anything to note. It must run
// before the answer's status is written.
func (n notes) set(h http.Header) {
	if len(n) > 0 {
		h.Set(gateway.EmulatorNoteHeader, strings.Join(n, ", "))
	}
}

// parseV2Timestamp reads yyyy-MM-dd HH:mm:ss in China Standard Time. Fields
// of one digit (2024-1-5 9:03:07) are read too, with padded false: whether
// the gateway takes them is not known, so they are accepted and noted. A
// field longer than its pattern, a value out of range, or anything else is
// not a timestamp.
func parseV2Timestamp(s string) (t time.Time, padded, ok bool) {
	date, clock, found := strings.Cut(strings.TrimSpace(s), " ")
	if !found {
		return time.Time{}, false, false
	}
	fields := append(strings.Split(date, "-"), strings.Split(clock, ":")...)
	if len(fields) != 6 || strings.Count(date, "-") != 2 {
		return time.Time{}, false, false
	}
	var n [6]int
	padded = true
	for i, f := range fields {
		width := 2
		if i == 0 {
			width = 4
		}
		if len(f) == 0 || len(f) > width || (i == 0 && len(f) != 4) || strings.Trim(f, "0123456789") != "" {
			return time.Time{}, false, false
		}
		n[i], _ = strconv.Atoi(f)
		padded = padded && len(f) == width
	}
	t = time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, chinaTime)
	// time.Date normalizes 2024-02-30 into March; the gateway does not.
	if int(t.Month()) != n[1] || t.Day() != n[2] || t.Hour() != n[3] || t.Minute() != n[4] || t.Second() != n[5] {
		return time.Time{}, false, false
	}
	return t, padded, true
}

// checkV2Timestamp refuses a timestamp that is not one, and one outside
// the strict window when one is set; otherwise it notes what a stricter
// gateway might mind.
func (e *Emulator) checkV2Timestamp(s string, n *notes) *apiError {
	t, padded, ok := parseV2Timestamp(s)
	if !ok {
		return errInvalidTimestamp()
	}
	if !padded {
		n.add(gateway.NoteTimestampUnpadded)
	}
	return e.checkSkew(t, n)
}

// checkSkew compares a request's time with the emulator's clock: refused
// outside the strict window, noted beyond gateway.SkewWarning.
func (e *Emulator) checkSkew(t time.Time, n *notes) *apiError {
	skew := t.Sub(e.cfg.Now()).Round(time.Second)
	if w := e.cfg.TimestampWindow; w > 0 && skew.Abs() > w {
		return errInvalidTimestamp()
	}
	if skew.Abs() > gateway.SkewWarning {
		n.add(fmt.Sprintf("%s=%d", gateway.NoteTimestampSkew, int64(skew/time.Second)))
	}
	return nil
}

// checkExpiredSeconds honours a v3 auth string's expired_seconds in strict
// mode and notes it otherwise. Alipay's signing guide shows the field
// (opendocs.alipay.com/open-v3/054q58) without saying what the gateway does
// once it runs out, so by default it is accepted. A value that is not a
// number is left alone: it is signed, and nothing more is known of it.
func (e *Emulator) checkExpiredSeconds(signedAt time.Time, expiredSeconds string, n *notes) *apiError {
	secs, err := strconv.ParseInt(expiredSeconds, 10, 64)
	if expiredSeconds == "" || err != nil {
		return nil
	}
	late := e.cfg.Now().Sub(signedAt.Add(time.Duration(secs) * time.Second)).Round(time.Second)
	switch {
	case late <= 0:
		return nil
	case e.cfg.TimestampWindow > 0:
		return errInvalidTimestamp()
	}
	n.add(fmt.Sprintf("%s=%d", gateway.NoteAuthExpired, int64(late/time.Second)))
	return nil
}
