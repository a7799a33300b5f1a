package graph

import (
	"errors"
	"fmt"
	"time"
)

// ErrOutcomeUnknown is matched by the error of a request that is not idempotent and may have reached the
// server without an answer saying what it did (a broken connection, a timeout, an unreadable answer, a 502,
// 504 or other 5xx). It is not retried: sending it again could move, delete or send twice.
var ErrOutcomeUnknown = errors.New("graph: outcome unknown: the request may have reached the server")

// Error is an error answer of Graph: the HTTP status and the error object's code and message.
type Error struct {
	// Method and Path name the request, e.g. "POST", "/users/a@b/messages/x/move".
	Method, Path string
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the error object's code, e.g. "ErrorItemNotFound", "ApplicationThrottled"; empty when the answer
	// was no Graph error object (a proxy's page).
	Code string
	// Message is the error object's message.
	Message string
	// RetryAfter is the back-off of a Retry-After header, 0 without one.
	RetryAfter time.Duration
	// Location is the answer's Location header: for a delta query Graph reset (410 Gone), the URL that starts
	// the full synchronization again.
	Location string
}

// Error implements error. It never holds a token: Graph's messages name resources, not credentials.
func (e *Error) Error() string {
	s := fmt.Sprintf("graph: %s %s: HTTP %d", e.Method, e.Path, e.StatusCode)
	if e.Code != "" {
		s += ": " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// NotFound reports whether the error says the item or folder does not exist.
func (e *Error) NotFound() bool {
	return e.StatusCode == 404 || e.Code == "ErrorItemNotFound" || e.Code == "ResourceNotFound"
}

// RequestError is a request that got no HTTP answer (or an answer that could not be read). Sent tells whether
// the request may have reached the server.
type RequestError struct {
	Method, Path string
	Sent         bool
	Err          error
}

// Error implements error.
func (e *RequestError) Error() string {
	return "graph: " + e.Method + " " + e.Path + ": " + e.Err.Error()
}

// Unwrap returns the transport's error.
func (e *RequestError) Unwrap() error { return e.Err }
