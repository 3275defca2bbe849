//go:build unix

package cli

import (
	"os"
	"os/exec"
	"testing"
)

// readOnly makes paths unwritable for this process until the test ends,
// whoever runs the tests: by their modes for an ordinary user, with the
// immutable attribute for root, whom modes do not stop.
func readOnly(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if os.Geteuid() != 0 {
			mode := info.Mode().Perm()
			if err := os.Chmod(p, mode&^0o222); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(p, mode) })
			continue
		}
		if out, err := exec.Command("chattr", "+i", p).CombinedOutput(); err != nil {
			t.Skipf("cannot make %s read-only as root (chattr: %v %s)", p, err, out)
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", p).Run() })
	}
}
