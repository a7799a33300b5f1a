package ews

import (
	"context"
	"sync"
)

// limiter bounds the requests a client (and the clients ForMailbox derives from it) has in flight. Its limit
// starts at Config.MaxConcurrency; a server that says the account has too many connections or open objects
// (ErrorExceededConnectionCount, ErrorTooManyObjectsOpened) halves it, and it grows back by one after every
// raiseAfter requests that succeed in a row. Waiters are served in order.
type limiter struct {
	mu      sync.Mutex
	max     int // the configured limit
	limit   int // the current limit, 1..max
	inUse   int
	waiters []chan struct{}
	streak  int // successes since the last lowering or raising
}

// raiseAfter is how many successful requests in a row raise a lowered limit by one.
const raiseAfter = 64

func newLimiter(n int) *limiter { return &limiter{max: n, limit: n} }

// acquire waits for a free slot, or for ctx to end.
func (l *limiter) acquire(ctx context.Context) error {
	l.mu.Lock()
	if l.inUse < l.limit && len(l.waiters) == 0 {
		l.inUse++
		l.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	l.waiters = append(l.waiters, ch)
	l.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		defer l.mu.Unlock()
		select {
		case <-ch: // granted meanwhile: hand the slot on
			l.inUse--
			l.grantLocked()
		default:
			for i, w := range l.waiters {
				if w == ch {
					l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
					break
				}
			}
		}
		return ctx.Err()
	}
}

// release frees a slot taken by acquire.
func (l *limiter) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inUse--
	l.grantLocked()
}

func (l *limiter) grantLocked() {
	for l.inUse < l.limit && len(l.waiters) > 0 {
		ch := l.waiters[0]
		l.waiters = l.waiters[1:]
		l.inUse++
		close(ch)
	}
}

// lower halves the limit (to no less than 1) after the server complained of too many connections.
func (l *limiter) lower() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limit = max(1, l.limit/2)
	l.streak = 0
}

// succeeded counts a successful request and raises a lowered limit after raiseAfter of them in a row.
func (l *limiter) succeeded() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.limit >= l.max {
		return
	}
	l.streak++
	if l.streak >= raiseAfter {
		l.streak = 0
		l.limit++
		l.grantLocked()
	}
}

// current returns the limit in force.
func (l *limiter) current() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit
}
