package soap

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
)

// connPool holds single-connection transports: each carries one kept-alive connection, so a request that holds
// one for all its round trips has that connection to itself (see tracker). The most recently used transport is
// handed out first, so sequential requests keep reusing one authenticated connection.
type connPool struct {
	mu      sync.Mutex
	all     []*http.Transport
	free    []*http.Transport // a stack
	waiters []chan *http.Transport
}

// newConnPool makes n transports (16 when n <= 0) like proto, of one connection each.
func newConnPool(proto *http.Transport, n int) *connPool {
	if n <= 0 {
		n = 16
	}
	p := &connPool{}
	for range n {
		tr := proto.Clone()
		tr.MaxConnsPerHost = 1
		tr.MaxIdleConnsPerHost = 1
		tr.MaxIdleConns = 1
		p.all = append(p.all, tr)
	}
	for i := len(p.all) - 1; i >= 0; i-- {
		p.free = append(p.free, p.all[i])
	}
	return p
}

// get takes a transport, waiting for one to be free or for ctx to end.
func (p *connPool) get(ctx context.Context) (*http.Transport, error) {
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		tr := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return tr, nil
	}
	ch := make(chan *http.Transport, 1)
	p.waiters = append(p.waiters, ch)
	p.mu.Unlock()
	select {
	case tr := <-ch:
		return tr, nil
	case <-ctx.Done():
		p.mu.Lock()
		defer p.mu.Unlock()
		for i, w := range p.waiters {
			if w == ch {
				p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
				return nil, ctx.Err()
			}
		}
		p.putLocked(<-ch) // handed over meanwhile: pass it on
		return nil, ctx.Err()
	}
}

// put gives a transport back.
func (p *connPool) put(tr *http.Transport) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.putLocked(tr)
}

func (p *connPool) putLocked(tr *http.Transport) {
	if len(p.waiters) > 0 {
		ch := p.waiters[0]
		p.waiters = p.waiters[1:]
		ch <- tr
		return
	}
	p.free = append(p.free, tr)
}

func (p *connPool) closeIdle() {
	for _, tr := range p.all {
		tr.CloseIdleConnections()
	}
}

// releaseBody gives the transport of a request made outside an exchange back when its body is closed.
type releaseBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releaseBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}

// maxChallengeBody bounds the body of a 401 that bufferBody reads.
const maxChallengeBody = 64 << 10

// bufferBody reads a short body into memory and closes it, which frees its connection.
func bufferBody(body io.ReadCloser) io.ReadCloser {
	b, err := io.ReadAll(io.LimitReader(body, maxChallengeBody))
	body.Close()
	if err != nil {
		return io.NopCloser(io.MultiReader(bytes.NewReader(b), errReader{err}))
	}
	return io.NopCloser(bytes.NewReader(b))
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
