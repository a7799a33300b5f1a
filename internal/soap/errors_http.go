package soap

import (
	"errors"
	"strconv"
	"time"
)

// The two errors of an HTTP exchange that is not an EWS answer. They are defined once, here, where they arise;
// the public package names them ews.HTTPError and ews.AuthError (type aliases), so that what the wire returns is
// what callers match with errors.As, without a copy or a conversion in between.

// HTTPError is an HTTP response that is not an EWS answer: a proxy's error page, a 503, a 404 for a wrong URL,
// or a body that is not a well-formed EWS SOAP envelope (malformed or truncated XML, an empty body, an HTML page
// with status 200, an unsupported charset), in which case it matches ErrMalformedResponse.
type HTTPError struct {
	// StatusCode is the HTTP status code, e.g. 503.
	StatusCode int
	// Status is the HTTP status line, e.g. "503 Service Unavailable".
	Status string
	// ContentType is the media type of the response.
	ContentType string
	// Excerpt is the start of the response body (at most 512 bytes, as valid UTF-8).
	Excerpt string
	// RetryAfter is the delay the server asked for with Retry-After, or 0.
	RetryAfter time.Duration
	// Err, for a body that could not be decoded, says what is wrong with it; it matches ErrMalformedResponse.
	Err error
}

// Error implements error, e.g. `ews: http 503 Service Unavailable: "<html>..."`.
func (e *HTTPError) Error() string {
	s := "ews: http " + e.Status
	if e.Status == "" {
		s = "ews: http " + strconv.Itoa(e.StatusCode)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Excerpt != "" {
		s += ": " + strconv.Quote(e.Excerpt)
	}
	return s
}

// Unwrap returns Err.
func (e *HTTPError) Unwrap() error { return e.Err }

// AuthError means the server refused the credentials (HTTP 401). Its text never holds a password or token.
type AuthError struct {
	// StatusCode is the HTTP status (401).
	StatusCode int
	// Method is the authentication method the client used ("ntlm", "basic", "oauth2", "kerberos", "auto"); it
	// is empty when Config.HTTPClient does the authentication.
	Method string
	// Username is the account that was refused (empty for OAuth2).
	Username string
	// Offered lists the schemes the server offers in WWW-Authenticate.
	Offered []string
	// Err, when the client could not get credentials to send (the KDC refused a Kerberos login: a wrong
	// password, an unknown principal, an expired credential cache), says why; no request was sent then, and
	// StatusCode is 0.
	Err error
}

// Unwrap returns Err.
func (e *AuthError) Unwrap() error { return e.Err }

// Error implements error.
func (e *AuthError) Error() string {
	s := "ews: authentication failed"
	if e.Username != "" {
		s += " for " + strconv.Quote(e.Username)
	}
	switch {
	case e.Err != nil:
		return s + " (method " + e.Method + "): " + e.Err.Error()
	case e.Method == "":
		s += " (Config.HTTPClient is set, so the client adds no authentication and the HTTPClient must authenticate; http " + strconv.Itoa(e.StatusCode)
	default:
		s += " (method " + e.Method + ", http " + strconv.Itoa(e.StatusCode)
	}
	if len(e.Offered) > 0 {
		s += ", server offers"
		for _, o := range e.Offered {
			s += " " + o
		}
	}
	return s + ")"
}

// Is matches ErrUnauthorized.
func (e *AuthError) Is(target error) bool { return target == ErrUnauthorized }

// ErrUnauthorized is matched (errors.Is) by every *AuthError.
var ErrUnauthorized = errors.New("ews: unauthorized")
