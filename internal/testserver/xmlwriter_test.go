package testserver

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// xw.text escapes exactly as encoding/xml does.
func FuzzTextEscape(f *testing.F) {
	for _, s := range []string{"", "plain", `<a href="x">&'</a>`, "tab\tnl\ncr\r", "\x00\x1f", "é€😀", "\xff\xfe", "\uFFFE", "]]>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var w xw
		w.text(s)
		var want bytes.Buffer
		if err := xml.EscapeText(&want, []byte(s)); err != nil {
			t.Fatal(err)
		}
		if w.buf.String() != want.String() {
			t.Fatalf("text(%q) = %q, want %q", s, w.buf.String(), want.String())
		}
	})
}
