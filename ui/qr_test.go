package ui

import (
	"image"
	"image/color"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// screenshot paints rendered text as a terminal shows it: ink in the
// foreground colour, everything else (and a margin around) in the
// background colour, each module scale pixels square.
func screenshot(t *testing.T, text string, darkInk bool, scale int) image.Image {
	t.Helper()
	fg, bg := color.Gray{Y: 230}, color.Gray{Y: 20} // a dark terminal
	if darkInk {
		fg, bg = color.Gray{Y: 10}, color.Gray{Y: 250} // a light one
	}
	lines := strings.Split(text, "\n")
	cols := utf8.RuneCountInString(lines[0])
	const margin = 6
	w, h := (cols+2*margin)*scale, (2*len(lines)+2*margin)*scale
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = bg.Y
	}
	paint := func(col, row int) {
		for dy := range scale {
			for dx := range scale {
				img.SetGray((col+margin)*scale+dx, (row+margin)*scale+dy, fg)
			}
		}
	}
	for y, line := range lines {
		if n := utf8.RuneCountInString(line); n != cols {
			t.Fatalf("line %d is %d columns, line 0 is %d", y, n, cols)
		}
		x := 0
		for _, r := range line {
			switch r {
			case '█':
				paint(x, 2*y)
				paint(x, 2*y+1)
			case '▀':
				paint(x, 2*y)
			case '▄':
				paint(x, 2*y+1)
			case ' ':
			default:
				t.Fatalf("unexpected %q in the code", r)
			}
			x++
		}
	}
	return img
}

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the rendered code does not decode: %v", err)
	}
	return res.GetText()
}

// A phone scans what the terminal shows: the rendered text, painted as a
// terminal paints it, decodes back to the URL, on a dark terminal and on a
// light one, at 80x24.
func TestQRCodeDecodesAt80x24(t *testing.T) {
	urls := map[string]string{
		"catcher short link":    "https://tough-forest-4821.trycloudflare.com/a",
		"app authorization URL": "https://openauth.alipay.com/oauth2/appToAppAuth.htm?app_id=2015101400446982&redirect_uri=https%3A%2F%2Fisv.example.com%2Fcb&state=Qk9fR3l4ZWxi",
	}
	for name, u := range urls {
		t.Run(name, func(t *testing.T) {
			code, err := NewQRCode(u)
			if err != nil {
				t.Fatal(err)
			}
			for _, darkInk := range []bool{false, true} {
				text, ok := code.Fit(80, 24, darkInk)
				if !ok {
					cols, lines := code.Dimensions(minQuietZone)
					t.Fatalf("%d bytes need %dx%d", len(u), cols, lines)
				}
				if got := decodeQR(t, screenshot(t, text, darkInk, 4)); got != u {
					t.Fatalf("decodes to %q", got)
				}
			}
		})
	}
}

// A whole user authorization URL (here 187 bytes, a version 8 code of 49
// modules) does not fit 24 lines, and Fit says so rather than cutting it:
// the catcher's short link is what fits. Given room it renders and decodes.
func TestQRCodeTooBigSaysSo(t *testing.T) {
	u := "https://openauth.alipay.com/oauth2/publicAppAuthorize.htm?app_id=2021004112345678&scope=auth_user&redirect_uri=https%3A%2F%2Fwww.example.com%2Falipay%2Foauth%2Fcallback&state=Qk9fR3l4ZWxi"
	code, err := NewQRCode(u)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := code.Fit(80, 24, false); ok {
		t.Fatalf("a %d-module code claims to fit 24 lines", code.Size)
	}
	text, ok := code.Fit(80, 40, false)
	if !ok {
		t.Fatal("does not fit 80x40")
	}
	if cols, lines := len([]rune(strings.Split(text, "\n")[0])), strings.Count(text, "\n")+1; cols > 80 || lines > 40 {
		t.Fatalf("%dx%d", cols, lines)
	}
	if got := decodeQR(t, screenshot(t, text, false, 4)); got != u {
		t.Fatalf("decodes to %q", got)
	}
}

func TestQRCodeDimensions(t *testing.T) {
	code, err := NewQRCode("hello")
	if err != nil {
		t.Fatal(err)
	}
	if code.Size != 21 {
		t.Fatalf("version 1 is 21 modules, got %d", code.Size)
	}
	text := code.Render(2, false)
	if cols, lines := code.Dimensions(2); lines != strings.Count(text, "\n")+1 || cols != 25 || lines != 13 {
		t.Fatalf("dimensions %dx%d for\n%s", cols, lines, text)
	}
	if _, err := NewQRCode(""); err == nil {
		t.Fatal("an empty code was made")
	}
	if _, err := NewQRCode(strings.Repeat("x", 4000)); err == nil {
		t.Fatal("4000 bytes fit a QR code")
	}
}
