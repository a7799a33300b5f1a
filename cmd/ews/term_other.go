//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd && !dragonfly && !windows

package main

import "os"

// isTerminal reports false: on this system, progress is shown with --progress only.
func isTerminal(*os.File) bool { return false }
