package ews

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ewsgo/ews/internal/soap"
	"github.com/ewsgo/ews/internal/testserver"
	"golang.org/x/oauth2"
)

// The public HTTPError and AuthError are the wire layer's types themselves: what a failed EWS request returns
// over real HTTP is matched by errors.As against the public names, with every field the wire saw.
func TestHTTPAndAuthErrorsFromTheWireMatchThePublicTypes(t *testing.T) {
	t.Run("HTTPError", func(t *testing.T) {
		srv := testserver.New(t, testserver.WithFaults(testserver.HTMLPage(http.StatusNotFound).For("GetFolder")))
		c := newTestClient(t, srv, nil)
		_, err := c.GetFolder(testCtx(t), Inbox)
		var he *HTTPError
		if !errors.As(err, &he) {
			t.Fatalf("err = %v (%T), want an *ews.HTTPError", err, err)
		}
		var wire *soap.HTTPError
		if !errors.As(err, &wire) || wire != he {
			t.Errorf("the wire's *soap.HTTPError is not the public one: %p vs %p", wire, he)
		}
		if he.StatusCode != http.StatusNotFound || he.Status != "404 Not Found" || he.ContentType != "text/html" ||
			!strings.Contains(he.Excerpt, "<html") {
			t.Errorf("HTTPError = %+v, want the 404 page's status, content type and excerpt", *he)
		}
		if got := err.Error(); !strings.HasPrefix(got, "ews: GetFolder: http 404 Not Found: ") {
			t.Errorf("text = %q, want \"ews: GetFolder: http 404 Not Found: ...\" (one ews: prefix)", got)
		}
		n := 0
		for _, r := range srv.Requests() {
			if r.Operation == "GetFolder" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("server got %d GetFolder, want 1 (a 404 is not retried)", n)
		}
	})
	t.Run("AuthError", func(t *testing.T) {
		srv := testserver.New(t)
		c := newTestClient(t, srv, func(cfg *Config) { cfg.Password = "Wrong-Password-123" })
		_, err := c.GetFolder(testCtx(t), Inbox)
		var ae *AuthError
		if !errors.As(err, &ae) || !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("err = %v (%T), want an *ews.AuthError matching ErrUnauthorized", err, err)
		}
		if ae.StatusCode != http.StatusUnauthorized || ae.Method != string(AuthNTLM) || ae.Username != srv.Username() ||
			!strings.Contains(strings.Join(ae.Offered, " "), "NTLM") {
			t.Errorf("AuthError = %+v, want 401, method ntlm, user %q, NTLM offered", *ae, srv.Username())
		}
		if got := err.Error(); !strings.HasPrefix(got, "ews: GetFolder: authentication failed for "+strconv.Quote(srv.Username())+" (method ntlm, http 401") ||
			strings.Contains(got, "Wrong-Password-123") {
			t.Errorf("text = %q, want the account and method and no password", got)
		}
	})
	t.Run("AuthError/oauth2", func(t *testing.T) {
		srv := testserver.New(t, testserver.WithToken("tok-123", testserver.DefaultEmail))
		c, err := New(Config{Host: srv.URL, Auth: AuthOAuth2, EmailAddress: srv.Email(),
			TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "not-a-token-the-server-knows"})})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetFolder(testCtx(t), Inbox)
		var ae *AuthError
		if !errors.As(err, &ae) {
			t.Fatalf("err = %v (%T), want an *ews.AuthError", err, err)
		}
		if ae.StatusCode != http.StatusUnauthorized || ae.Method != string(AuthOAuth2) || ae.Username != "" || strings.Contains(err.Error(), "not-a-token") {
			t.Errorf("AuthError = %+v (%q), want method oauth2, no user and no token in the text", *ae, err)
		}
	})
}
