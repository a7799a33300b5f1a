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

func TestPlainWord(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			b := []byte("abcdefgh")
			b[pos] = byte(c)
			x := uint64(0)
			for i := 7; i >= 0; i-- {
				x = x<<8 | uint64(b[i])
			}
			if want := c >= 0x20 && c != '&'; plainWord(x) != want {
				t.Fatalf("byte %#x at %d: plainWord = %v", c, pos, !want)
			}
		}
	}
	for n := 0; n < 200000; n++ { // words of any bytes against the byte-by-byte answer
		x := uint64(n)*0x9E3779B97F4A7C15 ^ uint64(n)<<29
		want := true
		for i := 0; i < 8; i++ {
			if c := byte(x >> (8 * i)); c < 0x20 || c == '&' {
				want = false
			}
		}
		if plainWord(x) != want {
			t.Fatalf("%#x: plainWord = %v", x, !want)
		}
	}
}

// BenchmarkTolerantReader is the filter's own cost on the GetItem answer of BenchmarkDecodeGetItem100.
func BenchmarkTolerantReader(b *testing.B) {
	data := getItemResponse(100, 2048)
	b.SetBytes(int64(len(data)))
	buf := make([]byte, 32<<10)
	for b.Loop() {
		r := newTolerantReader(bytes.NewReader(data))
		for {
			if _, err := r.Read(buf); err != nil {
				break
			}
		}
	}
}
