package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"aliauth/doctor"
	"aliauth/gateway"
	"aliauth/history"
)

// codeTriage explains an isv.code-invalid answer from history and what was
// pasted: the code used before, too old, issued to another app or
// environment.
func codeTriage(pasted string) func(context.Context, *history.Store, *gateway.Trace) []doctor.Check {
	return func(ctx context.Context, store *history.Store, t *gateway.Trace) []doctor.Check {
		if !doctor.IsCodeInvalid(t) {
			return nil
		}
		facts := doctor.CodeFacts{RedirectAppID: gateway.RedirectAppID(pasted)}
		facts.Uses = codeUses(ctx, store, t.Request.Params["code"])
		return doctor.TriageCode(t, facts)
	}
}

// codeUses are the exchanges of a code in history; none when there is no
// history to ask.
func codeUses(ctx context.Context, store *history.Store, code string) []doctor.CodeUse {
	if store == nil || code == "" {
		return nil
	}
	sums, err := store.CodeUses(ctx, code)
	if err != nil {
		return nil
	}
	uses := make([]doctor.CodeUse, len(sums))
	for i, s := range sums {
		uses[i] = doctor.CodeUse{ID: s.ID, Time: s.Time, Profile: s.Profile, AppID: s.AppID, Outcome: s.Outcome}
	}
	return uses
}

// printTriage writes why an auth code failed, cause by cause.
func printTriage(w io.Writer, checks []doctor.Check) {
	if len(checks) == 0 {
		return
	}
	section(w, "why the code failed")
	width := 14
	for _, c := range checks {
		width = max(width, 2+len([]rune(c.Subject)))
	}
	for _, c := range checks {
		printCheck(w, c, width, false)
	}
}

// rotatedRefreshWarning warns, before it is sent, about a refresh token that
// an earlier refresh already rotated: the gateway will refuse it, and
// history knows which exchange holds the live one.
func rotatedRefreshWarning(token string) func(context.Context, *history.Store) []string {
	return func(ctx context.Context, store *history.Store) []string {
		st, err := store.RefreshState(ctx, token)
		if err != nil || st.RotatedBy == nil {
			return nil
		}
		msg := fmt.Sprintf("this refresh token was already rotated by history #%d at %s (profile %s): it is dead, and the gateway will refuse it",
			st.RotatedBy.ID, gateway.LocalTime(st.RotatedBy.Time), st.RotatedBy.Profile)
		if st.Live != nil {
			msg += fmt.Sprintf("; the live one is in history #%d (aliauth history show %d --reveal)", st.Live.ID, st.Live.ID)
		}
		return []string{msg}
	}
}

// printChain writes a token lineage: each exchange under the one whose
// token it spent, with what became of its tokens.
func printChain(w io.Writer, c *history.Chain, of int64) {
	title := "lineage"
	if c.Code != "" {
		title += " of auth code " + c.Code
	}
	section(w, title)
	for _, e := range c.Entries {
		label := fmt.Sprintf("#%d", e.ID)
		if e.ID == of {
			label = "▶ " + label
		}
		outcome := e.Outcome.Mark() + " " + e.Outcome.Phrase()
		if e.SubCode != "" {
			outcome += " " + e.SubCode
		}
		line := strings.Repeat("   ", e.Depth)
		if e.Depth > 0 {
			line += "└ "
		}
		line += e.Time.Local().Format("2006-01-02 15:04:05") + "  " + gateway.CallName(e.Method, e.GrantType) + "  " + outcome
		var notes []string
		switch {
		case e.Stale && e.GrantType == gateway.GrantAuthorizationCode:
			notes = append(notes, "sent a code already exchanged")
		case e.Stale:
			notes = append(notes, "sent a refresh token already rotated")
		}
		if e.SupersededBy > 0 {
			notes = append(notes, fmt.Sprintf("refresh token superseded by #%d", e.SupersededBy))
		}
		if e.Live {
			notes = append(notes, "holds the live refresh token")
			if !e.HasSecrets {
				notes = append(notes, "(kept as a fingerprint)")
			}
		}
		if len(notes) > 0 {
			line += "  · " + strings.Join(notes, " · ")
		}
		field(w, label, line)
	}
}

// chainEntryJSON is one exchange of a lineage as --json prints it.
type chainEntryJSON struct {
	ID           int64           `json:"id"`
	Time         time.Time       `json:"time"`
	Profile      string          `json:"profile,omitempty"`
	Call         string          `json:"call"`
	Outcome      gateway.Outcome `json:"outcome"`
	SubCode      string          `json:"sub_code,omitempty"`
	Parent       int64           `json:"parent,omitempty"`
	Depth        int             `json:"depth"`
	SupersededBy int64           `json:"superseded_by,omitempty"`
	Stale        bool            `json:"stale,omitempty"`
	Live         bool            `json:"live,omitempty"`
}

func chainJSON(c *history.Chain) any {
	entries := make([]chainEntryJSON, len(c.Entries))
	for i, e := range c.Entries {
		entries[i] = chainEntryJSON{ID: e.ID, Time: e.Time, Profile: e.Profile, Call: gateway.CallName(e.Method, e.GrantType),
			Outcome: e.Outcome, SubCode: e.SubCode, Parent: e.Parent, Depth: e.Depth, SupersededBy: e.SupersededBy, Stale: e.Stale, Live: e.Live}
	}
	return struct {
		Code    string           `json:"code,omitempty"`
		Entries []chainEntryJSON `json:"entries"`
	}{c.Code, entries}
}
