package soap

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestTolerantReader(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain &lt;text&gt; &amp; &#233; &#x1F600;", "plain &lt;text&gt; &amp; &#233; &#x1F600;"},
		{"a&#x0;b&#0;c&#x1;d&#xB;e&#11;f", "a&#xFFFD;b&#xFFFD;c&#xFFFD;d&#xFFFD;e&#xFFFD;f"},
		{"&#xD800;&#xDFFF;&#xFFFE;&#65535;&#x110000;&#99999999999;", strings.Repeat("&#xFFFD;", 6)},
		{"tab\tnl\ncr\r&#x9;&#xA;&#xD;&#x20;", "tab\tnl\ncr\r&#x9;&#xA;&#xD;&#x20;"},
		{"raw\x00nul\x01\x0b\x1f!", "raw\uFFFDnul\uFFFD\uFFFD\uFFFD!"},
		{`<a b="&#x0;">`, `<a b="&#xFFFD;">`},
		{"&#;&#x;&# 1;&#12a;&", "&#;&#x;&# 1;&#12a;&"}, // not references: left to the decoder
		{"&#x00000000000000000000000000000000000000;", "&amp;#x00000000000000000000000000000000000000;"},
		{"&#x00000000000000000000000041;", "&#x00000000000000000000000041;"},
		{"end&#x0", "end&#x0"},
		{"end&#", "end&#"},
	} {
		for name, r := range map[string]func(io.Reader) io.Reader{
			"whole": func(r io.Reader) io.Reader { return r }, "byte": iotest.OneByteReader, "half": iotest.HalfReader,
		} {
			got, err := io.ReadAll(r(newTolerantReader(r(strings.NewReader(tc.in)))))
			if err != nil || string(got) != tc.want {
				t.Errorf("%s %q: got %q, %v; want %q", name, tc.in, got, err, tc.want)
			}
		}
	}
	// A long input crosses the reader's buffer many times; references cut by a read are kept whole.
	var in, want bytes.Buffer
	for i := 0; i < 20000; i++ {
		in.WriteString("xy&#x0;z\x01")
		want.WriteString("xy&#xFFFD;z\uFFFD")
	}
	got, err := io.ReadAll(newTolerantReader(iotest.HalfReader(bytes.NewReader(in.Bytes()))))
	if err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Errorf("long input: %d bytes, %v; want %d bytes", len(got), err, want.Len())
	}
}

// A GetItem answer with a poison message between two good ones decodes, with both decoders, into all three
// messages, the poison one with its forbidden characters read as U+FFFD.
func TestPoisonMessageDecodes(t *testing.T) {
	doc := fastHead +
		fastMsg(`<t:Message><t:Subject>before</t:Subject></t:Message>`) +
		fastMsg(`<t:Message><t:Subject>Invoice&#x0;&#xB; due</t:Subject><t:InternetMessageHeaders><t:InternetMessageHeader HeaderName="X-Evil">a&#x1;b`+"\x02"+`</t:InternetMessageHeader></t:InternetMessageHeaders></t:Message>`) +
		fastMsg(`<t:Message><t:Subject>after</t:Subject></t:Message>`) + fastTail
	std, fast, _, _, errStd, errFast := decodeBoth([]byte(doc))
	if errStd != nil || errFast != nil {
		t.Fatalf("encoding/xml: %v; fast: %v", errStd, errFast)
	}
	for _, r := range []GetItemResponse{std, fast} {
		if len(r.ResponseMessages) != 3 {
			t.Fatalf("%d messages", len(r.ResponseMessages))
		}
		got := []string{r.ResponseMessages[0].Items.Items[0].Subject, r.ResponseMessages[1].Items.Items[0].Subject, r.ResponseMessages[2].Items.Items[0].Subject}
		if got[0] != "before" || got[1] != "Invoice\uFFFD\uFFFD due" || got[2] != "after" {
			t.Errorf("subjects %q", got)
		}
		if h := r.ResponseMessages[1].Items.Items[0].InternetMessageHeaders; len(h) != 1 || h[0].Value != "a\uFFFDb\uFFFD" {
			t.Errorf("headers %+v", h)
		}
	}
}

// An item with a value that cannot be read fails alone, in both decoders: its neighbours are decoded.
func TestBadValueFailsItemAlone(t *testing.T) {
	std, fast, _, _, errStd, errFast := decodeBoth([]byte(fastCases["bad value between good ones"]))
	if errStd != nil || errFast != nil {
		t.Fatalf("encoding/xml: %v; fast: %v", errStd, errFast)
	}
	for _, r := range []GetItemResponse{std, fast} {
		var got []string
		for _, m := range r.ResponseMessages {
			it := m.Items.Items[0]
			got = append(got, it.Subject+"|"+it.DecodeError)
		}
		want := []string{"a|", `|strconv.ParseInt: parsing "abc": invalid syntax`, `|parsing time "never": not an xs:dateTime`, "d|"}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("items %q, want %q", got, want)
		}
	}
}
