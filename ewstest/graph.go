package ewstest

import (
	"time"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/internal/testserver"
)

// The application registration GraphConfig uses; the server's token endpoint knows it.
var graphApp = testserver.GraphApp{TenantID: "contoso.onmicrosoft.com", ClientID: "ewstest-app", ClientSecret: "ewstest-secret"}

// GraphURL returns the server's Microsoft Graph service root (it serves the same mailboxes over Graph v1.0).
func (s *Server) GraphURL() string { return s.srv.GraphURL() }

// GraphConfig returns an ews.Config for the first user's mailbox over the graph backend: the server as Graph
// endpoint and as sign-in host (its token endpoint gives app-only tokens to an application it knows), and retries
// without long waits. The same mailbox state is served over EWS (Config) and Graph (GraphConfig), so one test can
// run over both backends.
func (s *Server) GraphConfig() ews.Config {
	s.graphApp.Do(func() { s.srv.AddGraphApp(graphApp) })
	return ews.Config{
		Backend:       ews.BackendGraph,
		GraphEndpoint: s.srv.GraphURL(),
		AuthorityHost: s.srv.GraphURL(),
		App: &ews.OAuth2App{TenantID: graphApp.TenantID, ClientID: graphApp.ClientID, ClientSecret: graphApp.ClientSecret,
			HTTPClient: s.srv.Client()},
		EmailAddress: s.srv.Email(),
		Retry:        &ews.RetryPolicy{BaseDelay: 10 * time.Millisecond, MaxDelay: 100 * time.Millisecond},
	}
}

// SameID reports whether two ids name the same message, event, contact or folder of the server: its EWS id
// (what the EWS backend returns) and its Graph ids (what the graph backend returns: REST immutable ids, or REST
// ids) do. The two backends name the same object differently, as Exchange Online does.
func SameID(a, b string) bool { return testserver.EWSID(a) == testserver.EWSID(b) }
