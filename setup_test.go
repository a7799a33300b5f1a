package ews

import (
	"context"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// setup starts a fake server and returns it with a client logged in as its default user over NTLM.
func setup(t *testing.T, opts ...testserver.Option) (*testserver.Server, *Client) {
	t.Helper()
	srv := testserver.New(t, append(kerberosServerOptions(t), opts...)...)
	return srv, newTestClient(t, srv, nil)
}

// newTestClient returns a client for srv's first user; edit, if not nil, changes the config first.
func newTestClient(t *testing.T, srv *testserver.Server, edit func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		Host:         srv.URL,
		Username:     srv.Username(),
		Password:     srv.Password(),
		EmailAddress: srv.Email(),
		Auth:         AuthNTLM,
	}
	if edit != nil {
		edit(&cfg)
	}
	kerberosTestConfig(srv, &cfg)
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// testCtx returns a context that ends with the test, bounded to a minute.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}
