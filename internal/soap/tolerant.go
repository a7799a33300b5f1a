package soap

import (
	"encoding/binary"
	"io"
)

// Real Exchange servers copy raw MIME headers and message text into their XML, so an answer can hold what XML 1.0
// forbids: control characters (U+0000-U+001F but tab, line feed and carriage return) written raw or as character
// references (&#x0;, &#1;, &#xB;), and references to surrogates or U+FFFE/U+FFFF. A strict parser refuses the
// whole answer, and with it every other item of the batch. Both decoders therefore read responses through a
// tolerantReader, which replaces each such character with U+FFFD (the Unicode replacement character): a raw
// control byte by U+FFFD's UTF-8 bytes, an illegal reference by "&#xFFFD;". Nothing else is changed; an answer
// that is still not well-formed is refused as before.

// replacementRef stands for an illegal character reference.
const replacementRef = "&#xFFFD;"

// replacementUTF8 stands for a raw control character.
const replacementUTF8 = "\uFFFD"

// maxRefLen bounds the character references the reader decodes ("&#x" + digits + ";"). A longer one (leading
// zeros can hide a NUL: "&#x0000...0;") is neutralized: its '&' is written "&amp;", so the decoder reads the
// reference as plain text.
const maxRefLen = 32

// tolerantReader is the reader described above.
type tolerantReader struct {
	r   io.Reader
	raw []byte // bytes read from r and not yet filtered: raw[lo:hi]
	lo  int
	hi  int
	out []byte // filtered bytes not yet returned: out[olo:] (a part of raw when nothing had to change, else own)
	olo int
	own []byte // buffer of the bytes filterXMLChars changed
	err error  // r's error, returned once raw and out are drained
}

// newTolerantReader returns r read through a tolerantReader.
func newTolerantReader(r io.Reader) io.Reader {
	if t, ok := r.(*tolerantReader); ok {
		return t
	}
	return &tolerantReader{r: r}
}

func (t *tolerantReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for t.olo == len(t.out) {
		if t.err != nil && t.lo == t.hi {
			return 0, t.err
		}
		t.fill(len(p))
	}
	n := copy(p, t.out[t.olo:])
	t.olo += n
	return n, nil
}

// fill reads more of r and filters what can be filtered.
func (t *tolerantReader) fill(want int) {
	if t.err == nil {
		if t.raw == nil {
			t.raw = make([]byte, max(min(want, 32<<10), 512)+maxRefLen)
		}
		if t.lo > 0 { // keep the unfiltered tail (a reference cut by the read) at the front
			t.hi = copy(t.raw, t.raw[t.lo:t.hi])
			t.lo = 0
		}
		n, err := t.r.Read(t.raw[t.hi:])
		t.hi += n
		if err != nil {
			t.err = err
		}
	}
	t.olo = 0
	src, final := t.raw[t.lo:t.hi], t.err != nil
	if n := cleanPrefix(src, final); n > 0 {
		// Nothing to change (the usual case): the bytes are returned from raw itself, which the next fill only
		// reuses once they have all been read.
		t.out = src[:n]
		t.lo += n
		return
	}
	var used int
	t.own, used = filterXMLChars(t.own[:0], src, final)
	t.out = t.own
	t.lo += used
}

// cleanPrefix returns how many bytes at the start of src filterXMLChars would pass unchanged, stopping before a
// character reference cut at the end of src unless final.
func cleanPrefix(src []byte, final bool) int {
	j := 0
	for j < len(src) {
		if j+8 <= len(src) && plainWord(binary.LittleEndian.Uint64(src[j:])) {
			j += 8
			continue
		}
		c := src[j]
		if !special[c] {
			j++
			continue
		}
		if c != '&' {
			return j
		}
		n, illegal, complete := numericRef(src[j:])
		if !complete && !final || illegal || n < 0 {
			return j
		}
		j++
	}
	return j
}

// special marks the bytes filterXMLChars must look at: '&' and the control characters XML forbids.
var special = func() (s [256]bool) {
	for c := 0; c < 0x20; c++ {
		s[c] = c != '\t' && c != '\n' && c != '\r'
	}
	s['&'] = true
	return s
}()

const (
	ones8  = 0x0101010101010101
	highs8 = 0x8080808080808080
	amps8  = ones8 * '&'
)

// plainWord reports whether none of the 8 bytes of x is '&' or below 0x20 (tab, line feed and carriage return
// included), so that filterXMLChars may pass them without looking at each.
func plainWord(x uint64) bool {
	below := (x - ones8*0x20) &^ x & highs8 // some byte < 0x20
	y := x ^ amps8
	amp := (y - ones8) &^ y & highs8 // some byte == '&'
	return below|amp == 0
}

// filterXMLChars appends src to dst with forbidden characters replaced, and returns how much of src it used:
// unless final, a character reference cut at the end of src is left for the next call.
func filterXMLChars(dst, src []byte, final bool) ([]byte, int) {
	i := 0
	for i < len(src) {
		j := i
		for j < len(src) {
			if j+8 <= len(src) && plainWord(binary.LittleEndian.Uint64(src[j:])) {
				j += 8
				continue
			}
			if special[src[j]] {
				break
			}
			j++
		}
		dst = append(dst, src[i:j]...)
		if j == len(src) {
			return dst, j
		}
		if src[j] != '&' {
			dst = append(dst, replacementUTF8...)
			i = j + 1
			continue
		}
		n, illegal, complete := numericRef(src[j:])
		if !complete && !final {
			return dst, j
		}
		if n < 0 {
			dst = append(dst, "&amp;"...)
			i = j + 1
			continue
		}
		if illegal {
			dst = append(dst, replacementRef...)
			i = j + n
			continue
		}
		dst = append(dst, '&')
		i = j + 1
	}
	return dst, i
}

// numericRef looks at the '&' that starts b: whether it begins a numeric character reference to a character XML
// forbids (and its length), and whether b held enough to tell. n is -1 for a reference too long to decode.
func numericRef(b []byte) (n int, illegal, complete bool) {
	if len(b) < 2 {
		return 0, false, false
	}
	if b[1] != '#' {
		return 0, false, true
	}
	i, base := 2, rune(10)
	if len(b) > 2 && b[2] == 'x' {
		i, base = 3, 16
	}
	start := i
	var v rune
	for ; i < len(b) && i < maxRefLen; i++ {
		c := b[i]
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		case c == ';' && i > start:
			return i + 1, !isInCharacterRange(v), true
		default:
			return 0, false, true // not a numeric reference: the decoder judges it
		}
		if v = v*base + d; v > 0x10FFFF {
			v = 0x110000 // stays out of range without overflowing
		}
	}
	if i >= maxRefLen {
		return -1, false, true
	}
	return 0, false, false
}
