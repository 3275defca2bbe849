package gateway

import (
	"strings"
	"testing"
)

// Only the fixed tokens of the emulator's note cross into warnings, each
// worded by the client; anything else in the header is dropped, so no text
// a server writes reaches the terminal.
func TestEmulatorNotesAreWordedByTheClient(t *testing.T) {
	header := "timestamp-skew=-28800, timestamp-unpadded, \x1b[31mred, auth-expired=x, nonce-missing, auth-expired=90"
	got := emulatorWarnings(header, false)
	if len(got) != 4 || !strings.Contains(got[0], "8h0m0s behind") || !strings.Contains(got[1], "two digits") ||
		!strings.Contains(got[2], "nonce") || !strings.Contains(got[3], "1m30s") {
		t.Fatalf("warnings %q", got)
	}
	for _, w := range got {
		if strings.ContainsAny(w, "\x1b") {
			t.Fatalf("a control byte reached a warning: %q", w)
		}
	}
	if got := emulatorWarnings("timestamp-skew=600", true); len(got) != 0 {
		t.Fatalf("skew repeated after the client's own warning: %q", got)
	}
	if got := emulatorWarnings("timestamp-skew=600", false); len(got) != 1 || !strings.Contains(got[0], "10m0s ahead of its clock") {
		t.Fatalf("ahead: %q", got)
	}
}
