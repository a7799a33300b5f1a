package soap

import "io"

// bodyReader is the one size-limited reader of response bodies, under the decoder of a response (Client.do)
// and of each envelope of a stream (EnvelopeStream, which sets n anew for each envelope). It fails with
// ErrResponseTooLarge once n more bytes would be read (exceeded then tells it was the limit, not the
// connection), keeps the first keep bytes (for error excerpts and the body log), counts the bytes read, and
// records how the underlying reader ended: err for a failure of the connection, eof for a clean end.
type bodyReader struct {
	r        io.Reader
	n        int64
	exceeded bool
	keep     int
	head     []byte
	read     int64
	err      error
	eof      bool
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.n <= 0 {
		b.exceeded = true
		return 0, ErrResponseTooLarge
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.r.Read(p)
	b.n -= int64(n)
	b.read += int64(n)
	if room := b.keep - len(b.head); room > 0 {
		b.head = append(b.head, p[:min(n, room)]...)
	}
	switch {
	case err == io.EOF:
		b.eof = true
	case err != nil && b.err == nil:
		b.err = err
	}
	return n, err
}

// fill reads on until head holds at least n bytes or the body ends.
func (b *bodyReader) fill(n int) {
	if b.keep < n {
		b.keep = n
	}
	buf := make([]byte, 512)
	for len(b.head) < n && b.err == nil && !b.exceeded {
		if _, err := b.Read(buf[:min(len(buf), n-len(b.head))]); err != nil {
			return
		}
	}
}
