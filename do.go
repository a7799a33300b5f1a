package ews

import (
	"context"
	"fmt"
	"strings"

	"github.com/ewsgo/ews/internal/soap"
)

// The operation boundary: every EWS operation the services send goes through do (or doInto, doOne), which runs
// it the same way whatever it is. The request struct (internal/soap, one file per operation) declares the
// operation's name, its retry class, its response type and how many response messages a complete answer holds;
// do holds the client's concurrency limit, retries as the retry class allows (send), checks the number of
// response messages, and wraps every error in an *OpError naming the operation. Per-message errors are the
// caller's to read (itemErr), because batched operations report them per item.

// response is a pointer to a response struct of the wire, whose response messages do can read.
type response[R any] interface {
	*R
	soap.Response
}

// do runs one operation and returns its decoded response, whose number of response messages is the one the
// request asks for. Errors of the request as a whole are *OpError (or the context's error, when ctx ended).
func do[Req soap.Request[R], R any, PR response[R]](ctx context.Context, c *Client, req Req) (PR, error) {
	resp := PR(req.NewResponse())
	if err := doInto[R, PR](ctx, c, req, resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// doInto is do decoding into resp, an empty response whose memory is reused (a scan decodes thousands of
// responses of the same shape).
func doInto[R any, PR response[R]](ctx context.Context, c *Client, req soap.Request[R], resp PR) error {
	op := req.Op()
	if c.graph != nil {
		return ewsOnly(op.Name)
	}
	if err := send[R](ctx, c, req, resp); err != nil {
		return opErr(op.Name, err)
	}
	return countErr(op.Name, resp.Len(), req.Messages())
}

// countErr is the error of an answer with n response messages where want were asked for, or nil.
func countErr(op string, n, want int) error {
	if n == want {
		return nil
	}
	return &OpError{Op: op, Err: fmt.Errorf("%w: %d response messages, want %d", ErrMalformedResponse, n, want)}
}

// doOne is do for an operation whose failure is the failure of its response message (one item, folder or name):
// the first message's error is returned as the error of the call.
func doOne[Req soap.Request[R], R any, PR response[R]](ctx context.Context, c *Client, req Req) (PR, error) {
	resp, err := do[Req, R, PR](ctx, c, req)
	if err != nil {
		return nil, err
	}
	for i := range resp.Len() {
		if err := c.itemErr(req, resp.Result(i)); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// itemErr converts the error of one response message of op, or returns nil for a successful one.
func (c *Client) itemErr(op soap.Operation, m soap.Result) error {
	err := m.Err()
	if err == nil {
		return nil
	}
	return &OpError{Op: op.Op().Name, Err: c.convertError(err)}
}

// OpError is the failure of one EWS operation. Op names it and Err is the cause: an *Error the server reported,
// an *HTTPError, an *AuthError, ErrOutcomeUnknown with its cause, ErrMalformedResponse, or the transport's
// error. errors.Is and errors.As look through it: errors.Is(err, ErrItemNotFound) holds for an OpError whose
// cause is ErrorItemNotFound.
type OpError struct {
	// Op is the operation's name in Microsoft's reference, e.g. "MoveItem".
	Op string
	// Err is the cause.
	Err error
}

// Error implements error: "ews: MoveItem: ErrorItemNotFound: ...".
func (e *OpError) Error() string {
	return "ews: " + e.Op + ": " + strings.TrimPrefix(e.Err.Error(), "ews: ")
}

// Unwrap returns Err.
func (e *OpError) Unwrap() error { return e.Err }

// opErr wraps the error of an operation as a whole. The context's own error is returned as it is: the caller
// ended the call.
func opErr(op string, err error) error {
	if err == nil || err == context.Canceled || err == context.DeadlineExceeded {
		return err
	}
	return &OpError{Op: op, Err: err}
}
