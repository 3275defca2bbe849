package ui

import "charm.land/bubbles/v2/key"

// KeyMap is every key the console answers to. Keys that are letters work
// when no text field has the focus; while typing, the ctrl variants do the
// same job.
type KeyMap struct {
	ForceQuit key.Binding
	Quit      key.Binding
	Help      key.Binding
	InputHelp key.Binding
	Cancel    key.Binding
	Back      key.Binding

	Exchange   key.Binding
	EditInput  key.Binding
	LeaveInput key.Binding
	Grant      key.Binding
	InputGrant key.Binding
	Mint       key.Binding
	InputMint  key.Binding
	MintBase   key.Binding
	Refresh    key.Binding
	UserInfo   key.Binding
	Copy       key.Binding
	Reveal     key.Binding
	BodyForm   key.Binding
	History    key.Binding
	Profiles   key.Binding
	Log        key.Binding
	Search     key.Binding
	Faults     key.Binding
	Pager      key.Binding
	NextMatch  key.Binding
	PrevMatch  key.Binding
	NextPane   key.Binding
	PrevPane   key.Binding

	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	// Scroll and Ends stand for the scrolling keys in help.
	Scroll key.Binding
	Ends   key.Binding

	Filter key.Binding
	Select key.Binding
	// ListUp and ListDown move a menu's cursor; letters there pick items.
	ListUp      key.Binding
	ListDown    key.Binding
	Open        key.Binding
	Replay      key.Binding
	Delete      key.Binding
	ListActions key.Binding

	CopyAccess       key.Binding
	CopyRefresh      key.Binding
	CopyUserID       key.Binding
	CopyOpenID       key.Binding
	CopyUnionID      key.Binding
	CopyStringToSign key.Binding
	CopyResponse     key.Binding
	CopyCurl         key.Binding
	CopyJSON         key.Binding
	CopyJava         key.Binding
	CopyNode         key.Binding
	CopyGo           key.Binding
	CopyPython       key.Binding
	CopyPHP          key.Binding

	Yes key.Binding
	No  key.Binding

	Doctor      key.Binding
	DoctorProbe key.Binding
	Identity    key.Binding
	Lineage     key.Binding
	AutoRefresh key.Binding

	// The login panels (login.go).
	Authorize       key.Binding
	AuthorizeScope  key.Binding
	AppAuth         key.Binding
	AppAuthStart    key.Binding
	AppAuthMint     key.Binding
	AppAuthRenew    key.Binding
	AppAuthQuery    key.Binding
	AppAuthActAs    key.Binding
	Payloads        key.Binding
	PayloadKey      key.Binding
	PayloadPhone    key.Binding
	PayloadUserInfo key.Binding
}

// DefaultKeyMap is the console's key map.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, word(desc)))
	}
	k := func(keys ...string) []string { return keys }
	return KeyMap{
		ForceQuit: b(k("ctrl+c"), "ctrl+c", "quit"),
		Quit:      b(k("q"), "q", "quit"),
		Help:      b(k("?", "f1"), "?", "help"),
		InputHelp: b(k("f1"), "f1", "help"),
		Cancel:    b(k("esc"), "esc", "cancel"),
		Back:      b(k("esc"), "esc", "back"),

		Exchange:   b(k("enter"), "enter", "exchange"),
		EditInput:  b(k("i"), "i", "type a code"),
		LeaveInput: b(k("esc"), "esc", "done typing"),
		Grant:      b(k("g"), "g", "grant"),
		InputGrant: b(k("ctrl+g"), "ctrl+g", "grant"),
		Mint:       b(k("m"), "m", "mint"),
		InputMint:  b(k("ctrl+n"), "ctrl+n", "mint"),
		MintBase:   b(k("M"), "M", "mint auth_base code"),
		Refresh:    b(k("r"), "r", "refresh"),
		UserInfo:   b(k("u"), "u", "user info"),
		Copy:       b(k("c"), "c", "copy"),
		Reveal:     b(k("v"), "v", "reveal"),
		BodyForm:   b(k("b"), "b", "body raw/pretty"),
		History:    b(k("h"), "h", "history"),
		Profiles:   b(k("p"), "p", "profiles"),
		Log:        b(k("@"), "@", "message log"),
		Search:     b(k("/"), "/", "search pane"),
		Faults:     b(k("f"), "f", "emulator faults"),
		Pager:      b(k("o"), "o", "open in $PAGER"),
		NextMatch:  b(k("n"), "n", "next match"),
		PrevMatch:  b(k("N"), "N", "previous match"),
		NextPane:   b(k("tab"), "tab", "pane"),
		PrevPane:   b(k("shift+tab"), "shift+tab", "pane back"),

		Up:       b(k("up", "k"), "↑/k", "up"),
		Down:     b(k("down", "j"), "↓/j", "down"),
		PageUp:   b(k("pgup", "ctrl+b"), "pgup", "page up"),
		PageDown: b(k("pgdown", "space", "ctrl+f"), "pgdn/space", "page down"),
		Top:      b(k("home"), "home", "top"),
		Bottom:   b(k("end"), "end", "bottom"),
		Scroll:   b(k("up", "down", "pgup", "pgdown"), "↑↓ pgup pgdn", "scroll"),
		Ends:     b(k("home", "end"), "home end", "top, bottom"),

		Filter:      b(k("/"), "/", "filter"),
		Select:      b(k("up", "down"), "↑↓", "select"),
		ListUp:      b(k("up"), "↑", "up"),
		ListDown:    b(k("down"), "↓", "down"),
		Open:        b(k("enter"), "enter", "open"),
		Replay:      b(k("x"), "x", "replay"),
		Delete:      b(k("d"), "d", "delete"),
		ListActions: b(k("tab"), "tab", "actions"),

		CopyAccess:       b(k("a"), "a", "access token"),
		CopyRefresh:      b(k("r"), "r", "refresh token"),
		CopyUserID:       b(k("i"), "i", "user_id"),
		CopyOpenID:       b(k("o"), "o", "open_id"),
		CopyUnionID:      b(k("u"), "u", "union_id"),
		CopyStringToSign: b(k("s"), "s", "string to sign"),
		CopyResponse:     b(k("b"), "b", "raw response body"),
		CopyCurl:         b(k("c"), "c", "request as curl"),
		CopyJSON:         b(k("j"), "j", "whole trace as JSON"),
		CopyJava:         b(k("J"), "J", "as Java code"),
		CopyNode:         b(k("N"), "N", "as Node.js code"),
		CopyGo:           b(k("G"), "G", "as Go code"),
		CopyPython:       b(k("P"), "P", "as Python code"),
		CopyPHP:          b(k("H"), "H", "as PHP code"),

		Yes: b(k("y"), "y", "yes"),
		No:  b(k("n", "esc"), "n/esc", "no"),

		Doctor:      b(k("D"), "D", "doctor: audit the setup"),
		DoctorProbe: b(k("p"), "p", "probe the gateway"),
		Identity:    b(k("I"), "I", "who the user is"),
		Lineage:     b(k("L"), "L", "token lineage"),
		AutoRefresh: b(k("A"), "A", "auto-refresh on/off"),

		Authorize:       b(k("a"), "a", "authorize: QR code, code caught"),
		AuthorizeScope:  b(k("s"), "s", "switch scope"),
		AppAuth:         b(k("T"), "T", "third-party app authorization"),
		AppAuthStart:    b(k("a"), "a", "authorize"),
		AppAuthMint:     b(k("m"), "m", "mint app_auth_code"),
		AppAuthRenew:    b(k("r"), "r", "renew token"),
		AppAuthQuery:    b(k("s"), "s", "query token"),
		AppAuthActAs:    b(k("t"), "t", "act for merchant"),
		Payloads:        b(k("P"), "P", "mini program payloads"),
		PayloadKey:      b(k("a"), "a", "AES key"),
		PayloadPhone:    b(k("ctrl+n"), "ctrl+n", "phone payload"),
		PayloadUserInfo: b(k("ctrl+o"), "ctrl+o", "user info"),
	}
}

// typingHelp is the footer while the auth code input has the focus.
func (k KeyMap) typingHelp() []key.Binding {
	return []key.Binding{k.Exchange, k.InputMint, k.InputGrant, k.LeaveInput, k.InputHelp, k.ForceQuit}
}

// resultsHelp is the footer of the exchange screen outside the input.
func (k KeyMap) resultsHelp() []key.Binding {
	return []key.Binding{k.Mint, k.Refresh, k.UserInfo, k.Copy, k.Reveal, k.History, k.Help, k.Quit}
}

// startHelp is the footer of the exchange screen before the first call.
func (k KeyMap) startHelp() []key.Binding {
	return []key.Binding{k.EditInput, k.Mint, k.Exchange, k.History, k.Profiles, k.Help, k.Quit}
}

// busyHelp is the footer while a call is in flight.
func (k KeyMap) busyHelp() []key.Binding {
	return []key.Binding{k.Cancel, k.NextPane, k.Help, k.ForceQuit}
}

// filterHelp is the footer while typing in the history filter.
func (k KeyMap) filterHelp() []key.Binding {
	return []key.Binding{k.Select, k.Open, k.ListActions, k.Back, k.ForceQuit}
}

// listHelp is the footer of the history list outside the filter.
func (k KeyMap) listHelp() []key.Binding {
	return []key.Binding{k.Open, k.Refresh, k.UserInfo, k.Replay, k.Delete, k.Filter, k.Back, k.Help, k.Quit}
}

// detailHelp is the footer of a history entry's detail view.
func (k KeyMap) detailHelp() []key.Binding {
	return []key.Binding{k.Refresh, k.UserInfo, k.Replay, k.Copy, k.Reveal, k.Delete, k.Back, k.Quit}
}

// withDesc is b described otherwise, in the console's language.
func withDesc(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, word(desc))
	return b
}

// helpGroup is one titled column of the full help.
type helpGroup struct {
	title    string
	bindings []key.Binding
}

// fullHelp is the whole key map as the help overlay shows it.
func (k KeyMap) fullHelp() []helpGroup {
	return []helpGroup{
		{tr("Exchange"), []key.Binding{k.Exchange, k.Mint, k.MintBase, k.Grant, k.EditInput}},
		{tr("While typing a code"), []key.Binding{k.Exchange, k.InputMint, k.InputGrant, withDesc(k.NextPane, "to the panes"), k.LeaveInput, k.InputHelp, k.ForceQuit}},
		{tr("Log in"), []key.Binding{k.Authorize, k.AppAuth, k.Payloads}},
		{tr("Results"), []key.Binding{k.Refresh, k.UserInfo, k.Copy, k.Reveal, k.BodyForm, k.Pager, k.NextPane, k.Scroll, k.Ends, k.Search, k.NextMatch, k.PrevMatch}},
		{tr("History"), []key.Binding{k.History, k.Filter, k.Open, k.Replay, k.Delete, k.Back}},
		{tr("Copy (after c)"), []key.Binding{k.CopyAccess, k.CopyRefresh, k.CopyUserID, k.CopyOpenID, k.CopyUnionID, k.CopyStringToSign, k.CopyResponse, k.CopyCurl, k.CopyJSON, k.CopyJava, k.CopyNode, k.CopyGo, k.CopyPython, k.CopyPHP}},
		{tr("Diagnose"), []key.Binding{k.Doctor, k.Identity, k.Lineage, k.AutoRefresh}},
		{tr("General"), []key.Binding{k.Profiles, k.Faults, k.Log, k.Cancel, withDesc(k.Help, "help (f1 anywhere)"), k.Quit, withDesc(k.ForceQuit, "quit, always")}},
	}
}
