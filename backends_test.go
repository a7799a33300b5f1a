package ews

import (
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
)

// testGraphApp is the application registration the fake server's token endpoint knows in the tests.
var testGraphApp = testserver.GraphApp{TenantID: "contoso.onmicrosoft.com", ClientID: "app-1", ClientSecret: "s3cret-value"}

// backends runs fn as a subtest over each backend: "ews" (NTLM to the fake server's EWS endpoint) and "graph"
// (app-only OAuth2 from the fake server's token endpoint to its Graph endpoint), each with a fresh server made
// with opts. Both wires serve the same mailbox state, so one test checks both.
func backends(t *testing.T, fn func(t *testing.T, srv *testserver.Server, c *Client), opts ...testserver.Option) {
	t.Helper()
	backendsWith(t, nil, fn, opts...)
}

// backendsWith is backends with each client's config changed by edit (when not nil) before New.
func backendsWith(t *testing.T, edit func(*Config), fn func(t *testing.T, srv *testserver.Server, c *Client), opts ...testserver.Option) {
	t.Helper()
	for _, b := range []Backend{BackendEWS, BackendGraph} {
		t.Run(string(b), func(t *testing.T) {
			// Exchange 2019 (also under EWS_TESTSERVER_VERSION), unless opts say otherwise: the backends are compared
			// on what both offer (Recover, the follow-up flag... which Exchange 2007 lacks).
			srv := testserver.New(t, append([]testserver.Option{testserver.WithGraphApp(testGraphApp), testserver.WithPersonality(testserver.Exchange2019)}, opts...)...)
			var c *Client
			if b == BackendEWS {
				c = newTestClient(t, srv, edit)
			} else {
				c = newGraphClient(t, srv, edit)
			}
			fn(t, srv, c)
			// Each backend speaks its own wire only.
			ews, gr := len(mailOps(srv)), len(srv.GraphRequests())
			if b == BackendGraph && (ews != 0 || gr == 0) || b == BackendEWS && gr != 0 {
				t.Errorf("backend %s sent %d EWS and %d Graph requests", b, ews, gr)
			}
		})
	}
}

// newGraphClient returns a graph-backend client for srv's first user, with the app testGraphApp; edit, if not
// nil, changes the config first.
func newGraphClient(t *testing.T, srv *testserver.Server, edit func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		Backend:       BackendGraph,
		GraphEndpoint: srv.GraphURL(),
		AuthorityHost: srv.GraphURL(),
		App: &OAuth2App{TenantID: testGraphApp.TenantID, ClientID: testGraphApp.ClientID,
			ClientSecret: testGraphApp.ClientSecret, HTTPClient: srv.Client()},
		EmailAddress: srv.Email(),
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New (graph): %v", err)
	}
	return c
}

// wireRequests counts the requests srv received over both wires (EWS operations and Graph requests).
func wireRequests(srv *testserver.Server) int {
	return len(mailOps(srv)) + len(srv.GraphRequests())
}

// sameID says whether two ids name the same object: the fake server's EWS id and its Graph id (restId or
// restImmutableEntryId) do.
func sameID(a, b string) bool { return testserver.EWSID(a) == testserver.EWSID(b) }
