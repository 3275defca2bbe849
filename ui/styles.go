package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// Styles is every style the console draws with. Colours come in light and
// dark variants; meaning never rests on colour alone (badges are reversed,
// the signed span has a gutter mark), so the console reads the same with
// NO_COLOR, where Bubble Tea's renderer drops colours but keeps attributes.
type Styles struct {
	// Dark is whether they are for a dark background, where a QR code is
	// drawn in light ink.
	Dark bool

	Title     lipgloss.Style
	Dim       lipgloss.Style
	Bold      lipgloss.Style
	Label     lipgloss.Style
	Value     lipgloss.Style
	Secret    lipgloss.Style
	Section   lipgloss.Style
	Separator lipgloss.Style
	// Stale fades a result while a newer call is under way; faint keeps
	// meaning without colour.
	Stale lipgloss.Style

	EnvEmulator   lipgloss.Style
	EnvSandbox    lipgloss.Style
	EnvProduction lipgloss.Style
	EnvCustom     lipgloss.Style

	PaneTitle        lipgloss.Style
	PaneTitleFocused lipgloss.Style

	BadgeOK   lipgloss.Style
	BadgeWarn lipgloss.Style
	BadgeFail lipgloss.Style
	OK        lipgloss.Style
	Warn      lipgloss.Style
	Error     lipgloss.Style
	Banner    lipgloss.Style

	// Signed marks the signed content inside the raw body; SignedGutter is
	// the mark at the start of each line that holds some of it.
	Signed       lipgloss.Style
	SignedGutter lipgloss.Style
	// JSONKey and the rest colour the pretty body by token.
	JSONKey     lipgloss.Style
	JSONString  lipgloss.Style
	JSONNumber  lipgloss.Style
	JSONLiteral lipgloss.Style
	JSONPunct   lipgloss.Style
	// Link is a URL the terminal can open (OSC 8).
	Link lipgloss.Style
	// Match marks a search match, MatchCurrent the one n and N are on.
	Match        lipgloss.Style
	MatchCurrent lipgloss.Style
	// DiffMark points at the first difference between two strings to sign.
	DiffMark lipgloss.Style

	GrantOn  lipgloss.Style
	GrantOff lipgloss.Style
	Prompt   lipgloss.Style

	RowSelected lipgloss.Style
	Overlay     lipgloss.Style

	StatusInfo  lipgloss.Style
	StatusOK    lipgloss.Style
	StatusWarn  lipgloss.Style
	StatusError lipgloss.Style

	Help  help.Styles
	Input textinput.Styles
}

// NewStyles returns the styles for a terminal with a dark or a light
// background.
func NewStyles(hasDarkBackground bool) Styles {
	var s Styles
	s.set(hasDarkBackground)
	return s
}

// set makes every style, for a dark background or a light one. Each is
// made in a statement of its own: made in one composite literal, the
// styles' temporaries (a lipgloss.Style is 648 bytes) took a 160 KB stack
// frame, and growing the stack to hold it was a tenth of the console's
// start.
func (s *Styles) set(hasDarkBackground bool) {
	ld := lipgloss.LightDark(hasDarkBackground)
	var (
		fg      = ld(lipgloss.Color("#1F1F1F"), lipgloss.Color("#E4E4E4"))
		dim     = ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#8A8A8A"))
		accent  = ld(lipgloss.Color("#0057B8"), lipgloss.Color("#5FAFFF"))
		green   = ld(lipgloss.Color("#1A7F37"), lipgloss.Color("#5FD75F"))
		yellow  = ld(lipgloss.Color("#9A6700"), lipgloss.Color("#FFD75F"))
		red     = ld(lipgloss.Color("#CF222E"), lipgloss.Color("#FF5F5F"))
		magenta = ld(lipgloss.Color("#8250DF"), lipgloss.Color("#D787FF"))
		cyan    = ld(lipgloss.Color("#0A7E8C"), lipgloss.Color("#5FD7D7"))
	)
	base := lipgloss.NewStyle()
	badge := base.Bold(true).Reverse(true).Padding(0, 1)

	s.Dark = hasDarkBackground
	s.Title = base.Bold(true).Foreground(accent)
	s.Dim = base.Foreground(dim)
	s.Bold = base.Bold(true)
	s.Label = base.Foreground(dim)
	s.Value = base.Foreground(fg)
	s.Secret = base.Foreground(magenta)
	s.Section = base.Bold(true).Foreground(accent)
	s.Separator = base.Foreground(dim)
	s.Stale = base.Faint(true).Foreground(dim)

	s.EnvEmulator = badge.Foreground(magenta)
	s.EnvSandbox = badge.Foreground(yellow)
	s.EnvProduction = badge.Foreground(red)
	s.EnvCustom = badge.Foreground(cyan)

	s.PaneTitle = base.Bold(true).Foreground(dim)
	s.PaneTitleFocused = base.Bold(true).Reverse(true).Foreground(accent)

	s.BadgeOK = badge.Foreground(green)
	s.BadgeWarn = badge.Foreground(yellow)
	s.BadgeFail = badge.Foreground(red)
	s.OK = base.Foreground(green)
	s.Warn = base.Foreground(yellow).Bold(true)
	s.Error = base.Foreground(red).Bold(true)
	s.Banner = base.Bold(true).Reverse(true).Foreground(yellow)

	s.Signed = base.Foreground(green).Underline(true)
	s.SignedGutter = base.Foreground(green).Bold(true)
	s.DiffMark = base.Reverse(true).Bold(true).Foreground(red)
	s.JSONKey = base.Foreground(accent)
	s.JSONString = base.Foreground(green)
	s.JSONNumber = base.Foreground(magenta)
	s.JSONLiteral = base.Foreground(yellow)
	s.JSONPunct = base.Foreground(dim)
	s.Link = base.Underline(true).Foreground(accent)
	s.Match = base.Reverse(true).Foreground(yellow)
	s.MatchCurrent = base.Reverse(true).Bold(true).Underline(true).Foreground(magenta)

	s.GrantOn = base.Bold(true).Reverse(true).Foreground(accent)
	s.GrantOff = base.Foreground(dim)
	s.Prompt = base.Bold(true).Foreground(accent)

	s.RowSelected = base.Reverse(true).Bold(true)
	s.Overlay = base.Border(lipgloss.RoundedBorder()).BorderForeground(accent).
		Padding(0, 1)

	s.StatusInfo = base.Foreground(dim)
	s.StatusOK = base.Foreground(green)
	s.StatusWarn = base.Foreground(yellow).Bold(true)
	s.StatusError = base.Foreground(red).Bold(true)

	s.Help = help.Styles{
		Ellipsis:       base.Foreground(dim),
		ShortKey:       base.Bold(true).Foreground(accent),
		ShortDesc:      base.Foreground(dim),
		ShortSeparator: base.Foreground(dim),
		FullKey:        base.Bold(true).Foreground(accent),
		FullDesc:       base.Foreground(fg),
		FullSeparator:  base.Foreground(dim),
	}

	s.Input = textinput.DefaultStyles(hasDarkBackground)
	s.Input.Focused.Prompt = s.Prompt
	s.Input.Blurred.Prompt = base.Foreground(dim)
	s.Input.Cursor.Color = accent
	s.Input.Cursor.Blink = false // a blinking cursor would repaint the screen forever
}
