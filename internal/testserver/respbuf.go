package testserver

import (
	"compress/gzip"
	"io"
	"strings"
	"sync"
)

// respBufs holds response buffers, so that answering a stream of large GetItem requests does not allocate a
// new half-megabyte buffer (grown by doubling) each time.
var respBufs sync.Pool

// maxPooledResp bounds the buffers kept.
const maxPooledResp = 8 << 20

// getRespBuf returns an empty buffer for a response.
func getRespBuf() []byte {
	if b, ok := respBufs.Get().(*[]byte); ok {
		return (*b)[:0]
	}
	return make([]byte, 0, 64<<10)
}

// putRespBuf gives back a response once it is written.
func putRespBuf(b []byte) {
	if cap(b) > 0 && cap(b) <= maxPooledResp {
		b = b[:0]
		respBufs.Put(&b)
	}
}

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// writeGzip writes b to w gzip-compressed.
func writeGzip(w io.Writer, b []byte) {
	gw := gzipWriters.Get().(*gzip.Writer)
	gw.Reset(w)
	_, _ = gw.Write(b)
	_ = gw.Close()
	gw.Reset(nil)
	gzipWriters.Put(gw)
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (and does not refuse it with q=0).
func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
