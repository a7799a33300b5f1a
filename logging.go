package ews

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/ewsgo/ews/internal/redact"

	"golang.org/x/oauth2"
)

// The client's log never shows a credential. Authorization headers are logged as their scheme only (the soap
// package does that); on top of it, every record goes through redactHandler, which replaces the password, the
// Basic credentials made of it and every OAuth2 token the client has used by "[REDACTED]", wherever they appear
// (an error text, a logged body).

// secrets is the set of strings the log and the errors must not show (in any of the forms of redact.Forms).
type secrets struct{ set redact.Set }

func (s *secrets) add(v string)          { s.set.Add(v) }
func (s *secrets) scrub(v string) string { return s.set.Scrub(v) }

// clientSecrets returns the secrets of cfg: the password and the Basic credentials made of it.
func clientSecrets(cfg Config) *secrets {
	s := &secrets{}
	if cfg.Password != "" {
		s.set.AddBasic(cfg.Username, cfg.Password)
	}
	return s
}

// redactLogger returns cfg.Logger wrapped so that it never shows the secrets s, and cfg.TokenSource wrapped
// so that the tokens it hands out are added to s.
func redactLogger(cfg Config, s *secrets) (*slog.Logger, oauth2.TokenSource) {
	ts := cfg.TokenSource
	if ts != nil {
		ts = &seenTokens{src: ts, s: s}
	}
	if cfg.Logger == nil {
		return nil, ts
	}
	return slog.New(&redactHandler{next: cfg.Logger.Handler(), s: s}), ts
}

// seenTokens adds every token its source hands out to the secrets.
type seenTokens struct {
	src oauth2.TokenSource
	s   *secrets
}

// Token implements oauth2.TokenSource.
func (t *seenTokens) Token() (*oauth2.Token, error) {
	tok, err := t.src.Token()
	if tok != nil {
		t.s.add(tok.AccessToken)
		t.s.add(tok.RefreshToken)
	}
	return tok, err
}

// redactHandler is a slog.Handler that removes secrets from records before passing them on.
type redactHandler struct {
	next slog.Handler
	s    *secrets
}

// Enabled implements slog.Handler.
func (h *redactHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

// Handle implements slog.Handler.
func (h *redactHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.s.scrub(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs implements slog.Handler.
func (h *redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return &redactHandler{next: h.next.WithAttrs(clean), s: h.s}
}

// WithGroup implements slog.Handler.
func (h *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{next: h.next.WithGroup(name), s: h.s}
}

func (h *redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.s.scrub(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]slog.Attr, len(g))
		for i, x := range g {
			clean[i] = h.attr(x)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(clean...)}
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, h.s.scrub(err.Error()))
		}
		if s := fmt.Sprint(v.Any()); h.s.scrub(s) != s {
			return slog.String(a.Key, h.s.scrub(s))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
