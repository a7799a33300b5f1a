package testserver

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
)

// The fake server's Microsoft Graph v1.0 endpoint: the same mailboxes as its EWS endpoint, under
// {URL of the server}/v1.0/users/{address}/..., in the JSON shapes of Graph's v1.0 reference, with bearer
// authentication (WithToken for a delegated token, WithAppToken or WithGraphApp for app-only), paging with
// @odata.nextLink, the $filter subset the SDK renders, $search, $batch, and injected faults (GraphFault).
// Ids are the EWS side's; a request with Prefer: IdType="ImmutableId" keeps a message's id when it moves.

// GraphPath is the path prefix of the Graph endpoint.
const GraphPath = "/v1.0"

// GraphURL returns the Graph endpoint's service root (without the version), to use as Config.GraphEndpoint:
// "http://127.0.0.1:1234".
func (s *Server) GraphURL() string { return s.HTTP.URL }

// GraphApp is an application registration the fake token endpoint knows: a client-credentials grant for it
// at {URL}/{TenantID}/oauth2/v2.0/token, with the ".default" scope, gets an app-only token.
type GraphApp struct {
	TenantID, ClientID, ClientSecret string
}

// WithGraphApp registers an application for the token endpoint (client secret).
func WithGraphApp(app GraphApp) Option {
	return func(s *Server) {
		s.graphApps = append(s.graphApps, app)
		if !s.offers("Bearer") {
			s.schemes = append(s.schemes, "Bearer")
		}
	}
}

// AddGraphApp registers an application for the token endpoint of a running server (see WithGraphApp); the
// authentication schemes of the EWS endpoint are left as they are.
func (s *Server) AddGraphApp(app GraphApp) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graphApps = append(s.graphApps, app)
}

// GraphRequest records one request to the Graph endpoint (a sub-request of a $batch is recorded too, with
// Batch set).
type GraphRequest struct {
	Method   string
	Path     string // unescaped, under /v1.0
	RawQuery string
	Prefer   string
	Auth     string // the Authorization scheme
	Status   int
	Fault    string // the fault injected, if any
	Batch    bool
}

// GraphRequests returns the Graph requests received so far.
func (s *Server) GraphRequests() []GraphRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]GraphRequest(nil), s.graphRequests...)
}

// GraphFault is a failure injected into Graph requests whose method (empty: any) and path (PathContains, empty:
// any) match: an answer with Status (429, 503, 504...) and a Retry-After header unless RetryAfter is empty.
// Before answering, the request is carried out when After is set (a 504 after the work was done). Times bounds
// how many requests it hits (0: every one). Faults apply to the sub-requests of a $batch too, which answer
// with the fault's status inside the batch's answer.
type GraphFault struct {
	Method       string
	PathContains string
	Status       int
	RetryAfter   string
	After        bool
	Times        int

	hits int
}

// AddGraphFault installs a fault (see GraphFault).
func (s *Server) AddGraphFault(f GraphFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graphFaults = append(s.graphFaults, &f)
}

// graphFaultLocked returns the first installed fault that hits a request, counting the hit.
func (s *Server) graphFaultLocked(method, path string) *GraphFault {
	for _, f := range s.graphFaults {
		if (f.Method == "" || strings.EqualFold(f.Method, method)) && strings.Contains(path, f.PathContains) &&
			(f.Times == 0 || f.hits < f.Times) {
			f.hits++
			return f
		}
	}
	return nil
}

// graphFaultBefore finds the fault that hits a request (counting the hit) and answers one that strikes before
// the work (handled); a fault with After is returned for graphFaultAfter.
func (s *Server) graphFaultBefore(w http.ResponseWriter, info *GraphRequest) (f *GraphFault, handled bool) {
	s.mu.Lock()
	f = s.graphFaultLocked(info.Method, info.Path)
	s.mu.Unlock()
	if f != nil && !f.After {
		info.Status, info.Fault = f.Status, "status"
		s.recordGraph(*info)
		writeFault(w, f)
		return nil, true
	}
	return f, false
}

// graphFaultAfter answers the fault f, if any, in place of the answer of the work done (handled).
func (s *Server) graphFaultAfter(w http.ResponseWriter, f *GraphFault, info *GraphRequest) (handled bool) {
	if f == nil {
		return false
	}
	info.Status, info.Fault = f.Status, "status after"
	s.recordGraph(*info)
	writeFault(w, f)
	return true
}

var graphTokens atomic.Int64

// serveToken is the token endpoint: {URL}/{tenant}/oauth2/v2.0/token, client-credentials grant only.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	tenant := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/"), "/oauth2/v2.0/token")
	if r.Method != http.MethodPost {
		tokenError(w, http.StatusMethodNotAllowed, "invalid_request", "The token endpoint takes POST.")
		return
	}
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "The request body must be a form.")
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "The grant type is not supported.")
		return
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, _ = url.QueryUnescape(u)
		secret, _ = url.QueryUnescape(p)
	}
	s.mu.Lock()
	var app *GraphApp
	for i := range s.graphApps {
		if s.graphApps[i].TenantID == tenant && s.graphApps[i].ClientID == id {
			app = &s.graphApps[i]
		}
	}
	s.mu.Unlock()
	switch {
	case app == nil:
		tokenError(w, http.StatusBadRequest, "unauthorized_client", "AADSTS700016: Application with identifier '"+id+"' was not found in the directory '"+tenant+"'.")
		return
	case app.ClientSecret != secret:
		tokenError(w, http.StatusUnauthorized, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
		return
	case !strings.HasSuffix(r.PostForm.Get("scope"), "/.default"):
		tokenError(w, http.StatusBadRequest, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).")
		return
	}
	tok := fmt.Sprintf("graph-app-token-%d", graphTokens.Add(1))
	s.mu.Lock()
	s.appTokens = append(s.appTokens, tok)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]any{"token_type": "Bearer", "expires_in": 3599,
		"ext_expires_in": 3599, "access_token": tok})
}

func tokenError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": code, "error_description": desc})
}

// graphAuth checks the bearer token: an app-only token acts on any mailbox, a delegated one on its own.
func (s *Server) graphAuth(r *http.Request) (app bool, email string, ok bool) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return false, "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if addr, ok := s.tokens[token]; ok {
		return false, addr, true
	}
	for _, t := range s.appTokens {
		if t == token {
			return true, "", true
		}
	}
	return false, "", false
}

// graphError is Graph's error answer.
type graphError struct {
	status        int
	code, message string
	header        map[string]string // headers of the answer, e.g. Location of a 410 Gone
}

func (e *graphError) Error() string { return e.code + ": " + e.message }

func gerr(status int, code, format string, args ...any) *graphError {
	return &graphError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// graphAnswer is what a Graph handler returns: a status, and a JSON value or raw bytes.
type graphAnswer struct {
	status      int
	json        any
	raw         []byte
	contentType string
}

func writeGraph(w http.ResponseWriter, a *graphAnswer, err *graphError) {
	w.Header().Set("request-id", "00000000-0000-0000-0000-000000000000")
	if err != nil {
		for k, v := range err.header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(err.status)
		_ = json.NewEncoder(w).Encode(errorJSON(err))
		return
	}
	switch {
	case a.raw != nil:
		w.Header().Set("Content-Type", a.contentType)
		w.WriteHeader(a.status)
		_, _ = w.Write(a.raw)
	case a.json != nil:
		w.Header().Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
		w.WriteHeader(a.status)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false) // Graph writes <, > and & as they are
		_ = enc.Encode(a.json)
	default:
		w.WriteHeader(a.status)
	}
}

func errorJSON(e *graphError) map[string]any {
	return map[string]any{"error": map[string]any{"code": e.code, "message": e.message,
		"innerError": map[string]any{"request-id": "00000000-0000-0000-0000-000000000000"}}}
}

// serveGraph serves one request to the Graph endpoint.
func (s *Server) serveGraph(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.EscapedPath(), GraphPath)
	info := GraphRequest{Method: r.Method, RawQuery: r.URL.RawQuery, Prefer: r.Header.Get("Prefer")}
	info.Path, _ = url.PathUnescape(path)
	info.Auth, _, _ = strings.Cut(r.Header.Get("Authorization"), " ")
	app, email, ok := s.graphAuth(r)
	if !ok {
		info.Status = http.StatusUnauthorized
		s.recordGraph(info)
		w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`)
		writeGraph(w, nil, gerr(http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty or not valid."))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		return
	}
	g := &graphCall{srv: s, app: app, email: email, method: r.Method, path: path, query: r.URL.Query(), body: body,
		immutable: strings.Contains(r.Header.Get("Prefer"), `IdType="ImmutableId"`), header: r.Header}
	f, handled := s.graphFaultBefore(w, &info)
	if handled {
		return
	}
	var a *graphAnswer
	var gE *graphError
	if path == "/$batch" && r.Method == http.MethodPost {
		a, gE = g.batch()
	} else {
		a, gE = g.routeIDs()
	}
	info.Status = statusOf(a, gE)
	if s.graphFaultAfter(w, f, &info) {
		return
	}
	s.recordGraph(info)
	writeGraph(w, a, gE)
	s.captureGraph(GraphExchange{Method: r.Method, Path: path, Query: r.URL.RawQuery, Status: info.Status}, body, answerJSON(a, gE))
}

// answerJSON is the JSON body of an answer (nil when it has none).
func answerJSON(a *graphAnswer, e *graphError) any {
	switch {
	case e != nil:
		return errorJSON(e)
	case a.json != nil:
		return a.json
	case a.raw != nil && strings.HasPrefix(a.contentType, "application/json"):
		return a.raw
	}
	return nil
}

func statusOf(a *graphAnswer, e *graphError) int {
	if e != nil {
		return e.status
	}
	return a.status
}

func writeFault(w http.ResponseWriter, f *GraphFault) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	code := map[int]string{429: "TooManyRequests", 503: "ServiceUnavailable", 504: "GatewayTimeout"}[f.Status]
	if code == "" {
		code = "InternalServerError"
	}
	writeGraph(w, nil, gerr(f.Status, code, "Injected fault."))
}

func (s *Server) recordGraph(info GraphRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graphRequests = append(s.graphRequests, info)
}

// graphCall is one Graph request (or $batch sub-request) being handled.
type graphCall struct {
	srv       *Server
	app       bool
	email     string
	method    string
	path      string // escaped, under /v1.0
	query     url.Values
	body      []byte
	immutable bool
	header    http.Header // the request's headers (nil for a $batch sub-request): Prefer, ConsistencyLevel
}
