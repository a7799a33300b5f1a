package connector

import (
	"strings"

	"github.com/ewsgo/ews/internal/redact"
	"golang.org/x/oauth2"
)

// Every text the connector returns (error messages, hence the command line's JSON and stderr) goes through one
// redaction of the configuration's secrets (the password, Basic user:pass, the client secret, the tokens got
// with it), in every form a server, a proxy or a token endpoint may echo them in (see internal/redact).

// secrets returns a new set of c's secrets (the client's token source adds its tokens to it).
func (c *Config) secrets() *redact.Set {
	s := &redact.Set{}
	if c.Password != "" {
		s.AddBasic(strings.TrimSpace(c.Username), c.Password)
		s.AddBasic(c.Username, c.Password)
	}
	s.Add(c.ClientSecret)
	return s
}

// redactError returns e with the secrets s removed from its message.
func redactError(s *redact.Set, e *Error) *Error {
	if e == nil {
		return nil
	}
	if s.Empty() {
		return e
	}
	if m := s.Scrub(e.Message); m != e.Message {
		cp := *e
		cp.Message = m
		return &cp
	}
	return e
}

// recordedTokens adds every token its source hands out to the secrets, and removes the secrets from the
// source's errors (a token endpoint may echo the request, client_secret included).
type recordedTokens struct {
	src     oauth2.TokenSource
	secrets *redact.Set
}

// Token implements oauth2.TokenSource.
func (t *recordedTokens) Token() (*oauth2.Token, error) {
	tok, err := t.src.Token()
	if tok != nil {
		t.secrets.Add(tok.AccessToken)
		t.secrets.Add(tok.RefreshToken)
	}
	if err != nil {
		if m := t.secrets.Scrub(err.Error()); m != err.Error() {
			return tok, &tokenError{msg: m, err: err}
		}
	}
	return tok, err
}

// tokenError is a token source error whose text held a secret.
type tokenError struct {
	msg string
	err error
}

func (e *tokenError) Error() string { return e.msg }
func (e *tokenError) Unwrap() error { return e.err }
