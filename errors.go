package ews

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/soap"
)

// Error is an error the EWS server reported: a ResponseMessage of class Error, or a SOAP fault. Match it with
// errors.Is against the sentinels below (ErrItemNotFound, ...) or read it with errors.As.
type Error struct {
	// Code is the EWS ResponseCode, e.g. "ErrorItemNotFound".
	Code string
	// Message is the server's MessageText (or faultstring).
	Message string
	// Details holds the MessageXml values, e.g. "BackOffMilliseconds".
	Details map[string]string
	// Fault is true when the server answered with a SOAP fault rather than a ResponseMessage.
	Fault bool
}

// Error implements error.
func (e *Error) Error() string {
	if e.Message == "" {
		return "ews: " + e.Code
	}
	return "ews: " + e.Code + ": " + e.Message
}

// Is reports whether target is an *Error with the same Code. The sentinels have only a Code, so
// errors.Is(err, ews.ErrItemNotFound) matches any ErrorItemNotFound.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// BackOff returns the BackOffMilliseconds the server asked for (ErrorServerBusy), or 0.
func (e *Error) BackOff() time.Duration {
	ms, err := strconv.Atoi(e.Details["BackOffMilliseconds"])
	if err != nil || ms < 0 {
		return 0
	}
	return time.Duration(ms) * time.Millisecond
}

// Sentinels for the common ResponseCodes; match with errors.Is.
var (
	ErrItemNotFound                     = &Error{Code: "ErrorItemNotFound"}
	ErrFolderNotFound                   = &Error{Code: "ErrorFolderNotFound"}
	ErrAccessDenied                     = &Error{Code: "ErrorAccessDenied"}
	ErrServerBusy                       = &Error{Code: "ErrorServerBusy"}
	ErrInvalidIDMalformed               = &Error{Code: "ErrorInvalidIdMalformed"}
	ErrNonExistentMailbox               = &Error{Code: "ErrorNonExistentMailbox"}
	ErrInvalidRequest                   = &Error{Code: "ErrorInvalidRequest"}
	ErrSchemaValidation                 = &Error{Code: "ErrorSchemaValidation"}
	ErrImpersonateUserDenied            = &Error{Code: "ErrorImpersonateUserDenied"}
	ErrInvalidServerVersion             = &Error{Code: "ErrorInvalidServerVersion"}
	ErrInternalServerTransientError     = &Error{Code: "ErrorInternalServerTransientError"}
	ErrInternalServerError              = &Error{Code: "ErrorInternalServerError"}
	ErrExceededConnectionCount          = &Error{Code: "ErrorExceededConnectionCount"}
	ErrTooManyObjectsOpened             = &Error{Code: "ErrorTooManyObjectsOpened"}
	ErrInvalidSyncStateData             = &Error{Code: "ErrorInvalidSyncStateData"}
	ErrMailboxStoreUnavailable          = &Error{Code: "ErrorMailboxStoreUnavailable"}
	ErrInvalidChangeKey                 = &Error{Code: "ErrorIrresolvableConflict"}
	ErrQuotaExceeded                    = &Error{Code: "ErrorQuotaExceeded"}
	ErrMessageSizeExceeded              = &Error{Code: "ErrorMessageSizeExceeded"}
	ErrInvalidRecipients                = &Error{Code: "ErrorInvalidRecipients"}
	ErrCalendarViewRangeTooBig          = &Error{Code: "ErrorCalendarViewRangeTooBig"}
	ErrNameResolutionNoResults          = &Error{Code: "ErrorNameResolutionNoResults"}
	ErrExpiredSubscription              = &Error{Code: "ErrorExpiredSubscription"}
	ErrSubscriptionNotFound             = &Error{Code: "ErrorSubscriptionNotFound"}
	ErrCannotDeleteObject               = &Error{Code: "ErrorCannotDeleteObject"}
	ErrMoveCopyFailed                   = &Error{Code: "ErrorMoveCopyFailed"}
	ErrInvalidOperation                 = &Error{Code: "ErrorInvalidOperation"}
	ErrTimeoutExpired                   = &Error{Code: "ErrorTimeoutExpired"}
	ErrConnectionFailed                 = &Error{Code: "ErrorConnectionFailed"}
	ErrBatchProcessingStopped           = &Error{Code: "ErrorBatchProcessingStopped"}
	ErrInvalidPropertyRequest           = &Error{Code: "ErrorInvalidPropertyRequest"}
	ErrNoRespondingCASInDestinationSite = &Error{Code: "ErrorNoRespondingCASInDestinationSite"}
)

// ErrUnauthorized is matched (errors.Is) by every *AuthError.
var ErrUnauthorized = soap.ErrUnauthorized

// AuthError means the server refused the credentials (HTTP 401): its StatusCode, the Method and Username the
// client used, the schemes the server Offered, or Err when no credentials could be had (a Kerberos login the KDC
// refused). Its text never holds a password or token. It is the wire layer's own type (one definition, no
// conversion): match it with errors.As(err, new(*ews.AuthError)).
type AuthError = soap.AuthError

// HTTPError is an HTTP response that is not an EWS answer: a proxy's error page, a 503, a 404 for a wrong URL,
// or a body that is not a well-formed EWS SOAP envelope (malformed or truncated XML, an empty body, an HTML page
// with status 200, an unsupported charset), in which case it matches ErrMalformedResponse. It carries the
// StatusCode, Status, ContentType, an Excerpt of the body, the RetryAfter the server asked for and, for a body
// that could not be decoded, Err. It is the wire layer's own type (one definition, no conversion): match it with
// errors.As(err, new(*ews.HTTPError)).
type HTTPError = soap.HTTPError

// ErrMalformedResponse is matched (errors.Is) by errors about responses that are not valid EWS SOAP.
var ErrMalformedResponse = soap.ErrMalformed

// ErrResponseTooLarge is returned when a response exceeds Config.MaxResponseBytes.
var ErrResponseTooLarge = soap.ErrResponseTooLarge

// ErrOutcomeUnknown is matched (errors.Is) when a request that changes the mailbox (send, create, move, copy,
// delete) failed after it may have reached the server: the change may or may not have been made.
var ErrOutcomeUnknown = errors.New("ews: outcome unknown: the request may have reached the server")

// convertError turns a wire-layer error into the package's public error types.
func (c *Client) convertError(err error) error {
	if err == nil {
		return nil // before the targets of errors.As, which escape: every successful item of a batch comes here
	}
	return c.scrubError(c.convertWireError(err))
}

func (c *Client) convertWireError(err error) error {
	var re *soap.ResponseError
	var f *soap.Fault
	var rq *soap.RequestError
	switch {
	case errors.As(err, &re):
		code, msg := innerError(re.Code, re.Message, re.Details)
		return &Error{Code: code, Message: msg, Details: re.Details}
	case errors.As(err, &f):
		code := f.ResponseCode()
		if code == "" {
			code = f.Code
		}
		code, msg := innerError(code, f.String, f.Detail.MessageXML.Values)
		return &Error{Code: code, Message: msg, Details: f.Detail.MessageXML.Values, Fault: true}
	case errors.As(err, &rq):
		return rq.Err
	}
	return err
}

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

// ErrInvalidInput is matched (errors.Is) by every *InputError: bad input found before any request was sent.
var ErrInvalidInput = errors.New("ews: invalid input")

// InputError reports an argument or option that cannot be used, found before any request was sent (so nothing
// was changed on the server). Every service reports bad input with it; errors.Is(err, ErrInvalidInput) matches
// it, and errors about a FolderRef also match ErrInvalidFolder.
type InputError struct {
	// Field names the bad argument or option, e.g. "Draft.To" or "ids[2]".
	Field string
	// Problem says what is wrong with it.
	Problem string

	phrase bool  // Problem continues Field as one phrase ("NewEvent.Start is zero") rather than after a colon
	kind   error // a further sentinel that Is matches, such as ErrInvalidFolder
}

// Error implements error.
func (e *InputError) Error() string {
	if e.phrase {
		return "ews: " + e.Field + " " + e.Problem
	}
	return "ews: " + e.Field + ": " + e.Problem
}

// Is matches ErrInvalidInput, and ErrInvalidFolder for errors about a folder reference.
func (e *InputError) Is(target error) bool {
	return target == ErrInvalidInput || e.kind != nil && target == e.kind
}

// inputErr returns an *InputError that reads "ews: <field>: <problem>".
func inputErr(field, format string, args ...any) *InputError {
	return &InputError{Field: field, Problem: fmt.Sprintf(format, args...)}
}

// phraseErr returns an *InputError that reads "ews: <field> <problem>", e.g. "ews: NewEvent.Start is zero".
func phraseErr(field, format string, args ...any) *InputError {
	return &InputError{Field: field, Problem: fmt.Sprintf(format, args...), phrase: true}
}

// folderErr returns an *InputError about a folder reference, which also matches ErrInvalidFolder.
func folderErr(field, format string, args ...any) *InputError {
	return &InputError{Field: field, Problem: fmt.Sprintf(format, args...), kind: ErrInvalidFolder}
}

// innerError returns the code and message an error stands for. Exchange wraps some errors, throttling among them,
// in ErrorInternalServerError with the real code in MessageXml (InnerErrorResponseCode, InnerErrorMessageText);
// that inner code is the error's code, as Microsoft's EWS Managed API and exchangelib read it.
func innerError(code, msg string, details map[string]string) (string, string) {
	if code != "ErrorInternalServerError" {
		return code, msg
	}
	inner := strings.TrimSpace(details["InnerErrorResponseCode"])
	if inner == "" {
		return code, msg
	}
	if t := strings.TrimSpace(details["InnerErrorMessageText"]); t != "" {
		msg = t
	}
	return inner, msg + " (reported as ErrorInternalServerError)"
}
