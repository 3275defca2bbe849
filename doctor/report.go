// Package doctor audits an Alipay OAuth setup and explains failed auth
// codes. It checks every key and certificate in its slot, that the
// environment agrees with itself, the clock against the gateway's, and, on
// request, makes a live probe that must fail harmlessly; it reads the
// configuration of the user's own code (an AlipaySdk object, Java's
// AlipayConfig, a .env or YAML file) into the same shape, so that a profile
// and a program are checked alike.
//
// It takes material already read — the bytes of each key and where they came
// from, as the caller words it — and never names a flag or a setting of its
// own: the caller knows how each piece was configured. The command line and
// the console both render its Report.
package doctor

import (
	"encoding/json"
	"fmt"
)

// Status is how one check came out.
type Status int

// The statuses, from best to worst; Skipped says a check could not run and
// why, and weighs nothing.
const (
	OK Status = iota
	Skipped
	Warning
	Failed
)

// Mark is the status at a glance: ✓ passed, · not run, ! a warning, ✗ failed.
func (s Status) Mark() string {
	switch s {
	case OK:
		return "✓"
	case Warning:
		return "!"
	case Failed:
		return "✗"
	}
	return "·"
}

func (s Status) String() string {
	switch s {
	case OK:
		return "ok"
	case Warning:
		return "warning"
	case Failed:
		return "error"
	}
	return "skipped"
}

// MarshalJSON writes the status as its word.
func (s Status) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads what MarshalJSON writes.
func (s *Status) UnmarshalJSON(data []byte) error {
	var word string
	if err := json.Unmarshal(data, &word); err != nil {
		return err
	}
	for _, c := range []Status{OK, Skipped, Warning, Failed} {
		if c.String() == word {
			*s = c
			return nil
		}
	}
	return fmt.Errorf("%q is not a check status", word)
}

// Groups of checks, in the order a report lists them.
const (
	GroupCode        = "code"
	GroupKeys        = "keys"
	GroupEnvironment = "environment"
	GroupClock       = "clock"
	GroupProbe       = "probe"
)

// Check is one finding: what was checked, how it came out, why, and what to
// do about it.
type Check struct {
	Group   string `json:"group"`
	Subject string `json:"subject"`
	Status  Status `json:"status"`
	// Finding says what was found, in a sentence.
	Finding string `json:"finding"`
	// Fix says what to do; empty when there is nothing to do.
	Fix string `json:"fix,omitempty"`
	// Source says where the checked material came from, as the caller
	// described it.
	Source string `json:"source,omitempty"`
}

// Report is the whole audit of one setup.
type Report struct {
	// Subject names what was checked: a profile, a file of code.
	Subject string  `json:"subject"`
	Checks  []Check `json:"checks"`
}

func (r *Report) add(c Check) { r.Checks = append(r.Checks, c) }

// Worst is the worst status of any check: Failed, Warning, else OK.
func (r *Report) Worst() Status {
	worst := OK
	for _, c := range r.Checks {
		if c.Status > worst && c.Status != Skipped {
			worst = c.Status
		}
	}
	return worst
}

// Counts says how many checks came out each way.
func (r *Report) Counts() map[Status]int {
	n := map[Status]int{}
	for _, c := range r.Checks {
		n[c.Status]++
	}
	return n
}

// Summary is the report's outcome in one line: "2 errors, 1 warning, 14
// passed, 1 skipped".
func (r *Report) Summary() string {
	n := r.Counts()
	plural := func(k int, word string) string {
		if k == 1 {
			return fmt.Sprintf("%d %s", k, word)
		}
		return fmt.Sprintf("%d %ss", k, word)
	}
	out := plural(n[Failed], "error") + ", " + plural(n[Warning], "warning") + ", " + fmt.Sprintf("%d passed", n[OK])
	if n[Skipped] > 0 {
		out += fmt.Sprintf(", %d skipped", n[Skipped])
	}
	return out
}
