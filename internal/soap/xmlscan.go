package soap

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// scanner reads an XML document as a stream of tokens for the hand-written decoder of the hot response
// (decode_fast.go): it finds token boundaries with bytes.IndexByte and checks text eight bytes at a time, which
// makes it about 20 times faster than encoding/xml's byte-at-a-time tokenizer on EWS responses (see
// docs/PERFORMANCE.md).
//
// It checks what encoding/xml checks in strict mode: names, attribute syntax, matching end tags, entities
// (the five predefined ones and character references), UTF-8 and the XML character range, "]]>" outside CDATA,
// "--" in comments, and the version and encoding of the XML declaration. It refuses a few things EWS never sends
// and encoding/xml accepts (DOCTYPE and other directives, non-ASCII names, elements prefixed xml or xmlns), so a
// document it reads, encoding/xml reads the same way; the differential fuzz test FuzzDecodeFast checks that.
type scanner struct {
	r    io.Reader
	buf  []byte
	pos  int   // next unread byte
	end  int   // end of the data in buf
	mark int   // -1, or the offset of the first byte that must stay in buf (see keepFrom)
	rerr error // the reader's error, once it returned one

	kind  tokKind
	tok   int    // offset in buf of the current token
	name  []byte // qualified name of a start or end tag
	attrs []scanAttr
	text  []byte // text of a text token: unescaped, with line ends normalized
	empty bool   // the start tag was <x/>: an end token follows
	pend  bool   // the end token of an empty element is due

	names []byte // names of the open elements, concatenated
	ends  []int  // end of each open element's name in names
	nsTop []int  // len(ns) when each open element started
	ns    []nsBinding
	tbuf  []byte // unescaped text
	abuf  []byte // unescaped attribute values
	begun bool   // a token was read (the XML declaration must come first)
}

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokStart
	tokEnd
	tokText
)

// scanAttr is an attribute of the current start tag; its value is buf[vs:ve] or, when inA, abuf[vs:ve].
type scanAttr struct {
	name   []byte
	vs, ve int
	inA    bool
}

type nsBinding struct {
	prefix string
	uri    string
}

// errSyntax is wrapped by the scanner's errors about the document.
var errSyntax = errors.New("XML syntax error")

// refused is in the message of the errors about constructs encoding/xml accepts and the scanner does not.
const refused = "not accepted"

func refusedErr(what string) error { return fmt.Errorf("%w: %s are %s", errSyntax, what, refused) }

// nameErr is the error about a name that is not valid, or that the scanner refuses: not ASCII, or with colons
// that do not separate a prefix from a local name.
func nameErr(name []byte, format string, args ...any) error {
	for _, c := range name {
		if c >= utf8.RuneSelf {
			return refusedErr("non-ASCII names")
		}
	}
	if validName(name) {
		return refusedErr("names with stray colons")
	}
	return syntaxErr(format, args...)
}

func syntaxErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errSyntax, fmt.Sprintf(format, args...))
}

var scanBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// maxPooledScan bounds the buffers kept for reuse.
const maxPooledScan = 4 << 20

func newScanner(r io.Reader) *scanner {
	return &scanner{r: r, buf: *scanBufs.Get().(*[]byte), mark: -1}
}

// release gives the buffer back; no token may be used afterwards.
func (s *scanner) release() {
	if cap(s.buf) <= maxPooledScan {
		b := s.buf[:cap(s.buf)]
		scanBufs.Put(&b)
	}
	s.buf = nil
}

// depth returns the number of open elements.
func (s *scanner) depth() int { return len(s.ends) }

// keepFrom makes the scanner keep the bytes from offset off of buf (the start of the current token, s.tok) until
// rawFrom is called, so that they can be handed to encoding/xml. off is updated as the buffer moves.
func (s *scanner) keepFrom() { s.mark = s.tok }

// rawFrom returns the bytes kept since keepFrom, up to the end of the current token, and stops keeping them.
func (s *scanner) rawFrom() []byte {
	b := s.buf[s.mark:s.pos]
	s.mark = -1
	return b
}

// fill reads more data, keeping buf[min(pos, mark, from):]. It returns the number of bytes the kept data moved
// back (offsets into buf must be reduced by it), or an error when no more data comes.
func (s *scanner) fill(from int) (int, error) {
	if s.rerr != nil {
		return 0, s.rerr
	}
	keep := min(s.pos, from)
	if s.mark >= 0 {
		keep = min(keep, s.mark)
	}
	shift := 0
	if keep > 0 {
		copy(s.buf, s.buf[keep:s.end])
		s.end -= keep
		s.pos -= keep
		s.tok -= keep
		if s.mark >= 0 {
			s.mark -= keep
		}
		shift = keep
	}
	if len(s.buf)-s.end < 4<<10 {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for i := 0; i < 100; i++ {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.rerr = err
		}
		if n > 0 {
			return shift, nil
		}
		if err != nil {
			return shift, err
		}
	}
	s.rerr = io.ErrNoProgress
	return shift, s.rerr
}

func eofErr(err error) error {
	if err == io.EOF {
		return syntaxErr("unexpected EOF")
	}
	return err
}

// next reads the next token: a start tag, an end tag, text (CDATA included), or the end of the document.
// Comments and processing instructions are checked and skipped.
func (s *scanner) next() error {
	if s.pend {
		s.pend = false
		s.kind = tokEnd
		return s.pop()
	}
	for {
		s.tok = s.pos
		if s.pos == s.end {
			if _, err := s.fill(s.pos); err != nil {
				if err == io.EOF {
					s.kind = tokEOF
					if len(s.ends) > 0 {
						return syntaxErr("unexpected EOF")
					}
					return io.EOF
				}
				return err
			}
			continue
		}
		if s.buf[s.pos] != '<' {
			return s.readText()
		}
		// Markup: make sure its first bytes are there.
		for s.end-s.pos < 9 {
			if _, err := s.fill(s.pos); err != nil {
				if err == io.EOF {
					break
				}
				return err
			}
		}
		w := s.buf[s.pos:s.end]
		if len(w) < 2 {
			return syntaxErr("unexpected EOF")
		}
		switch w[1] {
		case '/':
			return s.readEnd()
		case '?':
			if err := s.readPI(); err != nil {
				return err
			}
		case '!':
			switch {
			case bytes.HasPrefix(w, []byte("<!--")):
				if err := s.skipComment(); err != nil {
					return err
				}
			case bytes.HasPrefix(w, []byte("<![CDATA[")):
				return s.readCDATA()
			case len(w) < 9 && (bytes.HasPrefix([]byte("<![CDATA["), w) || bytes.HasPrefix([]byte("<!--"), w)):
				return syntaxErr("unexpected EOF")
			default:
				return refusedErr("directives (<!DOCTYPE ...>)")
			}
		default:
			return s.readStart()
		}
	}
}

// find returns the offset in buf of the first occurrence of sep at or after from, reading more data as needed.
func (s *scanner) find(from int, sep string) (int, error) {
	for {
		if i := bytes.Index(s.buf[from:s.end], []byte(sep)); i >= 0 {
			return from + i, nil
		}
		next := max(from, s.end-len(sep)+1)
		shift, err := s.fill(s.pos)
		if err != nil {
			return 0, eofErr(err)
		}
		from = next - shift
	}
}

func (s *scanner) readText() error {
	from := s.pos
	for {
		if i := bytes.IndexByte(s.buf[from:s.end], '<'); i >= 0 {
			return s.setText(s.buf[s.pos:from+i], false, from+i)
		}
		from = s.end
		shift, err := s.fill(s.pos)
		from -= shift
		if err == io.EOF {
			return s.setText(s.buf[s.pos:s.end], false, s.end)
		}
		if err != nil {
			return err
		}
	}
}

func (s *scanner) readCDATA() error {
	i, err := s.find(s.pos+9, "]]>")
	if err != nil {
		return err
	}
	return s.setText(s.buf[s.pos+9:i], true, i+3)
}

// setText makes raw (text or CDATA content) the current token and moves pos to next.
func (s *scanner) setText(raw []byte, cdata bool, next int) error {
	t, copied, err := s.unescape(s.tbuf[:0], raw, cdata, false)
	if err != nil {
		return err
	}
	if copied {
		s.tbuf = t
	}
	s.kind, s.text, s.pos = tokText, t, next
	return nil
}

func (s *scanner) skipComment() error {
	i, err := s.find(s.pos+4, "--")
	if err != nil {
		return err
	}
	for i+2 >= s.end {
		shift, err := s.fill(s.pos)
		if err != nil {
			return eofErr(err)
		}
		i -= shift
	}
	if s.buf[i+2] != '>' {
		return syntaxErr(`invalid sequence "--" not allowed in comments`)
	}
	s.pos = i + 3
	return nil
}

func (s *scanner) readPI() error {
	i, err := s.find(s.pos+2, "?>")
	if err != nil {
		return err
	}
	body := s.buf[s.pos+2 : i]
	n := 0
	for n < len(body) && nameByte[body[n]] {
		n++
	}
	target := body[:n]
	if !validName(target) {
		return nameErr(target, "expected target name after <?")
	}
	if strings.Contains(string(target), ":") || n < len(body) && !isSpace(body[n]) {
		return refusedErr("processing instructions with unusual targets")
	}
	if string(target) == "xml" {
		if s.begun {
			return refusedErr("XML declarations after the first element")
		}
		content := string(body[n:])
		if ver := procInst("version", content); ver != "" && ver != "1.0" {
			return fmt.Errorf("xml: unsupported version %q; only version 1.0 is supported", ver)
		}
		if enc := procInst("encoding", content); enc != "" && !strings.EqualFold(enc, "utf-8") {
			if _, err := charsetReader(enc, nil); err != nil {
				return fmt.Errorf("xml: opening charset %q: %w", enc, err)
			}
		}
	}
	s.pos = i + 2
	return nil
}

// procInst returns the value of param in the content of a processing instruction, as encoding/xml reads it.
func procInst(param, s string) string {
	param += "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}

// tagEnd returns the offset of the '>' that ends the tag starting at s.pos, outside quoted values.
func (s *scanner) tagEnd() (int, error) {
	from, quote := s.pos+1, byte(0)
	for {
		w := s.buf[from:s.end]
		for i := 0; i < len(w); i++ {
			c := w[i]
			switch {
			case quote != 0:
				j := bytes.IndexByte(w[i:], quote)
				if j < 0 {
					i = len(w)
					continue
				}
				i += j
				quote = 0
			case c == '"' || c == '\'':
				quote = c
			case c == '>':
				return from + i, nil
			}
		}
		from = s.end
		shift, err := s.fill(s.pos)
		if err != nil {
			return 0, eofErr(err)
		}
		from -= shift
	}
}

func (s *scanner) readEnd() error {
	e, err := s.tagEnd()
	if err != nil {
		return err
	}
	t := s.buf[s.pos+2 : e]
	n := 0
	for n < len(t) && nameByte[t[n]] {
		n++
	}
	name := t[:n]
	for _, c := range t[n:] {
		if !isSpace(c) {
			return syntaxErr("invalid characters between </%s and >", name)
		}
	}
	if len(s.ends) == 0 || !bytes.Equal(s.top(), name) {
		// The name of an open element was checked; another one is an error either way.
		if !validQName(name) {
			return nameErr(name, "expected element name after </")
		}
		if len(s.ends) == 0 {
			return syntaxErr("unexpected end element </%s>", name)
		}
		return syntaxErr("element <%s> closed by </%s>", s.top(), name)
	}
	s.begun = true
	s.kind, s.name, s.pos = tokEnd, name, e+1
	return s.pop()
}

func (s *scanner) top() []byte {
	lo := 0
	if n := len(s.ends); n > 1 {
		lo = s.ends[n-2]
	}
	return s.names[lo:s.ends[len(s.ends)-1]]
}

func (s *scanner) pop() error {
	n := len(s.ends)
	lo := 0
	if n > 1 {
		lo = s.ends[n-2]
	}
	s.names = s.names[:lo]
	s.ends = s.ends[:n-1]
	s.ns = s.ns[:s.nsTop[n-1]]
	s.nsTop = s.nsTop[:n-1]
	return nil
}

func (s *scanner) readStart() error {
	e, err := s.tagEnd()
	if err != nil {
		return err
	}
	t := s.buf[s.pos+1 : e]
	s.empty = len(t) > 0 && t[len(t)-1] == '/'
	if s.empty {
		t = t[:len(t)-1]
	}
	n := 0
	for n < len(t) && nameByte[t[n]] {
		n++
	}
	name := t[:n]
	if !validQName(name) {
		return nameErr(name, "expected element name after <")
	}
	if p, _, ok := cutColon(name); ok && (string(p) == "xml" || string(p) == "xmlns") {
		return refusedErr("elements with the prefix xml or xmlns")
	}
	s.attrs = s.attrs[:0]
	s.abuf = s.abuf[:0]
	rest := t[n:]
	for {
		i := 0
		for i < len(rest) && isSpace(rest[i]) {
			i++
		}
		rest = rest[i:]
		if len(rest) == 0 {
			break
		}
		if i == 0 {
			return refusedErr("attributes not separated by space")
		}
		k := 0
		for k < len(rest) && nameByte[rest[k]] {
			k++
		}
		an := rest[:k]
		if !validQName(an) {
			return nameErr(an, "expected attribute name in element")
		}
		rest = rest[k:]
		for len(rest) > 0 && isSpace(rest[0]) {
			rest = rest[1:]
		}
		if len(rest) == 0 || rest[0] != '=' {
			return syntaxErr("attribute name without = in element")
		}
		rest = rest[1:]
		for len(rest) > 0 && isSpace(rest[0]) {
			rest = rest[1:]
		}
		if len(rest) == 0 || rest[0] != '"' && rest[0] != '\'' {
			return syntaxErr("unquoted or missing attribute value in element")
		}
		q := rest[0]
		j := bytes.IndexByte(rest[1:], q)
		if j < 0 {
			return syntaxErr("unterminated attribute value")
		}
		raw := rest[1 : 1+j]
		rest = rest[2+j:]
		a := scanAttr{name: an}
		start := len(s.abuf)
		v, copied, err := s.unescape(s.abuf, raw, false, true)
		if err != nil {
			return err
		}
		if copied {
			s.abuf = v
			a.vs, a.ve, a.inA = start, len(v), true
		} else {
			a.vs = offsetIn(s.buf, raw)
			a.ve = a.vs + len(raw)
		}
		s.attrs = append(s.attrs, a)
	}
	// Namespace declarations of this element.
	top := len(s.ns)
	for i := range s.attrs {
		a := &s.attrs[i]
		switch {
		case string(a.name) == "xmlns":
			s.ns = append(s.ns, nsBinding{"", string(s.attrVal(i))})
		case bytes.HasPrefix(a.name, []byte("xmlns:")):
			s.ns = append(s.ns, nsBinding{string(a.name[6:]), string(s.attrVal(i))})
		}
	}
	s.names = append(s.names, name...)
	s.ends = append(s.ends, len(s.names))
	s.nsTop = append(s.nsTop, top)
	s.begun = true
	s.kind, s.name, s.pos = tokStart, name, e+1
	s.pend = s.empty
	return nil
}

// offsetIn returns the offset of sub, a slice of b, in b.
func offsetIn(b, sub []byte) int {
	if len(sub) == 0 {
		return 0
	}
	return cap(b) - cap(sub)
}

// attrVal returns the value of the i-th attribute of the current start tag.
func (s *scanner) attrVal(i int) []byte {
	a := &s.attrs[i]
	if a.inA {
		return s.abuf[a.vs:a.ve]
	}
	if a.vs == a.ve {
		return nil
	}
	return s.buf[a.vs:a.ve]
}

// attr returns the value of the current start tag's attribute whose local name is local (the last one, as
// encoding/xml decodes), and whether there is one.
func (s *scanner) attr(local string) ([]byte, bool) {
	found := -1
	for i := range s.attrs {
		if string(localPart(s.attrs[i].name)) == local {
			found = i
		}
	}
	if found < 0 {
		return nil, false
	}
	return s.attrVal(found), true
}

// resolve returns the namespace of a qualified name as encoding/xml translates element names: the URI bound to
// its prefix (or the default namespace), else the prefix itself.
func (s *scanner) resolve(qname []byte) (space, local string) {
	p, l, ok := cutColon(qname)
	if !ok {
		l = qname
	}
	for i := len(s.ns) - 1; i >= 0; i-- {
		if s.ns[i].prefix == string(p) {
			return s.ns[i].uri, intern(l)
		}
	}
	return string(p), intern(l)
}

// nsDecls writes the namespace bindings in scope as attributes, for handing an element to encoding/xml.
func (s *scanner) nsDecls(b *bytes.Buffer) {
	seen := map[string]bool{}
	for i := len(s.ns) - 1; i >= 0; i-- {
		n := s.ns[i]
		if seen[n.prefix] {
			continue
		}
		seen[n.prefix] = true
		if n.prefix == "" {
			b.WriteString(` xmlns="`)
		} else {
			b.WriteString(` xmlns:` + n.prefix + `="`)
		}
		b.WriteString(escapeAttr(n.uri))
		b.WriteByte('"')
	}
}

func escapeAttr(v string) string {
	var b strings.Builder
	for _, r := range v {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '"':
			b.WriteString("&#34;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func cutColon(name []byte) (prefix, local []byte, ok bool) {
	i := bytes.IndexByte(name, ':')
	if i < 0 {
		return nil, name, false
	}
	return name[:i], name[i+1:], true
}

// localPart returns the local name of a qualified name.
func localPart(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// nameByte marks the bytes encoding/xml reads as part of a name (all non-ASCII bytes too; validName then
// refuses them).
var nameByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= utf8.RuneSelf || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '_' || c == ':' || c == '.' || c == '-'
	}
	return t
}()

// validName reports whether b is an ASCII XML name as encoding/xml reads one: [A-Za-z_:][A-Za-z0-9_:.-]*.
func validName(b []byte) bool {
	if len(b) == 0 || !nameStart[b[0]] {
		return false
	}
	for _, c := range b[1:] {
		if !nameByte[c] || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// nameStart marks the bytes an ASCII name may start with.
var nameStart = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == ':'
	}
	return t
}()

// validQName reports whether b is a name encoding/xml accepts, with at most one colon that is neither first nor
// last.
func validQName(b []byte) bool {
	if !validName(b) {
		return false
	}
	i := bytes.IndexByte(b, ':')
	if i < 0 {
		return true
	}
	return i > 0 && i < len(b)-1 && bytes.IndexByte(b[i+1:], ':') < 0 && validName(b[i+1:])
}

// Masks for looking at eight bytes of text at a time.
const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// zeroBytes has the high bit set in (at least) the lowest byte of x that is zero.
func zeroBytes(x uint64) uint64 { return (x - lo8) &^ x }

// Classes of text bytes for unescape.
const (
	cPlain uint8 = iota
	cAmp
	cCR
	cBracket
	cLess
	cHigh
	cCtl
)

var textClass = func() (t [256]uint8) {
	for c := 0; c < 0x20; c++ {
		t[c] = cCtl
	}
	t['\t'], t['\n'], t['\r'] = cPlain, cPlain, cCR
	t['&'], t[']'], t['<'] = cAmp, cBracket, cLess
	for c := 0x80; c < 0x100; c++ {
		t[c] = cHigh
	}
	return t
}()

// unescape checks raw text (CDATA content when cdata, an attribute value when attr) as encoding/xml does and
// returns it with entities replaced and line ends normalized: raw itself when there is nothing to replace,
// else (copied) dst with the text appended. Each byte is looked at once; runs of plain ASCII text are skipped
// eight bytes at a time and copied whole.
func (s *scanner) unescape(dst, raw []byte, cdata, attr bool) (out []byte, copied bool, err error) {
	less := uint64(0) // '<' is looked for in attribute values only (text ends at '<'; CDATA may hold it)
	if attr {
		less = lo8 * '<'
	}
	last := 0 // when copied, raw[last:i] is checked text still to be copied
	for i := 0; i < len(raw); {
		if i+8 <= len(raw) {
			// The lowest byte flagged is the first one that is not plain text (the tricks flag false positives
			// only above a true one).
			x := binary.LittleEndian.Uint64(raw[i:])
			m := (x-lo8*0x20)&^x | x | zeroBytes(x^(lo8*'&')) | zeroBytes(x^(lo8*']'))
			if less != 0 {
				m |= zeroBytes(x ^ less)
			}
			m &= hi8
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		}
		c := raw[i]
		switch textClass[c] {
		case cPlain:
			i++
		case cHigh:
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				return nil, false, syntaxErr("invalid UTF-8")
			}
			if !isInCharacterRange(r) {
				return nil, false, syntaxErr("illegal character code %U", r)
			}
			i += size
		case cLess:
			if attr {
				return nil, false, syntaxErr("unescaped < inside quoted string")
			}
			i++
		case cBracket:
			if !cdata && !attr && i+2 < len(raw) && raw[i+1] == ']' && raw[i+2] == '>' {
				return nil, false, syntaxErr("unescaped ]]> not in CDATA section")
			}
			i++
		case cCtl:
			return nil, false, syntaxErr("illegal character code %U", rune(c))
		case cCR:
			dst = append(dst, raw[last:i]...)
			copied = true
			dst = append(dst, '\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
			last = i
		case cAmp:
			if cdata {
				i++
				continue
			}
			dst = append(dst, raw[last:i]...)
			copied = true
			n, r, ok := entityAt(raw[i:])
			if !ok {
				return nil, false, syntaxErr("invalid character entity %.12q", raw[i:])
			}
			if r < utf8.RuneSelf {
				dst = append(dst, byte(r))
			} else {
				dst = utf8.AppendRune(dst, r)
			}
			i += n
			last = i
		}
	}
	if !copied {
		return raw, false, nil
	}
	return append(dst, raw[last:]...), true, nil
}

// entityAt decodes the entity reference at the start of b ("&lt;", "&#233;"...) and returns its length.
func entityAt(b []byte) (int, rune, bool) {
	if len(b) >= 4 && b[2] == 't' && b[3] == ';' {
		switch b[1] {
		case 'l':
			return 4, '<', true
		case 'g':
			return 4, '>', true
		}
	}
	if len(b) >= 5 && b[4] == ';' && b[1] == '#' && b[2] == 'x' && b[3] == 'A' {
		return 5, '\n', true // &#xA;, a line end as .NET and encoding/xml escape it
	}
	k := bytes.IndexByte(b, ';')
	if k < 0 {
		return 0, 0, false
	}
	r, ok := entityRune(b[1:k])
	return k + 1, r, ok
}

// entityRune decodes the name of an entity reference (between & and ;) as encoding/xml does.
func entityRune(ent []byte) (rune, bool) {
	switch string(ent) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	digits, base := ent[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return 0, false
	}
	var r rune
	for _, c := range digits {
		var d rune
		switch {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, false
		}
		r = r*base + d
		if r > unicode.MaxRune {
			return 0, false // encoding/xml refuses values past the last code point
		}
	}
	if !utf8.ValidRune(r) {
		r = utf8.RuneError // a surrogate, as string(rune(n)) makes it
	}
	if !isInCharacterRange(r) {
		return 0, false
	}
	return r, true
}

// isInCharacterRange reports whether r may appear in an XML document (the Char production of XML 1.0).
func isInCharacterRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
