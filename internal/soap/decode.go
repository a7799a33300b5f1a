package soap

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ServerVersionInfo is the ServerVersionInfo header a server sends with each response.
type ServerVersionInfo struct {
	MajorVersion     int    `xml:"MajorVersion,attr"`
	MinorVersion     int    `xml:"MinorVersion,attr"`
	MajorBuildNumber int    `xml:"MajorBuildNumber,attr"`
	MinorBuildNumber int    `xml:"MinorBuildNumber,attr"`
	Version          string `xml:"Version,attr"`
}

// ErrMalformed is wrapped by every error about a response that is not a well-formed EWS SOAP envelope.
var ErrMalformed = errors.New("malformed EWS response")

// DecodeResponse reads a SOAP envelope from r as a stream. It returns the ServerVersionInfo header (nil when the
// server sent none) and decodes the single child of soap:Body into out. A soap:Fault body is returned as a
// *Fault error. out may be nil to skip the body.
//
// GetItemResponse and FindItemResponse, what scanning a mailbox reads, are decoded by a hand-written decoder
// over a fast tokenizer (decode_fast.go); other responses by encoding/xml.
func DecodeResponse(r io.Reader, out any) (*ServerVersionInfo, error) {
	if f, ok := out.(fastResponse); ok {
		return decodeFastResponse(r, f)
	}
	return decodeStd(r, out)
}

// decodeStd is DecodeResponse with encoding/xml.
func decodeStd(r io.Reader, out any) (*ServerVersionInfo, error) {
	return decodeEnvelope(newDecoder(r), out, false)
}

func newDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(newTolerantReader(r))
	d.CharsetReader = charsetReader
	return d
}

// decodeEnvelope reads one envelope from d. With whole set it consumes the envelope to its end tag (so that the
// next envelope of a stream can be read) and returns io.EOF when the stream ends before an envelope starts;
// otherwise it stops as soon as the body is decoded.
func decodeEnvelope(d *xml.Decoder, out any, whole bool) (svi *ServerVersionInfo, err error) {
	finish := func(e error) error {
		if !whole || e != nil && !isFault(e) {
			return e
		}
		// Inside soap:Body: skip the rest of it, then the rest of the envelope.
		for i := 0; i < 2; i++ {
			if serr := d.Skip(); serr != nil {
				return fmt.Errorf("%w: %v", ErrMalformed, serr)
			}
		}
		return e
	}
	depth := 0 // 1 inside Envelope, 2 inside Header or Body
	inHeader, inBody := false, false
	for {
		tok, err := d.Token()
		if err != nil {
			if err == io.EOF {
				if whole && depth == 0 {
					return nil, io.EOF
				}
				return svi, fmt.Errorf("%w: no soap:Body", ErrMalformed)
			}
			return svi, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch depth {
			case 0:
				if t.Name.Local != "Envelope" || !isSOAPNamespace(t.Name.Space) {
					return nil, fmt.Errorf("%w: root element is <%s>, want soap:Envelope", ErrMalformed, t.Name.Local)
				}
				depth = 1
			case 1:
				depth = 2
				inHeader = t.Name.Local == "Header"
				inBody = t.Name.Local == "Body"
			case 2:
				switch {
				case inHeader && t.Name.Local == "ServerVersionInfo":
					svi = new(ServerVersionInfo)
					if err := d.DecodeElement(svi, &t); err != nil {
						return nil, fmt.Errorf("%w: ServerVersionInfo: %v", ErrMalformed, err)
					}
				case inBody && t.Name.Local == "Fault":
					f := new(Fault)
					if err := d.DecodeElement(f, &t); err != nil {
						return svi, fmt.Errorf("%w: soap:Fault: %v", ErrMalformed, err)
					}
					return svi, finish(f)
				case inBody:
					if !strings.HasPrefix(t.Name.Space, nsExchange) {
						return svi, fmt.Errorf("%w: <%s> in soap:Body is in namespace %q, not an Exchange namespace", ErrMalformed, t.Name.Local, t.Name.Space)
					}
					if out == nil {
						if err := d.Skip(); err != nil {
							return svi, fmt.Errorf("%w: %s: %v", ErrMalformed, t.Name.Local, err)
						}
						return svi, finish(nil)
					}
					if err := d.DecodeElement(out, &t); err != nil {
						return svi, fmt.Errorf("%w: %s: %v", ErrMalformed, t.Name.Local, err)
					}
					return svi, finish(nil)
				default:
					if err := d.Skip(); err != nil {
						return svi, fmt.Errorf("%w: %v", ErrMalformed, err)
					}
				}
			}
		case xml.EndElement:
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

func isFault(err error) bool {
	var f *Fault
	return errors.As(err, &f)
}

// nsExchange starts the namespaces of EWS (messages, types, errors) and of SOAP Autodiscover.
const nsExchange = "http://schemas.microsoft.com/exchange/"

func isSOAPNamespace(ns string) bool {
	return ns == NSSoap || ns == "http://www.w3.org/2003/05/soap-envelope"
}

// charsetReader accepts the encodings EWS servers use. EWS always answers in UTF-8; a declaration of another
// charset is refused with an error rather than decoded wrongly.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch charset {
	case "utf-8", "UTF-8", "utf8", "UTF8", "us-ascii", "US-ASCII":
		return input, nil
	}
	return nil, fmt.Errorf("unsupported charset %q", charset)
}
