package ews

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// A panic in a goroutine the SDK starts (the pipelined search pager, FanOut's and the batch operations' workers,
// Watch's mailbox goroutines) would end the whole process, whatever the caller does: nothing can recover it
// outside that goroutine. Each of them recovers instead, and delivers a *PanicError where its result goes: the
// iterator yields it and stops, the call returns it, FanOut records it for the mailbox. Nothing that panicked is
// ever reported as done.

// ErrInternal is matched (errors.Is) by a *PanicError: a panic in a goroutine the SDK started, in its own code
// or in a function the caller gave it (a FanOut function, a Watch handler).
var ErrInternal = errors.New("ews: internal error")

// PanicError is a panic recovered in a goroutine the SDK started. Its text names where it happened and the
// panic's value; the stack is kept apart (Stack), for logs.
type PanicError struct {
	// Where names the goroutine: "FindItem page", "GetItem batch", "FanOut", "Watch", ...
	Where string
	// Value is the value the panic was called with.
	Value any
	// Stack is the panicking goroutine's stack, as debug.Stack formats it.
	Stack []byte
}

// Error implements error.
func (e *PanicError) Error() string {
	return fmt.Sprintf("ews: internal error: panic in %s: %v", e.Where, e.Value)
}

// Is makes errors.Is(err, ErrInternal) true.
func (e *PanicError) Is(target error) bool { return target == ErrInternal }

// Unwrap returns the panic's value when it is an error (a runtime.Error, for instance).
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// newPanicError records a recovered panic with the current stack (call it from the deferred function).
func newPanicError(where string, v any) *PanicError {
	return &PanicError{Where: where, Value: v, Stack: debug.Stack()}
}

// panicErr is the error for a panic recovered in one of c's goroutines, its text cleaned of c's secrets.
func (c *Client) panicErr(where string, v any) error {
	return c.scrubError(newPanicError(where, v))
}
