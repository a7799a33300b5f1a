package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// printVersion prints the module version, the VCS revision the binary was built from and the Go version, from
// the build information the Go toolchain stamps into the binary:
//
//	ews v1.2.0 (github.com/ewsgo/ews), revision 4ca012e1f00d 2026-12-06T18:00:00Z, go1.26.0 linux/amd64
func printVersion(w io.Writer) {
	version, module, revision, when, modified := "(unknown)", "github.com/ewsgo/ews", "", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Path != "" {
			module = bi.Main.Path
		}
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	fmt.Fprintf(w, "ews %s (%s)", version, module)
	if revision != "" {
		if len(revision) > 12 {
			revision = revision[:12]
		}
		fmt.Fprintf(w, ", revision %s", revision)
		if when != "" {
			fmt.Fprintf(w, " %s", when)
		}
		if modified {
			fmt.Fprint(w, " with local changes")
		}
	}
	fmt.Fprintf(w, ", %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
