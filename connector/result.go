package connector

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"strings"

	"github.com/ewsgo/ews"
	"golang.org/x/oauth2"
)

// Result is what an operation returns, as SOAR tools expect it:
//
//	{"status": "Success", "data": ...}
//	{"status": "Error", "code": "ErrorItemNotFound", "message": "..."}
type Result struct {
	// Status is "Success" or "Error".
	Status string
	// Data is the operation's result (Success only): an object, or a list for the operations that return
	// several items.
	Data any
	// Code and Message describe the error (Error only); Code is an EWS ResponseCode ("ErrorItemNotFound") or one
	// of the connector's codes (CodeInvalidParameter, ...).
	Code    string
	Message string
}

// Result statuses.
const (
	StatusSuccess = "Success"
	StatusError   = "Error"
)

// MarshalJSON writes {"status","data"} for a success and {"status","code","message"} for an error. It leaves
// "<", ">" and "&" as they are (json.Marshal escapes them again; an Encoder with SetEscapeHTML(false) does not).
func (r *Result) MarshalJSON() ([]byte, error) {
	var v any
	if r.Status == StatusError {
		v = struct {
			Status  string `json:"status"`
			Code    string `json:"code"`
			Message string `json:"message"`
		}{r.Status, r.Code, r.Message}
	} else {
		v = struct {
			Status string `json:"status"`
			Data   any    `json:"data"`
		}{r.Status, r.Data}
	}
	return marshalPlain(v)
}

// marshalPlain is json.Marshal without HTML escaping and without the trailing newline.
func marshalPlain(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Success wraps data in a success result.
func Success(data any) *Result { return &Result{Status: StatusSuccess, Data: data} }

// Failure returns the error result for err (see ErrorOf).
func Failure(err error) *Result {
	e := ErrorOf(err)
	return &Result{Status: StatusError, Code: e.Code, Message: e.Message}
}

// Codes of the errors the connector reports itself. Errors the server reports keep their EWS ResponseCode
// ("ErrorItemNotFound", "ErrorAccessDenied", ...).
const (
	// CodeInvalidParameter: a parameter is missing, unknown or has a bad value; Error.Param names it.
	CodeInvalidParameter = "InvalidParameter"
	// CodeUnknownOperation: no operation has the name given.
	CodeUnknownOperation = "UnknownOperation"
	// CodeInvalidConfig: the configuration is incomplete or wrong; Error.Param names the key.
	CodeInvalidConfig = "InvalidConfig"
	// CodeUnauthorized: the server refused the credentials, or the identity platform refused the OAuth2 client
	// credentials.
	CodeUnauthorized = "Unauthorized"
	// CodeConnectionError: the server could not be reached (DNS, TCP, TLS).
	CodeConnectionError = "ConnectionError"
	// CodeHTTPError: the server answered with an HTTP error other than 401.
	CodeHTTPError = "HTTPError"
	// CodeOutcomeUnknown: a request that changes the mailbox may have reached the server before the connection
	// failed; check before repeating it.
	CodeOutcomeUnknown = "OutcomeUnknown"
	// CodeAutodiscoverFailed: Autodiscover found no EWS URL.
	CodeAutodiscoverFailed = "AutodiscoverFailed"
	// CodeTimeout: the operation did not finish in time; what it returned before is incomplete.
	CodeTimeout = "Timeout"
	// CodeCancelled: the operation was cancelled (its context was; the command line cancels on Ctrl-C or SIGTERM)
	// before it finished.
	CodeCancelled = "Cancelled"
	// CodeStateError: the poll state could not be read, locked or saved.
	CodeStateError = "StateError"
	// CodeNotSupportedByBackend: the backend in use (backend graph) cannot do what was asked; docs/GRAPH.md lists
	// what each backend supports.
	CodeNotSupportedByBackend = "NotSupportedByBackend"
	// CodeInternal: a panic in the SDK or the connector (a bug), recovered; what was returned before is
	// incomplete. The command line exits with status 70 for it.
	CodeInternal = "InternalError"
	// CodeError: any other failure.
	CodeError = "Error"
)

// Error is a failed operation as the connector reports it.
type Error struct {
	// Code is an EWS ResponseCode or one of the Code constants.
	Code string
	// Message says what went wrong; it never holds a password, secret or token.
	Message string
	// Param names the parameter (or configuration key) at fault, for CodeInvalidParameter and CodeInvalidConfig.
	Param string
	// Err is the underlying error, if any.
	Err error
}

// Error implements error.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Unwrap returns the underlying error, so that errors.Is(err, ews.ErrItemNotFound) sees through.
func (e *Error) Unwrap() error { return e.Err }

// Usage reports whether the error is the caller's (a bad parameter, configuration or operation name) rather than
// the server's or the network's; the command line exits with status 2 for these.
func (e *Error) Usage() bool {
	switch e.Code {
	case CodeInvalidParameter, CodeUnknownOperation, CodeInvalidConfig:
		return true
	}
	return false
}

// ErrorOf converts any error to an *Error: an *Error as is, a server error with its EWS code, authentication,
// HTTP, network and timeout failures with the connector's codes.
func ErrorOf(err error) *Error {
	if err == nil {
		return nil
	}
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	msg := strings.TrimPrefix(err.Error(), "ews: ")
	out := &Error{Code: CodeError, Message: msg, Err: err}
	var ee *ews.Error
	var ae *ews.AuthError
	var he *ews.HTTPError
	var de *ews.AutodiscoverError
	var ne net.Error
	var oe *net.OpError
	var ue *url.Error
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &ee):
		out.Code = ee.Code
		if ee.Message != "" {
			out.Message = ee.Message
		}
	case errors.As(err, &ae), errors.As(err, &re):
		out.Code = CodeUnauthorized
	case errors.Is(err, ews.ErrOutcomeUnknown):
		out.Code = CodeOutcomeUnknown
	case errors.As(err, &de):
		out.Code = CodeAutodiscoverFailed
	case errors.As(err, &he):
		out.Code = CodeHTTPError
	case errors.Is(err, context.Canceled):
		out.Code = CodeCancelled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		out.Code = CodeTimeout
	case errors.Is(err, ews.ErrInternal):
		out.Code = CodeInternal
	case errors.Is(err, ews.ErrStateLocked), errors.Is(err, ews.ErrStateFile):
		out.Code = CodeStateError
	case errors.Is(err, ews.ErrNotSupportedByBackend):
		out.Code = CodeNotSupportedByBackend
	case errors.As(err, &oe), errors.As(err, &ue):
		out.Code = CodeConnectionError
	case errors.Is(err, ews.ErrInvalidQuery), errors.Is(err, ews.ErrInvalidInput), errors.Is(err, ews.ErrInvalidFolder):
		out.Code = CodeInvalidParameter
	}
	return out
}
