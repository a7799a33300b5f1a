package graph

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Cloud is a Microsoft cloud: its Graph service root and its sign-in host (Microsoft Entra ID), from
// Microsoft's "Microsoft Graph national cloud deployments".
type Cloud struct {
	GraphEndpoint string
	AuthorityHost string
}

// Clouds are the named presets, by the name a configuration gives.
var Clouds = map[string]Cloud{
	"global":  {GraphEndpoint: "https://graph.microsoft.com", AuthorityHost: "https://login.microsoftonline.com"},
	"gcchigh": {GraphEndpoint: "https://graph.microsoft.us", AuthorityHost: "https://login.microsoftonline.us"},
	"dod":     {GraphEndpoint: "https://dod-graph.microsoft.us", AuthorityHost: "https://login.microsoftonline.us"},
	"china":   {GraphEndpoint: "https://microsoftgraph.chinacloudapi.cn", AuthorityHost: "https://login.chinacloudapi.cn"},
}

// DefaultAuthorityHost is the sign-in host of the global cloud.
const DefaultAuthorityHost = "https://login.microsoftonline.com"

// AppCredentials are the client-credentials (app-only) grant of an application registration.
type AppCredentials struct {
	TenantID     string
	ClientID     string
	ClientSecret string
	// AuthorityHost is the sign-in host; empty means DefaultAuthorityHost.
	AuthorityHost string
	// GraphEndpoint is the Graph service root the token is for; empty means DefaultEndpoint. The scope asked for
	// is its ".default" ("https://graph.microsoft.us/.default" in GCC High).
	GraphEndpoint string
}

// TokenURL is {authority_host}/{tenant_id}/oauth2/v2.0/token.
func (a AppCredentials) TokenURL() (string, error) {
	host := a.AuthorityHost
	if host == "" {
		host = DefaultAuthorityHost
	}
	u, err := url.Parse(strings.TrimRight(host, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", errors.New("graph: the authority host is not an http(s) URL")
	}
	if a.TenantID == "" || strings.ContainsAny(a.TenantID, "/?#") {
		return "", errors.New("graph: the tenant id is empty or not a single path segment")
	}
	return u.String() + "/" + url.PathEscape(a.TenantID) + "/oauth2/v2.0/token", nil
}

// Scope is the ".default" scope of the Graph endpoint.
func (a AppCredentials) Scope() string {
	ep := a.GraphEndpoint
	if ep == "" {
		ep = DefaultEndpoint
	}
	return strings.TrimRight(ep, "/") + "/.default"
}

// TokenSource returns a cached, refreshing token source for the credentials (client secret). ctx carries the
// *http.Client that fetches tokens (oauth2.HTTPClient), if any.
func (a AppCredentials) TokenSource(ctx context.Context) (oauth2.TokenSource, error) {
	tu, err := a.TokenURL()
	if err != nil {
		return nil, err
	}
	if a.ClientID == "" || a.ClientSecret == "" {
		return nil, errors.New("graph: the client id or the client secret is empty")
	}
	cc := clientcredentials.Config{ClientID: a.ClientID, ClientSecret: a.ClientSecret, TokenURL: tu,
		Scopes: []string{a.Scope()}, AuthStyle: oauth2.AuthStyleInParams}
	return cc.TokenSource(ctx), nil
}
