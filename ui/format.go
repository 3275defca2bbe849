package ui

import (
	"aliauth/gateway"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// formatCount writes n with thousands separators: 100,000.
func formatCount(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + formatCount(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// plural writes a count with its noun, in the console's language: "1
// match", "2 matches" (Chinese has one form, the catalog's for many).
func plural(n int, one, many string) string {
	if n == 1 {
		return word("1 " + one)
	}
	return strings.Replace(word("%s "+many), "%s", formatCount(n), 1)
}

// formatBytes writes a size the way people read it.
func formatBytes(n int) string {
	switch {
	case n < 1000:
		return formatCount(n) + " bytes"
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1000/1000)
}

// exactBytes writes a size to the byte, as content-length does, with the
// readable size beside a large one: 1,048,748 bytes (1.0 MB).
func exactBytes(n int) string {
	s := plural(n, "byte", "bytes")
	if n >= 10000 {
		s += " (" + formatBytes(n) + ")"
	}
	return s
}

// formatDuration writes how long a call took: 12.3ms, 1.25s.
func formatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

// formatTime writes an absolute time in the local zone, with the zone.
func formatTime(t time.Time) string {
	return gateway.LocalTime(t)
}
