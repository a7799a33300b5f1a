package ews

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// ErrNotAttempted is matched (errors.Is) by the ItemError of an item whose request was never sent because an
// earlier request of the same call failed as a whole (a transport error, a cancelled context).
var ErrNotAttempted = errors.New("ews: not attempted: an earlier request of the batch failed")

// ItemError is the failure of one item of a batched operation.
type ItemError struct {
	// Ref is the message reference as the caller gave it: an ItemId or an Internet Message-ID.
	Ref string
	// ID is the ItemId the failure is about; empty when Ref could not be resolved to an item.
	ID string
	// Err is the cause: an *Error from the server (errors.Is(err, ErrItemNotFound)), ErrNotAttempted, or the
	// transport error of the item's request.
	Err error
}

// Error implements error.
func (e *ItemError) Error() string {
	s := strconv.Quote(e.Ref)
	if e.ID != "" && e.ID != e.Ref {
		s += " (item " + strconv.Quote(e.ID) + ")"
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *ItemError) Unwrap() error { return e.Err }

// BatchError reports the items of a batched operation that failed; the other items succeeded. errors.Is and
// errors.As look into every item's error, so errors.Is(err, ErrItemNotFound) tells that at least one item was
// not found.
type BatchError struct {
	// Total is the number of items the call was asked to act on.
	Total int
	// Failed lists the failed items, in the order the caller gave them.
	Failed []*ItemError
}

// Error implements error.
func (e *BatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ews: %d of %d items failed", len(e.Failed), e.Total)
	for i, f := range e.Failed {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Failed)-3)
			break
		}
		b.WriteString("; ")
		b.WriteString(f.Error())
	}
	return b.String()
}

// Unwrap returns the items' errors.
func (e *BatchError) Unwrap() []error {
	out := make([]error, len(e.Failed))
	for i, f := range e.Failed {
		out[i] = f
	}
	return out
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
