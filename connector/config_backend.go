package connector

import (
	"strings"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/internal/redact"
)

// backend reads the keys backend, cloud, graph_endpoint and authority_host into ec and returns the backend in
// use: auto is resolved here (graph for an Exchange Online host, which is the default host with oauth2), so that
// the token is asked for with the right scope.
func (c *Config) backend(ec *ews.Config, auth string) (ews.Backend, error) {
	b, ok := choose(c.Backend, []string{"ews", "graph", "auto"})
	if c.Backend != "" && !ok {
		return "", configErr("backend", "backend %q is not one of ews, graph, auto", c.Backend)
	}
	ec.GraphEndpoint, ec.AuthorityHost = strings.TrimSpace(c.GraphEndpoint), strings.TrimSpace(c.AuthorityHost)
	var cloud *ews.Cloud
	if c.Cloud != "" {
		cl, ok := ews.CloudNamed(c.Cloud)
		if !ok {
			return "", configErr("cloud", "cloud %q is not one of global, gcchigh, dod, china", c.Cloud)
		}
		cloud = &cl
	}
	if b == "auto" {
		host := ec.Host
		if host == "" && auth == "oauth2" && !c.UseAutodiscover {
			host = DefaultOffice365Host
		}
		b = "ews"
		if cl, ok := ews.CloudOfHost(host); ok && !c.UseAutodiscover {
			b = "graph"
			if cloud == nil {
				cloud = &cl
			}
		}
	}
	if cloud != nil {
		if ec.GraphEndpoint == "" {
			ec.GraphEndpoint = cloud.GraphEndpoint
		}
		if ec.AuthorityHost == "" {
			ec.AuthorityHost = cloud.AuthorityHost
		}
	}
	if b == "" {
		b = "ews"
	}
	return ews.Backend(b), nil
}

// graphConfig completes ec for the graph backend: app-only OAuth2 with the ".default" scope of the Graph
// endpoint, for the mailbox email_address.
func (c *Config) graphConfig(ec ews.Config, access string, sec *redact.Set) (ews.Config, error) {
	if a := strings.ToLower(c.AuthType); a != "" && a != "oauth2" {
		return ews.Config{}, configErr("auth_type", "auth_type %q cannot be used with backend graph; Microsoft Graph takes auth_type oauth2 (tenant_id, client_id, client_secret)", c.AuthType)
	}
	if c.UseAutodiscover {
		return ews.Config{}, configErr("use_autodiscover", "use_autodiscover cannot be used with backend graph (Graph has one endpoint per cloud: graph_endpoint)")
	}
	if ec.EmailAddress == "" {
		return ews.Config{}, configErr("email_address", "email_address is required with backend graph (the mailbox to act on)")
	}
	ep := ec.GraphEndpoint
	if ep == "" {
		ep = ews.CloudGlobal.GraphEndpoint
	}
	ts, err := c.tokenSource("", strings.TrimRight(ep, "/")+"/.default", ec.AuthorityHost, sec)
	if err != nil {
		return ews.Config{}, err
	}
	ec.Backend = ews.BackendGraph
	ec.Auth = ews.AuthOAuth2
	ec.TokenSource = ts
	ec.Host, ec.Username, ec.Password = "", "", ""
	ec.AccessType = ews.AccessType(access)
	return ec, nil
}
