package ews

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/ewsgo/ews/internal/testhook"
)

// Batch limits.
const (
	// DefaultBatchSize is the number of items per request of batched operations and of Search's GetItem calls.
	DefaultBatchSize = 100
	// maxBatchSize bounds the items of one request.
	maxBatchSize = 1000
)

// BatchOptions tunes the batched operations of a MailService: Get, MarkRead, MarkUnread, Move, Copy and Delete.
type BatchOptions struct {
	// Size is the number of items per request; 0 means DefaultBatchSize (100). At most 1000.
	Size int
	// Concurrency is the number of requests in flight at once; 0 means 1. The client's MaxConcurrency bounds
	// it as well.
	Concurrency int
}

// WithBatch returns a MailService that uses o for its batched operations. The receiver is not changed.
func (s *MailService) WithBatch(o BatchOptions) *MailService {
	d := *s
	d.batch = o
	return &d
}

// batchOptions checks and completes the service's batch options.
func (s *MailService) batchOptions() (BatchOptions, error) {
	o := s.batch
	switch {
	case o.Size < 0 || o.Size > maxBatchSize:
		return o, inputErr("BatchOptions.Size", "%d is not between 1 and %d (0 means %d)", o.Size, maxBatchSize, DefaultBatchSize)
	case o.Concurrency < 0:
		return o, inputErr("BatchOptions.Concurrency", "%d is negative", o.Concurrency)
	}
	if o.Size == 0 {
		o.Size = DefaultBatchSize
	}
	if o.Concurrency == 0 {
		o.Concurrency = 1
	}
	return o, nil
}

// batchFunc handles one batch: targets[lo:lo+len(batch)]. It returns one error per item (nil for success), or
// an error of the whole request.
type batchFunc func(ctx context.Context, lo int, batch []target) (itemErrs []error, err error)

// eachBatch runs fn over targets in batches of o.Size, o.Concurrency at a time, and records failures in res. Once
// a request fails as a whole, no further batch is started; its items are recorded as ErrNotAttempted. While c
// does not know the server's version yet, the first batch runs alone: its answer settles the version, so the
// batches after it do not each send the default version to an older server and each step down.
func eachBatch(ctx context.Context, c *Client, o BatchOptions, targets []target, res *batchResult, fn batchFunc) {
	_, known := c.currentVersion()
	settle := !known && o.Concurrency > 1
	var stopped atomic.Bool
	var wg sync.WaitGroup
	sem := make(chan struct{}, o.Concurrency)
	for lo := 0; lo < len(targets); lo += o.Size {
		batch := targets[lo:min(lo+o.Size, len(targets))]
		if stopped.Load() || ctx.Err() != nil {
			for _, t := range batch {
				res.fail(t.pos, t.ref, t.id, ErrNotAttempted)
			}
			continue
		}
		sem <- struct{}{}
		if stopped.Load() {
			<-sem
			for _, t := range batch {
				res.fail(t.pos, t.ref, t.id, ErrNotAttempted)
			}
			continue
		}
		wg.Add(1)
		go func(lo int, batch []target) {
			defer func() { <-sem; wg.Done() }()
			errs, err := func() (errs []error, err error) {
				defer func() {
					if v := recover(); v != nil {
						errs, err = nil, c.panicErr("batch request", v)
					}
				}()
				testhook.Point("batch request")
				return fn(ctx, lo, batch)
			}()
			if err != nil {
				stopped.Store(true)
				for _, t := range batch {
					res.fail(t.pos, t.ref, t.id, err)
				}
				return
			}
			for i, e := range errs {
				if e != nil {
					res.fail(batch[i].pos, batch[i].ref, batch[i].id, e)
				}
			}
		}(lo, batch)
		if lo == 0 && settle {
			wg.Wait()
		}
	}
	wg.Wait()
}

// batchResult collects the per-item failures of one call; it is safe for concurrent use.
type batchResult struct {
	mu     sync.Mutex
	total  int
	failed []posErr
}

type posErr struct {
	pos int
	err *ItemError
}

// fail records the failure of the item at position pos of the caller's arguments.
func (r *batchResult) fail(pos int, ref, id string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = append(r.failed, posErr{pos, &ItemError{Ref: ref, ID: id, Err: err}})
}

// err returns nil or a *BatchError with the failures in argument order.
func (r *batchResult) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.failed) == 0 {
		return nil
	}
	slices.SortStableFunc(r.failed, func(a, b posErr) int { return a.pos - b.pos })
	out := &BatchError{Total: r.total}
	for _, f := range r.failed {
		out.Failed = append(out.Failed, f.err)
	}
	return out
}
