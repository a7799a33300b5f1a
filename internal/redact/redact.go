// Package redact removes secrets from text: error messages, log records and command output all go through one
// Set, so that a password, a client secret or a token never leaves the process in any of the forms a server,
// a proxy or a library may echo it in.
package redact

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Mark replaces a secret.
const Mark = "[REDACTED]"

// MinLen is the length of the shortest secret redacted: replacing one to three characters everywhere would garble
// the text without protecting anything.
const MinLen = 4

// maxGroups bounds the secrets remembered; the oldest (tokens) are forgotten first.
const maxGroups = 64

// Forms returns the ways secret may appear in text: as it is, quoted (Go and JSON escapes), HTML/XML-escaped,
// URL-encoded (query and path), and base64-encoded alone (standard and URL alphabets, padded or not).
func Forms(secret string) []string {
	if len(secret) < MinLen {
		return nil
	}
	q := strconv.Quote(secret)
	j, _ := json.Marshal(secret)
	forms := []string{secret, q[1 : len(q)-1], string(j[1 : len(j)-1]), html.EscapeString(secret),
		strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(secret),
		url.QueryEscape(secret), url.PathEscape(secret), strings.ReplaceAll(url.QueryEscape(secret), "+", "%20")}
	forms = append(forms, b64(secret)...)
	return uniq(forms)
}

// BasicForms returns the forms of the Basic credentials user:pass (base64 in every alphabet), with Forms of the
// password.
func BasicForms(user, pass string) []string {
	if len(pass) < MinLen {
		return nil
	}
	out := append(Forms(pass), b64(user+":"+pass)...)
	return uniq(out)
}

func b64(s string) []string {
	b := []byte(s)
	var out []string
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		e := enc.EncodeToString(b)
		// A base64 text that is a substring of a longer one keeps all but its last (partial) group intact.
		if t := strings.TrimRight(e, "="); len(t) > 4 && len(t)%4 != 0 {
			out = append(out, t[:len(t)-len(t)%4])
		}
		out = append(out, e)
	}
	return out
}

func uniq(v []string) []string {
	var out []string
	for _, s := range v {
		if len(s) >= MinLen && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Set is a set of secrets to remove from text. The zero value is empty and ready; it is safe for concurrent use.
type Set struct {
	mu     sync.RWMutex
	groups [][]string // the forms of each secret, oldest first
	forms  []string   // every form, longest first
}

// Add adds secret (in every form of Forms).
func (s *Set) Add(secret string) { s.addGroup(Forms(secret)) }

// AddBasic adds the Basic credentials user:pass and the password.
func (s *Set) AddBasic(user, pass string) { s.addGroup(BasicForms(user, pass)) }

func (s *Set) addGroup(forms []string) {
	if len(forms) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.groups {
		if slices.Equal(g, forms) {
			return
		}
	}
	s.groups = append(s.groups, forms)
	if len(s.groups) > maxGroups {
		s.groups = s.groups[len(s.groups)-maxGroups:]
	}
	s.forms = s.forms[:0:0]
	for _, g := range s.groups {
		for _, f := range g {
			if !slices.Contains(s.forms, f) {
				s.forms = append(s.forms, f)
			}
		}
	}
	slices.SortStableFunc(s.forms, func(a, b string) int { return len(b) - len(a) })
}

// Scrub returns v with every form of every secret replaced by Mark.
func (s *Set) Scrub(v string) string {
	if s == nil {
		return v
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, f := range s.forms {
		if strings.Contains(v, f) {
			v = strings.ReplaceAll(v, f, Mark)
		}
	}
	return v
}

// Empty reports whether the set holds no secret.
func (s *Set) Empty() bool {
	if s == nil {
		return true
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.forms) == 0
}
