package ews

import "errors"

// ErrNotSupportedByBackend matches (errors.Is) every *NotSupportedError: what the SDK does over EWS and cannot
// do over the backend in use (Microsoft Graph), reported before any request is sent.
var ErrNotSupportedByBackend = errors.New("ews: not supported by the backend")

// NotSupportedError reports something a backend cannot do: a query lookup Graph's $filter and $search cannot
// express, or an operation Graph has no equivalent for. docs/GRAPH.md lists them.
type NotSupportedError struct {
	// Backend is "graph" (or "ews").
	Backend string
	// What names what was asked: a query key such as "body__contains", or an operation.
	What string
	// Msg says why it cannot be done.
	Msg string
	// Hint, if not empty, says what to do instead.
	Hint string
}

// Error implements error: "ews: the graph backend cannot do body__contains: ... (use ...)".
func (e *NotSupportedError) Error() string {
	s := "ews: the " + e.Backend + " backend cannot do " + e.What + ": " + e.Msg
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// Is reports whether target is ErrNotSupportedByBackend.
func (e *NotSupportedError) Is(target error) bool { return target == ErrNotSupportedByBackend }
