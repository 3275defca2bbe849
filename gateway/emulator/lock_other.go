//go:build !unix

package emulator

import "os"

// Without flock, processes sharing the demo emulator's state still catch up
// with each other's changes; only simultaneous use of one code is unguarded.
func lockFile(*os.File) error   { return nil }
func unlockFile(*os.File) error { return nil }
