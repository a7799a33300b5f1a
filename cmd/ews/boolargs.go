package main

import (
	"flag"
	"strings"
)

// joinBoolValues lets boolean flags take their value as the next argument, "--mark_as_read false", as well as
// "--mark_as_read=false" and "--mark_as_read" (true), which the flag package accepts alone: a boolean flag
// followed by an argument that is true or false (in any case) becomes "--flag=value". Arguments after "--" are
// left alone.
func joinBoolValues(fs *flag.FlagSet, args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		name, ok := boolFlagName(fs, a)
		if ok && i+1 < len(args) {
			switch v := strings.ToLower(args[i+1]); v {
			case "true", "false":
				out = append(out, "--"+name+"="+v)
				i++
				continue
			}
		}
		out = append(out, a)
	}
	return out
}

// boolFlagName returns the name of the boolean flag arg is, when arg is a flag without "=value".
func boolFlagName(fs *flag.FlagSet, arg string) (string, bool) {
	if !strings.HasPrefix(arg, "-") || strings.Contains(arg, "=") {
		return "", false
	}
	name := strings.TrimPrefix(strings.TrimPrefix(arg, "-"), "-")
	f := fs.Lookup(name)
	if f == nil {
		return "", false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return name, ok && b.IsBoolFlag()
}
