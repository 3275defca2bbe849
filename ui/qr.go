package ui

import (
	"fmt"
	"image/color"
	"strings"

	"github.com/boombuler/barcode/qr"
)

// QRCode is a QR code drawn with half blocks: one terminal cell holds two
// modules, one above the other, so the modules come out square on a
// terminal whose cells are twice as tall as wide, and an authorization URL
// fits an 80x24 terminal. The command line and the console both draw it.
type QRCode struct {
	// Size is the number of modules on a side, quiet zone excluded.
	Size int
	dark [][]bool
}

// Quiet zones tried by Fit, widest first. The standard asks for four
// modules; phones read a code on a screen with one.
const (
	maxQuietZone = 4
	minQuietZone = 1
)

// NewQRCode encodes text at error correction level L: a screen does not
// smudge, and the lowest level keeps the code smallest.
func NewQRCode(text string) (*QRCode, error) {
	if text == "" {
		return nil, fmt.Errorf("QR code: nothing to encode")
	}
	code, err := qr.Encode(text, qr.L, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("QR code of %d bytes: %w", len(text), err)
	}
	n := code.Bounds().Dx()
	dark := make([][]bool, n)
	for y := range n {
		dark[y] = make([]bool, n)
		for x := range n {
			dark[y][x] = color.GrayModel.Convert(code.At(x, y)).(color.Gray).Y < 128
		}
	}
	return &QRCode{Size: n, dark: dark}, nil
}

// Dimensions is the number of columns and lines the code takes with a
// quiet zone of quiet modules.
func (q *QRCode) Dimensions(quiet int) (cols, lines int) {
	side := q.Size + 2*quiet
	return side, (side + 1) / 2
}

// Render draws the code with a quiet zone of quiet modules. The glyphs draw
// the light modules (the code's white) in the terminal's foreground colour,
// so the code reads right on a dark background; darkInk draws the dark
// modules instead, for a light background. No colour or escape sequence is
// used, so it survives NO_COLOR and copying.
func (q *QRCode) Render(quiet int, darkInk bool) string {
	side := q.Size + 2*quiet
	// ink reports whether the module at (x, y) is drawn; outside the code
	// and its quiet zone is the terminal's own background.
	ink := func(x, y int) bool {
		if y >= side {
			return false
		}
		isDark := false
		if cx, cy := x-quiet, y-quiet; cx >= 0 && cy >= 0 && cx < q.Size && cy < q.Size {
			isDark = q.dark[cy][cx]
		}
		return isDark == darkInk
	}
	var b strings.Builder
	for y := 0; y < side; y += 2 {
		if y > 0 {
			b.WriteByte('\n')
		}
		for x := range side {
			switch top, bottom := ink(x, y), ink(x, y+1); {
			case top && bottom:
				b.WriteString("█")
			case top:
				b.WriteString("▀")
			case bottom:
				b.WriteString("▄")
			default:
				b.WriteByte(' ')
			}
		}
	}
	return b.String()
}

// Fit renders the code with the widest quiet zone (four modules down to
// one) that fits in cols x lines. ok is false when the code does not fit
// even with one: show the URL instead, or ask for a bigger terminal.
func (q *QRCode) Fit(cols, lines int, darkInk bool) (text string, ok bool) {
	for quiet := maxQuietZone; quiet >= minQuietZone; quiet-- {
		if c, l := q.Dimensions(quiet); c <= cols && l <= lines {
			return q.Render(quiet, darkInk), true
		}
	}
	return "", false
}
