package ews

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseFolder: any text parses to a folder reference without panicking; a well-known name gives that
// folder; a path's parts are never empty and never padded.
func FuzzParseFolder(f *testing.F) {
	for _, s := range []string{"", "Inbox", "Sent Items", "Inbox/Phishing/Reported", `a\/b/c`, "/", `\`, "//x//",
		"AAMkADEzNzY2ZjM1LTQ5ZWMtNDkzNy1iMGU4LTEyNDQ0ZDQxYmM4MAAuAAAAAAA=", "</t:Constant>]]>", " inbox "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref := ParseFolder(s)
		if ref.IsZero() {
			t.Fatalf("ParseFolder(%q) is the zero value", s)
		}
		_ = ref.String()
		if d, ok := distinguishedNames[strings.ToLower(strings.TrimSpace(s))]; ok && ref != DistinguishedFolder(d) {
			t.Fatalf("ParseFolder(%q) = %#v, want the well-known folder %q", s, ref, d)
		}
		for _, p := range splitPath(s) {
			if p == "" || p != strings.TrimSpace(p) {
				t.Fatalf("splitPath(%q) has the part %q", s, p)
			}
			if utf8.ValidString(s) && !utf8.ValidString(p) {
				t.Fatalf("splitPath(%q) broke a character: %q", s, p)
			}
		}
	})
}
