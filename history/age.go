package history

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseAge reads an age as people write it on the command line: "30d",
// "2w", "1d12h", or anything time.ParseDuration takes ("36h", "90m").
func ParseAge(s string) (time.Duration, error) {
	text := strings.TrimSpace(s)
	var age time.Duration
	// A leading count of weeks or days, which time.ParseDuration lacks.
	if i := strings.IndexAny(text, "dw"); i > 0 {
		n, err := strconv.Atoi(text[:i])
		if err == nil && n >= 0 {
			unit := 24 * time.Hour
			if text[i] == 'w' {
				unit *= 7
			}
			age = time.Duration(n) * unit
			text = text[i+1:]
		}
	}
	if text != "" {
		d, err := time.ParseDuration(text)
		if err != nil {
			return 0, fmt.Errorf("age %q: write a number of days, weeks or hours, such as 30d, 2w or 12h", s)
		}
		age += d
	}
	if age <= 0 {
		return 0, fmt.Errorf("age %q: it must be more than zero, such as 30d", s)
	}
	return age, nil
}

// ParseSince reads the start of a time range: an age before now ("7d",
// "12h") or a date and time, "2025-11-20", "2025-11-20 14:30" or RFC 3339,
// in the local zone unless it says otherwise.
func ParseSince(s string, now time.Time) (time.Time, error) {
	text := strings.TrimSpace(s)
	if age, err := ParseAge(text); err == nil {
		return now.Add(-age), nil
	}
	if t, err := time.Parse(time.RFC3339, text); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, text, now.Location()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("since %q: write an age such as 7d or 12h, or a date such as 2025-11-20 or 2025-11-20 14:30", s)
}
