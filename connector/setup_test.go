package connector_test

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

// setup starts a fake server and returns it with a configuration for its default user over NTLM.
func setup(t *testing.T, opts ...testserver.Option) (*testserver.Server, connector.Config) {
	t.Helper()
	srv := testserver.New(t, opts...)
	return srv, connector.Config{Host: srv.URL, Username: srv.Username(), Password: srv.Password(),
		EmailAddress: srv.Email(), AuthType: "ntlm"}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// result is a decoded connector result.
type result struct {
	Status  string          `json:"status"`
	Data    json.RawMessage `json:"data"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
}

// execJSON runs an operation through Execute and returns its result as JSON and decoded.
func execJSON(t *testing.T, cfg connector.Config, op, params string) (result, []byte, error) {
	t.Helper()
	res, err := connector.Execute(testCtx(t), cfg, op, json.RawMessage(params))
	b, merr := json.Marshal(res)
	if merr != nil {
		t.Fatalf("%s: marshal result: %v", op, merr)
	}
	var r result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: result %s: %v", op, b, err)
	}
	return r, b, err
}

// execOK runs an operation that must succeed and decodes its data into out.
func execOK(t *testing.T, cfg connector.Config, op, params string, out any) {
	t.Helper()
	r, b, err := execJSON(t, cfg, op, params)
	if err != nil || r.Status != "Success" {
		t.Fatalf("%s %s: err %v, result %s", op, params, err, b)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatalf("%s: data %s: %v", op, r.Data, err)
		}
	}
}

// execFail runs an operation that must fail and checks the error result's code and that the message names want.
func execFail(t *testing.T, cfg connector.Config, op, params, code, want string) *connector.Error {
	t.Helper()
	r, b, err := execJSON(t, cfg, op, params)
	var ce *connector.Error
	if !errors.As(err, &ce) {
		t.Fatalf("%s %s: err = %v (%T), want *connector.Error", op, params, err, err)
	}
	if r.Status != "Error" || r.Code != code || ce.Code != code || !strings.Contains(r.Message, want) {
		t.Errorf("%s %s: result %s, want code %s and a message naming %q", op, params, b, code, want)
	}
	var keys map[string]any
	_ = json.Unmarshal(b, &keys)
	if got := sortedKeys(keys); strings.Join(got, ",") != "code,message,status" {
		t.Errorf("%s: error result keys %v, want code, message, status", op, got)
	}
	return ce
}

func sortedKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// noRequests fails the test if the server received any EWS request.
func noRequests(t *testing.T, srv *testserver.Server, what string) {
	t.Helper()
	for _, r := range srv.Requests() {
		if r.Operation != "" {
			t.Errorf("%s: the server received %s; bad input must be refused before any request", what, r.Operation)
		}
	}
}

// setupFunc starts a fake server and returns it with a configuration for its default user.
type setupFunc func(t *testing.T, opts ...testserver.Option) (*testserver.Server, connector.Config)

// testGraphApp is the application registration the fake server's token endpoint knows in the tests.
var testGraphApp = testserver.GraphApp{TenantID: "contoso.onmicrosoft.com", ClientID: "app-1", ClientSecret: "s3cret-value"}

// setupGraph is setup for the graph backend: app-only OAuth2 from the fake server's token endpoint
// (authority_host) to its Graph endpoint (graph_endpoint), which serves the same mailboxes as its EWS endpoint.
func setupGraph(t *testing.T, opts ...testserver.Option) (*testserver.Server, connector.Config) {
	t.Helper()
	srv := testserver.New(t, append([]testserver.Option{testserver.WithGraphApp(testGraphApp)}, opts...)...)
	return srv, connector.Config{Backend: "graph", GraphEndpoint: srv.GraphURL(), AuthorityHost: srv.GraphURL(),
		TenantID: testGraphApp.TenantID, ClientID: testGraphApp.ClientID, ClientSecret: testGraphApp.ClientSecret,
		EmailAddress: srv.Email()}
}

// overBackends runs fn as a subtest over each backend, "ews" and "graph"; fn's setup makes the server and the
// configuration of that backend. Each backend must speak its own wire only.
func overBackends(t *testing.T, fn func(t *testing.T, setup setupFunc)) {
	t.Helper()
	for _, b := range []struct {
		name  string
		setup setupFunc
	}{{"ews", setup}, {"graph", setupGraph}} {
		t.Run(b.name, func(t *testing.T) {
			var srv *testserver.Server
			fn(t, func(t *testing.T, opts ...testserver.Option) (*testserver.Server, connector.Config) {
				s, cfg := b.setup(t, opts...)
				srv = s
				return s, cfg
			})
			if srv == nil {
				t.Fatal("the test did not start its server with the backend's setup")
			}
			ewsOps := 0
			for _, r := range srv.Requests() {
				if r.Operation != "" {
					ewsOps++
				}
			}
			if gr := len(srv.GraphRequests()); b.name == "graph" && (ewsOps != 0 || gr == 0) || b.name == "ews" && gr != 0 {
				t.Errorf("backend %s sent %d EWS and %d Graph requests", b.name, ewsOps, gr)
			}
		})
	}
}

// sameID says whether two ids name the same object: the fake server's EWS id and its Graph ids (restId,
// restImmutableEntryId) do.
func sameID(a, b string) bool { return testserver.EWSID(a) == testserver.EWSID(b) }
