package ews

import (
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// A man in the middle (TLS unverified) that offers only Basic must not get the password from auth=auto.
func TestAutoNeverBasicWithoutVerification(t *testing.T) {
	var basic atomic.Int32
	mitm := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("Authorization"), "Basic ") {
			basic.Add(1)
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer mitm.Close()
	cfg := Config{Host: mitm.URL + "/EWS/Exchange.asmx", Username: `CORP\svc`, Password: "s3cret-pass", EmailAddress: "a@example.com",
		InsecureSkipVerify: true}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetFolder(testCtx(t), Inbox)
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("auto against a Basic-only server with verification off: err = %v, want ErrUnauthorized", err)
	}
	if n := basic.Load(); n != 0 {
		t.Fatalf("auto sent Basic credentials %d times with TLS verification off", n)
	}
	// With the certificate verified, auto may answer Basic; an explicit basic may even without verification.
	for _, edit := range []func(*Config){
		func(c *Config) { c.InsecureSkipVerify, c.RootCAs = false, poolOf(mitm) },
		func(c *Config) { c.Auth = AuthBasic },
	} {
		cc := cfg
		edit(&cc)
		c, err := New(cc)
		if err != nil {
			t.Fatal(err)
		}
		before := basic.Load()
		_, _ = c.GetFolder(testCtx(t), Inbox)
		if basic.Load() == before {
			t.Errorf("auth %q verify-off %v: no Basic credentials sent", cc.Auth, cc.InsecureSkipVerify)
		}
	}
}

// A server (or proxy) that echoes the request, and the password in every encoding, into its error page: the
// error the caller gets holds none of them.
func TestErrorsNeverHoldSecrets(t *testing.T) {
	const user, pass = `CORP\svc`, `p@ss w"rd/1+=`
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "auth=%s raw=%s q=%s url=%s path=%s b64=%s body=%.40s",
			r.Header.Get("Authorization"), pass, strconv.Quote(pass), url.QueryEscape(pass), url.PathEscape(pass),
			base64.StdEncoding.EncodeToString([]byte(pass)), body)
	}))
	defer echo.Close()
	c, err := New(Config{Host: echo.URL + "/EWS/Exchange.asmx", Username: user, Password: pass, EmailAddress: "a@example.com",
		Auth: AuthBasic, Retry: &RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetFolder(testCtx(t), Inbox)
	if err == nil {
		t.Fatal("no error from a 500")
	}
	msg := err.Error()
	for _, form := range []string{pass, strconv.Quote(pass), url.QueryEscape(pass), url.PathEscape(pass),
		base64.StdEncoding.EncodeToString([]byte(pass)), base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))} {
		if strings.Contains(msg, form) {
			t.Errorf("error holds the secret as %q: %s", form, msg)
		}
	}
	if !strings.Contains(msg, "[REDACTED]") || !strings.Contains(msg, "auth=Basic [REDACTED]") {
		t.Errorf("error %q: want the echoed credentials shown as [REDACTED]", msg)
	}
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != 500 {
		t.Errorf("err = %#v, want the *HTTPError still", err)
	}
}

func poolOf(s *httptest.Server) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(s.Certificate())
	return p
}

// The attachments of one message total at most MaxAttachmentsSize: more is refused before any request, and a
// Reader is not read past the cap.
func TestAttachmentsTotalCapped(t *testing.T) {
	srv, c := setup(t)
	half := make([]byte, MaxAttachmentsSize/2+1)
	d := Draft{To: []string{"bob@example.com"}, Subject: "big", Attachments: []Attachment{{Name: "a", Content: half}, {Name: "b", Content: half}}}
	_, err := c.Mail().Send(testCtx(t), d)
	if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "Draft.Attachments") {
		t.Fatalf("two attachments over the cap: err = %v", err)
	}
	endless := &countingZeros{}
	d.Attachments = []Attachment{{Name: "a", Content: half}, {Name: "y", Content: half[:MaxAttachmentsSize/2-8<<20]}, {Name: "z", Reader: endless}}
	if _, err = c.Mail().Send(testCtx(t), d); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("endless Reader: err = %v", err)
	}
	if endless.n > MaxAttachmentsSize {
		t.Errorf("read %d bytes of an endless Reader, cap %d", endless.n, MaxAttachmentsSize)
	}
	for _, r := range srv.Requests() {
		if r.Operation != "" {
			t.Errorf("request %s sent for a message over the cap", r.Operation)
		}
	}
}

type countingZeros struct{ n int64 }

func (z *countingZeros) Read(p []byte) (int, error) {
	clear(p)
	z.n += int64(len(p))
	return len(p), nil
}
