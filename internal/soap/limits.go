package soap

import (
	"fmt"
	"io"
	"sync"
)

// Memory bounded by design: whatever a server sends, decoding one response costs at most about twice
// MaxResponseBytes, and the responses of one Client in flight at once share a budget.
//
//   - The body is cut at MaxResponseBytes (bodyReader). Go's transport decompresses a gzip body before the
//     limit counts it, so the limit is on the decompressed size and a gzip bomb stops there.
//   - A limitReader between the body and the decoders refuses, as it streams, a nesting deeper than MaxDepth, and
//     a tag (attributes included) or a text (or CDATA section) longer than half of MaxResponseBytes: the decoders
//     buffer a text or an attribute while it lasts and then copy it, so one huge one is what would cost most.
//   - Budget: the bytes of the responses being read at once by one Client are counted against a shared budget
//     (Client.Budget, MaxResponseBytes/2 in package ews); a response that would pass it while others are being
//     read fails with ErrResponseTooLarge instead of adding to what they hold (alone, a response has its own
//     limit).

// Decoder limits.
const (
	// MaxDepth bounds the nesting of elements in a response (EWS answers nest about 15 deep).
	MaxDepth = 256
)

// LimitError is a response that passed one of the decoder's limits. It matches ErrResponseTooLarge.
type LimitError struct {
	// What says which limit: "nesting", "tag", "text", "budget".
	What  string
	Limit int64
}

func (e *LimitError) Error() string {
	switch e.What {
	case "nesting":
		return fmt.Sprintf("%v: elements nested deeper than %d", ErrResponseTooLarge, e.Limit)
	case "budget":
		return fmt.Sprintf("%v: the responses being read at once exceed %d bytes", ErrResponseTooLarge, e.Limit)
	}
	return fmt.Sprintf("%v: a %s longer than %d bytes", ErrResponseTooLarge, e.What, e.Limit)
}

// Is matches ErrResponseTooLarge.
func (e *LimitError) Is(target error) bool { return target == ErrResponseTooLarge }

// textLimit is the longest text of a response whose body may have limit bytes: half of it, so that the text's
// buffer and its copy stay within the body's size.
func textLimit(limit int64) int64 { return max(limit/2, 64<<10) }

// scan states of limitReader.
const (
	stText    = iota
	stLT      // after '<'
	stBang    // after "<!"
	stTag     // in a start or end tag
	stQuote   // in an attribute value
	stComment // in <!-- -->
	stCDATA   // in <![CDATA[ ]]>
	stPI      // in <? ?>
	stDecl    // in <!DOCTYPE ...>
)

// limitReader passes a response body through, checking the limits as it goes. It understands just enough XML
// to count nesting and the length of texts and tags: a malformed body that slips by is the decoder's to refuse.
type limitReader struct {
	r        io.Reader
	maxText  int64
	state    int
	end      bool // the tag is an end tag
	quote    byte
	prev     byte // the last byte of the tag that was not a space (for "/>"), or the last bytes of a section
	prev2    byte
	depth    int
	text     int64 // length of the current text or CDATA section
	tag      int64 // length of the current tag
	bangSeen int   // bytes of "<![CDATA[" or "<!--" matched after "<!"
	bangKind byte
	err      error
}

func newLimitReader(r io.Reader, limit int64) *limitReader {
	return &limitReader{r: r, maxText: textLimit(limit)}
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	if serr := l.scan(p[:n]); serr != nil {
		l.err = serr
		return 0, serr
	}
	return n, err
}

func (l *limitReader) fail(what string, limit int64) error {
	return &LimitError{What: what, Limit: limit}
}

func (l *limitReader) scan(b []byte) error {
	for _, c := range b {
		switch l.state {
		case stText:
			if c == '<' {
				l.state, l.text = stLT, 0
				continue
			}
			l.text++
			if l.text > l.maxText {
				return l.fail("text", l.maxText)
			}
		case stLT:
			l.tag, l.prev = 1, 0
			switch c {
			case '/':
				l.state, l.end = stTag, true
			case '?':
				l.state = stPI
			case '!':
				l.state, l.bangSeen, l.bangKind = stBang, 0, 0
			default:
				l.state, l.end = stTag, false
				l.depth++
				if l.depth > MaxDepth {
					return l.fail("nesting", MaxDepth)
				}
				l.prev = c
			}
		case stBang:
			const cdata, comment = "[CDATA[", "--"
			switch {
			case l.bangKind == 0 && c == '[':
				l.bangKind, l.bangSeen = '[', 1
			case l.bangKind == 0 && c == '-':
				l.bangKind, l.bangSeen = '-', 1
			case l.bangKind == '[' && l.bangSeen < len(cdata) && c == cdata[l.bangSeen]:
				l.bangSeen++
			case l.bangKind == '-' && l.bangSeen < len(comment) && c == comment[l.bangSeen]:
				l.bangSeen++
			default:
				l.state = stDecl
			}
			if l.bangKind == '[' && l.bangSeen == len(cdata) {
				l.state, l.prev, l.prev2, l.text = stCDATA, 0, 0, 0
			} else if l.bangKind == '-' && l.bangSeen == len(comment) {
				l.state, l.prev, l.prev2 = stComment, 0, 0
			}
		case stTag:
			l.tag++
			if l.tag > l.maxText {
				return l.fail("tag", l.maxText)
			}
			switch c {
			case '"', '\'':
				l.state, l.quote = stQuote, c
			case '>':
				if l.end {
					l.depth--
				} else if l.prev == '/' {
					l.depth--
				}
				l.state, l.text = stText, 0
			case ' ', '\t', '\r', '\n':
			default:
				l.prev = c
			}
		case stQuote:
			l.tag++
			if l.tag > l.maxText {
				return l.fail("tag", l.maxText)
			}
			if c == l.quote {
				l.state, l.prev = stTag, c
			}
		case stCDATA:
			l.text++
			if l.text > l.maxText {
				return l.fail("text", l.maxText)
			}
			if c == '>' && l.prev == ']' && l.prev2 == ']' {
				l.state, l.text = stText, 0
			}
			l.prev2, l.prev = l.prev, c
		case stComment:
			if c == '>' && l.prev == '-' && l.prev2 == '-' {
				l.state, l.text = stText, 0
			}
			l.prev2, l.prev = l.prev, c
		case stPI, stDecl:
			l.tag++
			if l.tag > l.maxText {
				return l.fail("tag", l.maxText)
			}
			if c == '>' {
				l.state, l.text = stText, 0
			}
		}
	}
	return nil
}

// Budget is the bytes that the responses of one Client (and of the clients copied from it) being read at once
// may hold together. Make it with NewBudget.
type Budget struct {
	mu    sync.Mutex
	max   int64
	inUse int64
}

// NewBudget returns a budget of n bytes.
func NewBudget(n int64) *Budget { return &Budget{max: n} }

// take counts n more bytes for a response that holds mine already; it fails when the responses in flight would
// hold more than the budget, unless the response is alone (its own limit bounds it then).
func (b *Budget) take(n, mine int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.inUse+n > b.max && b.inUse > mine {
		return &LimitError{What: "budget", Limit: b.max}
	}
	b.inUse += n
	return nil
}

// InUse returns the bytes the responses being read hold now.
func (b *Budget) InUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.inUse
}

func (b *Budget) give(n int64) {
	b.mu.Lock()
	b.inUse -= n
	b.mu.Unlock()
}

// budgetReader counts what it reads against a shared budget, until release.
type budgetReader struct {
	r     io.Reader
	b     *Budget
	taken int64
	err   error
}

func (r *budgetReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.r.Read(p)
	if n > 0 {
		if berr := r.b.take(int64(n), r.taken); berr != nil {
			r.err = berr
			return 0, berr
		}
		r.taken += int64(n)
	}
	return n, err
}

// release gives back what the response took, once it has been decoded.
func (r *budgetReader) release() {
	r.b.give(r.taken)
	r.taken = 0
}
