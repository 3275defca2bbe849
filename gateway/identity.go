package gateway

import (
	"encoding/json"
	"strings"
)

// The ids a token exchange or a profile carries, with what each one is: the
// words the console's identity panel and the command line share.

// IdentityField is one user id of an answer with what it is.
type IdentityField struct {
	Name  string // "user_id", "open_id" or "union_id"
	Value string // "" when the answer carries none
	// Meaning says what the id is, or, when absent, why that is expected.
	Meaning string
	// Odd is set when the value is not shaped as that id should be.
	Odd string
}

// Identity lists user_id, open_id and union_id of a trace's tokens (or of
// its result, for a profile), each with what it is. It is nil when the
// trace carries no id at all.
func Identity(t *Trace) []IdentityField {
	var ids struct {
		UserID  string `json:"user_id"`
		OpenID  string `json:"open_id"`
		UnionID string `json:"union_id"`
	}
	if tk := t.Tokens; tk != nil {
		ids.UserID, ids.OpenID, ids.UnionID = tk.UserID, tk.OpenID, tk.UnionID
	} else if len(t.Result) > 0 {
		_ = json.Unmarshal(t.Result, &ids) // a result that is not an object has no ids
	}
	if ids.UserID == "" && ids.OpenID == "" && ids.UnionID == "" {
		return nil
	}
	user := IdentityField{Name: "user_id", Value: ids.UserID,
		Meaning: "Alipay's own id of the user (2088 and 12 digits), the same in every app"}
	switch {
	case ids.UserID == "" && ids.OpenID != "":
		user.Meaning = "none, as expected: the app was created after (or moved to) the OpenID migration, so Alipay identifies the user by open_id only; this is not a bug, key users by open_id"
	case ids.UserID != "" && !IsUserID(ids.UserID):
		user.Odd = "not shaped like an Alipay user id (2088 and 12 digits)"
	}
	open := IdentityField{Name: "open_id", Value: ids.OpenID,
		Meaning: "the user's id within this app: the same user has another open_id in every other app"}
	if ids.OpenID == "" {
		open.Meaning = "none: the app identifies users by user_id (it has not moved to OpenID)"
	}
	union := IdentityField{Name: "union_id", Value: ids.UnionID,
		Meaning: "the user's id across the apps of one app group (应用分组), to link their open_ids"}
	if ids.UnionID == "" {
		union.Meaning = "none: Alipay sends it only to apps in an app group (应用分组)"
	}
	return []IdentityField{user, open, union}
}

// IsUserID reports whether s is shaped as an Alipay user id: 2088 and 12
// more digits.
func IsUserID(s string) bool {
	if len(s) != 16 || !strings.HasPrefix(s, "2088") {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
