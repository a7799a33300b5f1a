package soap

import "io"

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
	out []byte // filtered bytes not yet returned: out[olo:]
	olo int
	err error // r's error, returned once raw and out are drained
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
	t.out, t.olo = t.out[:0], 0
	var used int
	t.out, used = filterXMLChars(t.out, t.raw[t.lo:t.hi], t.err != nil)
	t.lo += used
}

// special marks the bytes filterXMLChars must look at: '&' and the control characters XML forbids.
var special = func() (s [256]bool) {
	for c := 0; c < 0x20; c++ {
		s[c] = c != '\t' && c != '\n' && c != '\r'
	}
	s['&'] = true
	return s
}()

// filterXMLChars appends src to dst with forbidden characters replaced, and returns how much of src it used:
// unless final, a character reference cut at the end of src is left for the next call.
func filterXMLChars(dst, src []byte, final bool) ([]byte, int) {
	i := 0
	for i < len(src) {
		j := i
		for j < len(src) && !special[src[j]] {
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
