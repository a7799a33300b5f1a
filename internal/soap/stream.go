package soap

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// EnvelopeStream reads the SOAP envelopes of one response that carries several of them, one after another, as
// the server writes them (GetStreamingEvents: the server keeps the HTTP response open and writes an envelope for
// each batch of notifications and for each keep-alive). It is not safe for concurrent use.
//
// A stream is under the limits of any response (see limits.go), which a hostile server would otherwise escape
// by never ending its answer: each envelope may be at most the limit's bytes, no element may nest deeper than
// MaxDepth and no text, tag or CDATA section be longer than half of the limit, and the bytes of the envelope
// being read count against the client's shared Budget until it is decoded. Passing any of them ends the stream
// with an error matching ErrResponseTooLarge.
type EnvelopeStream struct {
	src    *bodyReader // the limit of one envelope, set anew by Next
	lr     *limitReader
	budget *budgetReader // nil without a budget
	d      *xml.Decoder
	close  func() error
	limit  int64
}

// DecodeStream returns a stream of the envelopes read from r. Each envelope may be at most limit bytes
// (DefaultMaxResponseBytes when limit is 0), with the nesting and text limits of any response.
func DecodeStream(r io.Reader, limit int64) *EnvelopeStream {
	return decodeStream(r, limit, nil)
}

// decodeStream is DecodeStream, counting the bytes of each envelope against budget (when not nil).
func decodeStream(r io.Reader, limit int64, budget *Budget) *EnvelopeStream {
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	s := &EnvelopeStream{limit: limit, close: func() error { return nil }}
	if c, ok := r.(io.Closer); ok {
		s.close = c.Close
	}
	if budget != nil {
		s.budget = &budgetReader{r: r, b: budget}
		r = s.budget
	}
	s.src = &bodyReader{r: r}
	s.lr = newLimitReader(s.src, limit)
	s.d = newDecoder(s.lr)
	return s
}

// Next reads the next envelope, decoding the single child of its soap:Body into out (out may be nil to skip
// it), and returns the envelope's ServerVersionInfo header. It blocks until the server has written the whole
// envelope. At the clean end of the stream it returns io.EOF. A soap:Fault is returned as a *Fault (the stream
// may go on). When the connection fails mid-stream the error is the reader's (for example
// io.ErrUnexpectedEOF or the context's error), not ErrMalformed.
func (s *EnvelopeStream) Next(out any) (*ServerVersionInfo, error) {
	s.src.n = s.limit
	if s.budget != nil {
		defer s.budget.release() // the envelope is decoded (or the stream failed): its bytes are no longer held
	}
	svi, err := decodeEnvelope(s.d, out, true)
	var le *LimitError
	switch {
	case s.src.exceeded:
		return svi, ErrResponseTooLarge
	case s.lr.err != nil:
		return svi, s.lr.err
	case errors.As(s.src.err, &le):
		return svi, le
	case err == nil || err == io.EOF || isFault(err):
		return svi, err
	case s.src.err != nil:
		return svi, s.src.err
	case s.src.eof:
		// The stream ended inside an envelope.
		return svi, fmt.Errorf("%w: stream ended inside an envelope: %w", ErrMalformed, io.ErrUnexpectedEOF)
	}
	return svi, err
}

// Close closes the underlying connection; a Next blocked in another goroutine then returns an error.
func (s *EnvelopeStream) Close() error { return s.close() }

// Stream sends one request whose response is a stream of SOAP envelopes (GetStreamingEvents) and returns the
// stream once the server has answered with status 200; read it with Next and Close it when done. The response
// is not bounded by the HTTP client's Timeout (it lasts as long as the server keeps it open): bound it with ctx.
// An answer other than a stream gives the errors of Do.
func (c *Client) Stream(ctx context.Context, h Header, body Operation) (*EnvelopeStream, error) {
	var buf bytes.Buffer
	if err := WriteRequest(&buf, h, body); err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	// One exchange for the whole stream: the handshake's legs and the stream share one connection, which goes
	// back to the pool when the stream is closed.
	ex := &exchange{logger: c.Logger}
	req, aff, err := c.newRequest(ctx, ex, buf.Bytes())
	if err != nil {
		return nil, err
	}
	hc := *c.HTTP
	hc.Timeout = 0 // the stream lasts minutes; ctx bounds it
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		ex.done()
		c.log(ctx, "ews stream failed", slog.String("operation", body.Op().Name), slog.Duration("elapsed", time.Since(start)), slog.String("error", err.Error()))
		return nil, &RequestError{Err: err, Sent: ex.sent()}
	}
	c.log(ctx, "ews stream", slog.String("operation", body.Op().Name), slog.Int("status", resp.StatusCode), slog.Duration("elapsed", time.Since(start)))
	if aff != nil {
		aff.note(resp)
	}
	limit := c.maxResponseBytes()
	if resp.StatusCode == http.StatusOK {
		s := decodeStream(resp.Body, limit, c.Budget)
		s.close = func() error {
			err := resp.Body.Close()
			ex.done()
			return err
		}
		return s, nil
	}
	defer func() {
		resp.Body.Close()
		ex.done()
	}()
	// Any other answer is an error, classified as Do classifies it.
	_, err = c.decode(resp, &bodyReader{r: resp.Body, n: limit, keep: 512}, ex, nil)
	if err == nil {
		err = &HTTPError{StatusCode: resp.StatusCode, Status: resp.Status}
	}
	return nil, err
}
