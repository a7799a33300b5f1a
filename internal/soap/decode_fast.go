package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// fastResponse is a response struct with a hand-written streaming decoder (GetItemResponse). DecodeResponse
// uses it instead of encoding/xml's reflection; the result is the same (FuzzDecodeFast checks it).
type fastResponse interface {
	// decodeFast decodes the element whose start tag d has just read.
	decodeFast(d *fastDecoder) error
}

// fastDecoder decodes response elements from a scanner, with encoding/xml's semantics: fields are matched by
// local name, unknown elements are skipped, the last of repeated attributes and simple elements wins,
// character data is the element's own text, and a malformed boolean, number or time fails the whole response.
type fastDecoder struct {
	s      *scanner
	acc    []byte // text of the current element, for values parsed from it
	nested int    // items being decoded inside one another (attached items)
}

// errFallback makes the decoder of a top-level item hand that item to encoding/xml: it holds an element this
// decoder does not decode itself (a calendar or contact property).
var errFallback = errors.New("soap: element decoded by encoding/xml")

// decodeFastResponse is DecodeResponse for a response struct with its own decoder.
func decodeFastResponse(r io.Reader, out fastResponse) (*ServerVersionInfo, error) {
	s := newScanner(newTolerantReader(r))
	defer s.release()
	d := &fastDecoder{s: s}
	var svi *ServerVersionInfo
	depth := 0 // 1 inside Envelope, 2 inside Header or Body
	inHeader, inBody := false, false
	for {
		if err := s.next(); err != nil {
			if err == io.EOF {
				return svi, fmt.Errorf("%w: no soap:Body", ErrMalformed)
			}
			return svi, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		switch s.kind {
		case tokStart:
			space, local := s.resolve(s.name)
			switch depth {
			case 0:
				if local != "Envelope" || !isSOAPNamespace(space) {
					return nil, fmt.Errorf("%w: root element is <%s>, want soap:Envelope", ErrMalformed, local)
				}
				depth = 1
			case 1:
				depth = 2
				inHeader = local == "Header"
				inBody = local == "Body"
			case 2:
				switch {
				case inHeader && local == "ServerVersionInfo":
					svi = new(ServerVersionInfo)
					if err := d.serverVersion(svi); err != nil {
						return nil, fmt.Errorf("%w: ServerVersionInfo: %v", ErrMalformed, err)
					}
				case inBody && local == "Fault":
					f := new(Fault)
					if err := d.std(f); err != nil {
						return svi, fmt.Errorf("%w: soap:Fault: %v", ErrMalformed, err)
					}
					return svi, f
				case inBody:
					if !strings.HasPrefix(space, nsExchange) {
						return svi, fmt.Errorf("%w: <%s> in soap:Body is in namespace %q, not an Exchange namespace", ErrMalformed, local, space)
					}
					if err := out.decodeFast(d); err != nil {
						return svi, fmt.Errorf("%w: %s: %v", ErrMalformed, local, err)
					}
					return svi, nil
				default:
					if err := d.skip(); err != nil {
						return svi, fmt.Errorf("%w: %v", ErrMalformed, err)
					}
				}
			}
		case tokEnd:
			if depth == 2 {
				if inBody {
					return svi, fmt.Errorf("%w: empty soap:Body", ErrMalformed)
				}
				depth, inHeader = 1, false
			} else if depth == 1 {
				return svi, fmt.Errorf("%w: no soap:Body", ErrMalformed)
			}
		}
	}
}

// children calls fn for each child element of the element whose start tag was just read, with its local name,
// until the element ends. Text is ignored. fn must consume the child (decode or skip it).
func (d *fastDecoder) children(fn func(local []byte) error) error {
	s := d.s
	depth := s.depth()
	for {
		if err := s.next(); err != nil {
			return eofErr(err)
		}
		switch s.kind {
		case tokStart:
			if err := fn(localPart(s.name)); err != nil {
				return err
			}
		case tokEnd:
			if s.depth() < depth {
				return nil
			}
		}
	}
}

// skip reads the rest of the element whose start tag was just read.
func (d *fastDecoder) skip() error {
	s := d.s
	depth := s.depth()
	for s.depth() >= depth {
		if err := s.next(); err != nil {
			return eofErr(err)
		}
	}
	return nil
}

// std decodes the element whose start tag was just read into v with encoding/xml, in the namespaces in scope.
func (d *fastDecoder) std(v any) error {
	s := d.s
	s.keepFrom()
	if err := d.skip(); err != nil {
		s.mark = -1
		return err
	}
	return d.stdRaw(s.rawFrom(), v)
}

// stdRaw decodes the element raw (as it was read, start tag to end tag) into v with encoding/xml. The namespace
// bindings in scope are declared on a wrapper element.
func (d *fastDecoder) stdRaw(raw []byte, v any) error {
	var b bytes.Buffer
	b.Grow(len(raw) + 256)
	b.WriteString("<w")
	d.s.nsDecls(&b)
	b.WriteByte('>')
	b.Write(raw)
	b.WriteString("</w>")
	dec := xml.NewDecoder(&b)
	dec.CharsetReader = charsetReader
	if _, err := dec.Token(); err != nil { // <w>
		return err
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if t, ok := tok.(xml.StartElement); ok {
			return dec.DecodeElement(v, &t)
		}
	}
}

// text reads the rest of the current element and returns its character data as encoding/xml collects it for a
// string: its own text and CDATA, without that of child elements (which are checked and skipped).
func (d *fastDecoder) text() (string, error) {
	s := d.s
	depth := s.depth()
	var out string
	pieces := 0
	for {
		if err := s.next(); err != nil {
			return "", eofErr(err)
		}
		switch s.kind {
		case tokText:
			if pieces == 0 {
				out = intern(s.text)
			} else {
				out += string(s.text)
			}
			pieces++
		case tokStart:
			if err := d.skip(); err != nil {
				return "", err
			}
		case tokEnd:
			if s.depth() < depth {
				return out, nil
			}
		}
	}
}

// textBytes is text for values parsed from it: the text is valid until the next call.
func (d *fastDecoder) textBytes() ([]byte, error) {
	s := d.s
	depth := s.depth()
	d.acc = d.acc[:0]
	for {
		if err := s.next(); err != nil {
			return nil, eofErr(err)
		}
		switch s.kind {
		case tokText:
			d.acc = append(d.acc, s.text...)
		case tokStart:
			if err := d.skip(); err != nil {
				return nil, err
			}
		case tokEnd:
			if s.depth() < depth {
				return d.acc, nil
			}
		}
	}
}

// parseBool reads a boolean as encoding/xml does: empty is false, else strconv.ParseBool of the trimmed text.
func parseBool(b []byte) (bool, error) {
	if len(b) == 0 {
		return false, nil
	}
	switch string(bytes.TrimSpace(b)) {
	case "true", "1", "t", "T", "TRUE", "True":
		return true, nil
	case "false", "0", "f", "F", "FALSE", "False":
		return false, nil
	}
	return false, &strconv.NumError{Func: "ParseBool", Num: string(b), Err: strconv.ErrSyntax}
}

// parseInt reads an integer as encoding/xml does: empty is 0, else strconv.ParseInt of the trimmed text.
func parseInt(b []byte, bits int) (int64, error) {
	if len(b) == 0 {
		return 0, nil
	}
	return strconv.ParseInt(string(bytes.TrimSpace(b)), 10, bits)
}

func (d *fastDecoder) boolValue(dst *bool) error {
	b, err := d.textBytes()
	if err != nil {
		return err
	}
	*dst, err = parseBool(b)
	return err
}

func (d *fastDecoder) int64Value(dst *int64) error {
	b, err := d.textBytes()
	if err != nil {
		return err
	}
	*dst, err = parseInt(b, 64)
	return err
}

func (d *fastDecoder) intValue(dst *int) error {
	b, err := d.textBytes()
	if err != nil {
		return err
	}
	n, err := parseInt(b, strconv.IntSize)
	*dst = int(n)
	return err
}

func (d *fastDecoder) timeValue(dst *DateTime) error {
	b, err := d.textBytes()
	if err != nil {
		return err
	}
	return dst.UnmarshalText(b)
}

func (d *fastDecoder) stringValue(dst *string) error {
	t, err := d.text()
	*dst = t
	return err
}

// attrString sets *dst to the value of the current start tag's attribute local, if it has one.
func (d *fastDecoder) attrString(local string, dst *string) {
	if v, ok := d.s.attr(local); ok {
		*dst = intern(v)
	}
}

// interned are values that recur in every response; intern returns them without allocating.
var interned = func() map[string]string {
	m := map[string]string{}
	for _, s := range []string{"", "true", "false", "Success", "Error", "Warning", "NoError", "HTML", "Text", "SMTP",
		"EX", "Mailbox", "OneOff", "PublicDL", "PrivateDL", "Contact", "IPM.Note", "Normal", "Low", "High", "String",
		"0x7d", "0x007D", "UTF-8", "Personal", "Private", "Confidential", "Message", "MeetingRequest",
		"MeetingResponse", "MeetingCancellation", "CalendarItem", "Contact", "Item", "PostItem", "Task",
		"FileAttachment", "ItemAttachment", "DistributionList"} {
		m[s] = s
	}
	return m
}()

func intern(b []byte) string {
	if len(b) <= 16 {
		if s, ok := interned[string(b)]; ok {
			return s
		}
	}
	return string(b)
}

// serverVersion decodes the attributes of a ServerVersionInfo header and skips its content.
func (d *fastDecoder) serverVersion(v *ServerVersionInfo) error {
	for _, f := range []struct {
		name string
		dst  *int
	}{{"MajorVersion", &v.MajorVersion}, {"MinorVersion", &v.MinorVersion}, {"MajorBuildNumber", &v.MajorBuildNumber}, {"MinorBuildNumber", &v.MinorBuildNumber}} {
		if a, ok := d.s.attr(f.name); ok {
			n, err := parseInt(a, strconv.IntSize)
			if err != nil {
				return err
			}
			*f.dst = int(n)
		}
	}
	d.attrString("Version", &v.Version)
	return d.skip()
}
