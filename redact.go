package ews

import (
	"errors"
)

// One redaction for every text that leaves the client: the errors it returns (here) and its log records
// (logging.go) go through the same set of secrets, which knows each secret in every form a server or a proxy may
// echo it in (raw, quoted, escaped, URL-encoded, base64 alone and as Basic user:pass; see internal/redact).

// scrubError removes the client's secrets from the text of err. The package's own error types are copied with
// clean text (never cleaned in place: one error, such as the cause of a back-off pause, may be shared by several
// goroutines); any other error whose text holds a secret is replaced by one with the clean text that still
// matches the original with errors.Is.
func (c *Client) scrubError(err error) error {
	if err == nil || c == nil || c.shared == nil || c.shared.secrets == nil || c.shared.secrets.set.Empty() {
		return err
	}
	s := c.shared.secrets
	switch e := err.(type) {
	case *Error:
		clean := *e
		clean.Message = s.scrub(e.Message)
		if e.Details != nil {
			clean.Details = make(map[string]string, len(e.Details))
			for k, v := range e.Details {
				clean.Details[k] = s.scrub(v)
			}
		}
		return &clean
	case *HTTPError:
		clean := *e
		clean.Excerpt = s.scrub(e.Excerpt)
		clean.Status = s.scrub(e.Status)
		clean.Err = c.scrubError(e.Err)
		return &clean
	case *AuthError:
		return e
	}
	if msg := err.Error(); s.scrub(msg) != msg {
		return &scrubbedError{msg: s.scrub(msg), err: err}
	}
	return err
}

// scrubbedError is an error whose text had a secret: Error is the clean text, Unwrap the original (for errors.Is
// against sentinels such as ErrMalformedResponse and context.DeadlineExceeded).
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// Timeout reports whether the original error was a timeout.
func (e *scrubbedError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.err, &t) && t.Timeout()
}
