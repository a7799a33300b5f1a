package connector_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/connector"
)

func TestConfigBackendKeys(t *testing.T) {
	app := connector.Config{AuthType: "oauth2", TenantID: "t", ClientID: "c", ClientSecret: "s", EmailAddress: "soc@contoso.com"}
	for _, tc := range []struct {
		name     string
		edit     func(*connector.Config)
		backend  ews.Backend
		url, key string // the client's URL, or the key an InvalidConfig names
	}{
		{"default is ews", func(c *connector.Config) {}, ews.BackendEWS, "https://outlook.office365.com/EWS/Exchange.asmx", ""},
		{"graph", func(c *connector.Config) { c.Backend = "graph" }, ews.BackendGraph, "https://graph.microsoft.com/v1.0", ""},
		{"graph in GCC High", func(c *connector.Config) { c.Backend, c.Cloud = "graph", "gcchigh" }, ews.BackendGraph, "https://graph.microsoft.us/v1.0", ""},
		{"graph endpoint given", func(c *connector.Config) { c.Backend, c.GraphEndpoint = "GRAPH", "https://graph.example.test" }, ews.BackendGraph, "https://graph.example.test/v1.0", ""},
		{"auto on Exchange Online", func(c *connector.Config) { c.Backend = "auto" }, ews.BackendGraph, "https://graph.microsoft.com/v1.0", ""},
		{"auto on the DoD host", func(c *connector.Config) { c.Backend, c.Host = "auto", "webmail.apps.mil" }, ews.BackendGraph, "https://dod-graph.microsoft.us/v1.0", ""},
		{"auto on premises", func(c *connector.Config) { c.Backend, c.Host = "auto", "mail.contoso.com" }, ews.BackendEWS, "https://mail.contoso.com/EWS/Exchange.asmx", ""},
		{"graph with ntlm", func(c *connector.Config) { c.Backend, c.AuthType, c.Username, c.Password = "graph", "ntlm", "u", "p" }, "", "", "auth_type"},
		{"graph without mailbox", func(c *connector.Config) { c.Backend, c.EmailAddress = "graph", "" }, "", "", "email_address"},
		{"graph without client", func(c *connector.Config) { c.Backend, c.ClientID = "graph", "" }, "", "", "client_id"},
		{"bad graph endpoint", func(c *connector.Config) { c.Backend, c.GraphEndpoint = "graph", "https://graph.example.test/v1.0" }, "", "", "graph_endpoint"},
		{"bad authority", func(c *connector.Config) { c.Backend, c.AuthorityHost = "graph", "ftp://login.example" }, "", "", "authority_host"},
		{"unknown backend", func(c *connector.Config) { c.Backend = "rest" }, "", "", "backend"},
		{"unknown cloud", func(c *connector.Config) { c.Cloud = "mars" }, "", "", "cloud"},
	} {
		cfg := app
		tc.edit(&cfg)
		c, err := connector.NewClient(cfg)
		if tc.key != "" {
			var ce *connector.Error
			if !errors.As(err, &ce) || ce.Code != connector.CodeInvalidConfig || (ce.Param != tc.key && !strings.Contains(ce.Message, tc.key)) {
				t.Errorf("%s: err = %v, want InvalidConfig naming %s", tc.name, err, tc.key)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if c.Backend() != tc.backend || c.URL() != tc.url {
			t.Errorf("%s: backend %s at %s, want %s at %s", tc.name, c.Backend(), c.URL(), tc.backend, tc.url)
		}
	}
}

// TestGraphBackendRefusals: the operations Graph cannot do yet answer NotSupportedByBackend, before any request.
func TestGraphBackendRefusals(t *testing.T) {
	srv, cfg := setupGraph(t)
	id := addMail(srv, "inbox", "Alpha", "x@evil.example", false, t0, nil)
	for _, c := range []struct{ op, params string }{
		{"mark_as_junk", fmt.Sprintf(`{"message_id": %q}`, id)},
		{"find_folders", `{"folder_name": "x", "parent_folder": "Recoverable Items"}`},
	} {
		execFail(t, cfg, c.op, c.params, connector.CodeNotSupportedByBackend, "graph backend")
	}
	for _, r := range srv.GraphRequests() {
		if r.Method != "GET" {
			t.Errorf("a refused operation sent %s %s", r.Method, r.Path)
		}
	}
}
