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

	s := Styles{
		Dark:      hasDarkBackground,
		Title:     base.Bold(true).Foreground(accent),
		Dim:       base.Foreground(dim),
		Bold:      base.Bold(true),
		Label:     base.Foreground(dim),
		Value:     base.Foreground(fg),
		Secret:    base.Foreground(magenta),
		Section:   base.Bold(true).Foreground(accent),
		Separator: base.Foreground(dim),
		Stale:     base.Faint(true).Foreground(dim),

		EnvEmulator:   badge.Foreground(magenta),
		EnvSandbox:    badge.Foreground(yellow),
		EnvProduction: badge.Foreground(red),
		EnvCustom:     badge.Foreground(cyan),

		PaneTitle:        base.Bold(true).Foreground(dim),
		PaneTitleFocused: base.Bold(true).Reverse(true).Foreground(accent),

		BadgeOK:   badge.Foreground(green),
		BadgeWarn: badge.Foreground(yellow),
		BadgeFail: badge.Foreground(red),
		OK:        base.Foreground(green),
		Warn:      base.Foreground(yellow).Bold(true),
		Error:     base.Foreground(red).Bold(true),
		Banner:    base.Bold(true).Reverse(true).Foreground(yellow),

		Signed:       base.Foreground(green).Underline(true),
		SignedGutter: base.Foreground(green).Bold(true),
		DiffMark:     base.Reverse(true).Bold(true).Foreground(red),
		JSONKey:      base.Foreground(accent),
		JSONString:   base.Foreground(green),
		JSONNumber:   base.Foreground(magenta),
		JSONLiteral:  base.Foreground(yellow),
		JSONPunct:    base.Foreground(dim),
		Link:         base.Underline(true).Foreground(accent),
		Match:        base.Reverse(true).Foreground(yellow),
		MatchCurrent: base.Reverse(true).Bold(true).Underline(true).Foreground(magenta),

		GrantOn:  base.Bold(true).Reverse(true).Foreground(accent),
		GrantOff: base.Foreground(dim),
		Prompt:   base.Bold(true).Foreground(accent),

		RowSelected: base.Reverse(true).Bold(true),
		Overlay: base.Border(lipgloss.RoundedBorder()).BorderForeground(accent).
			Padding(0, 1),

		StatusInfo:  base.Foreground(dim),
		StatusOK:    base.Foreground(green),
		StatusWarn:  base.Foreground(yellow).Bold(true),
		StatusError: base.Foreground(red).Bold(true),
	}

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
	return s
}
