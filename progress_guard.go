package ews

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Every paging and sync loop goes through a progressGuard: a server that keeps answering without progress (the
// same page forever, a new sync state with no changes forever, the same changes and state forever) is waited
// for with a growing pause, then given up on with an error matching ErrNoProgress, instead of being asked again
// hundreds of thousands of times.

// ErrNoProgress is matched (errors.Is) when the server answered a paging or sync loop several times in a row
// without progress: the loop stops with this error rather than asking forever.
var ErrNoProgress = errors.New("ews: the server makes no progress")

// Bounds of a progressGuard: pages without progress tolerated before pausing, and in all.
const (
	idleBeforePause = 2
	maxIdlePages    = 8
)

// idlePause is the first pause after idleBeforePause pages without progress; it doubles each time, to at most
// 2 s (variable for tests).
var idlePause = 50 * time.Millisecond

type progressGuard struct {
	what string
	idle int
}

// step records one answer of the loop; it pauses, or fails with ErrNoProgress, after answers without progress.
func (g *progressGuard) step(ctx context.Context, progress bool) error {
	if progress {
		g.idle = 0
		return nil
	}
	g.idle++
	if g.idle >= maxIdlePages {
		return fmt.Errorf("%w: %s: %d answers in a row brought nothing new", ErrNoProgress, g.what, g.idle)
	}
	if g.idle < idleBeforePause {
		return nil
	}
	d := min(idlePause<<(g.idle-idleBeforePause), 2*time.Second)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
