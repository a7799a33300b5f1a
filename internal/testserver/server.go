// Package testserver is an in-process fake Exchange Web Services server for tests: real HTTP (plain or TLS) on
// httptest, real NTLM, Basic and Bearer authentication, stateful mailboxes with folders and items, and EWS
// operations answered as Microsoft documents them.
package testserver

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Default credentials of the server's first user.
const (
	DefaultDomain   = "CORP"
	DefaultUser     = "alice"
	DefaultPassword = "Secret-Passw0rd!"
	DefaultEmail    = "alice@example.com"
)

// EWSPath is the path the server serves EWS on.
const EWSPath = "/EWS/Exchange.asmx"

// User is an account that can authenticate.
type User struct {
	// Username is "DOMAIN\user", "user@domain" (UPN) or a bare user name.
	Username string
	Password string
	// Email is the primary SMTP address of the user's own mailbox.
	Email string
	// CanImpersonate grants the ApplicationImpersonation role.
	CanImpersonate bool

	app bool // an app-only OAuth2 token (WithAppToken): no mailbox of its own, must impersonate
}

// ServerVersion is what the server reports in its ServerVersionInfo header.
type ServerVersion struct {
	MajorVersion, MinorVersion, MajorBuildNumber, MinorBuildNumber int
	Version                                                        string
}

// Option configures a Server.
type Option func(*Server)

// WithTLS serves https instead of http, with httptest's self-signed certificate (see Server.Certificate).
func WithTLS() Option { return func(s *Server) { s.tls = true } }

// WithUser adds an account and its mailbox.
func WithUser(u User) Option { return func(s *Server) { s.addUser(u) } }

// WithAuth sets the authentication schemes the server offers and accepts: any of "NTLM", "Negotiate", "Basic",
// "Bearer". The default is NTLM and Basic, like Exchange on premises.
func WithAuth(schemes ...string) Option {
	return func(s *Server) { s.schemes = schemes }
}

// WithToken accepts an OAuth2 bearer token for the user whose mailbox is email.
func WithToken(token, email string) Option {
	return func(s *Server) {
		s.tokens[token] = email
		if !s.offers("Bearer") {
			s.schemes = append(s.schemes, "Bearer")
		}
	}
}

// WithAppToken accepts an app-only OAuth2 token, as Microsoft's identity platform issues for client credentials
// with the full_access_as_app permission: it acts on any mailbox of the server, and only by impersonation, as
// Exchange Online requires (a request without an ExchangeImpersonation header is refused with
// ErrorInvalidExchangeImpersonationHeaderData).
func WithAppToken(token string) Option {
	return func(s *Server) {
		s.appTokens = append(s.appTokens, token)
		if !s.offers("Bearer") {
			s.schemes = append(s.schemes, "Bearer")
		}
	}
}

// WithVersion sets the ServerVersionInfo the server reports.
func WithVersion(v ServerVersion) Option {
	return func(s *Server) { s.version, s.versionSet = v, true }
}

// WithGzip makes the server compress its EWS responses with gzip for clients whose Accept-Encoding allows it,
// as IIS does with dynamic compression turned on.
func WithGzip() Option { return func(s *Server) { s.gzip = true } }

// WithListener serves on l instead of a listener on a random local port (ews fake-server serves on the address
// the user asks for). The server closes l when it closes.
func WithListener(l net.Listener) Option { return func(s *Server) { s.listener = l } }

// WithClock sets the server's clock (the default is time.Now).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.clock = now } }

// Server is a fake EWS server.
type Server struct {
	// noCapture keeps this server's traffic out of CaptureEnv: set by tests that send, on purpose, what a
	// release's schema lacks (as other clients do), which is not a request shape of the SDK.
	noCapture bool
	// URL is the EWS endpoint, e.g. http://127.0.0.1:1234/EWS/Exchange.asmx.
	URL string
	// HTTP is the underlying httptest server.
	HTTP *httptest.Server

	mu        sync.Mutex
	tls       bool
	schemes   []string
	users     []*User
	tokens    map[string]string // bearer token -> mailbox address
	appTokens []string          // app-only bearer tokens
	mailboxes map[string]*Mailbox
	delegates map[string]map[string]bool // owner address -> delegate address -> granted
	dlists    map[string]*distList       // lower-case address -> public distribution list (resolve_names.go)
	version   ServerVersion
	// personality, if set, makes the server behave as one release of Exchange (personality.go).
	personality *Personality
	// stateEndpoint serves StatePath (state.go).
	stateEndpoint bool
	// versionSet records WithVersion: such a server keeps its version whatever PersonalityEnv says.
	versionSet bool
	clock      func() time.Time
	requests   []RequestInfo
	hooks      []Hook
	listener   net.Listener
	notify     notifyState
	faults     []Fault // see faults.go
	inFlight   int
	delaying   int // requests held by a Delay fault
	// maxInFlight is the most authenticated EWS requests in progress at once.
	maxInFlight int
	// cachedXML is the size of the item XML the server caches (item_cache.go).
	cachedXML int
	// gzip makes the server compress responses for clients that accept it (WithGzip).
	gzip bool
	// conns counts the connections accepted.
	conns atomic.Int64
	// The Graph endpoint (graph.go): registered applications, injected faults, requests received.
	graphApps     []GraphApp
	graphFaults   []*GraphFault
	graphRequests []GraphRequest
	graphUploads  map[string]*uploadSession // open attachment upload sessions (graph_upload.go), by token
	// sent holds every message sent, in order (Sent).
	sent []Item
	// kerberos verifies Kerberos tickets of Negotiate (kerberos.go), when a keytab was given.
	kerberos *kerberosVerifier
}

// RequestInfo records one request the server received, for tests to inspect.
type RequestInfo struct {
	Operation     string // local name of the Body element, "" if none
	AuthScheme    string // scheme of the Authorization header, "" if none (or an authenticated NTLM connection)
	User          string // authenticated account, "" if none
	Impersonating string // ConnectingSID address, if any
	Version       string // RequestServerVersion
	TimeZone      string // TimeZoneContext id
	Body          []byte // the raw request body
	// Fault names the fault injected into this request (see Fault), "" if none. Faults of the kinds that
	// answer after handling (ResetAfter, Truncate, Malformed...) leave the request carried out.
	Fault string
	// Unhandled is true for a request a fault answered before the server carried it out, or that the server
	// refused before carrying it out (schema violation, unknown RequestServerVersion): it changed nothing.
	Unhandled bool
	// AcceptEncoding is the request's Accept-Encoding header.
	AcceptEncoding string
	// Gzip tells whether the response was gzip-compressed (WithGzip).
	Gzip bool

	rejected bool
}

// Hook runs before every request is handled. It may write a response and return true to take the request
// over (fault injection).
type Hook func(w http.ResponseWriter, r *http.Request, n int) bool

// New starts a server and stops it when the test ends. Without WithUser it has one user, CORP\alice, whose
// mailbox is alice@example.com.
func New(t testing.TB, opts ...Option) *Server {
	s := NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

// NewServer starts a server outside a test; the caller must Close it.
func NewServer(opts ...Option) *Server {
	s := &Server{
		tokens:    map[string]string{},
		mailboxes: map[string]*Mailbox{},
		delegates: map[string]map[string]bool{},
		version:   Exchange2019.version,
		clock:     time.Now,
		schemes:   []string{"NTLM", "Basic"},
	}
	s.notify.init()
	for _, o := range opts {
		o(s)
	}
	if len(s.users) == 0 {
		s.addUser(User{Username: DefaultDomain + `\` + DefaultUser, Password: DefaultPassword, Email: DefaultEmail})
	}
	if name := os.Getenv(PersonalityEnv); name != "" && s.personality == nil && !s.versionSet {
		p, ok := PersonalityNamed(name)
		if !ok {
			panic("testserver: " + PersonalityEnv + "=" + name + " names no personality")
		}
		WithPersonality(p)(s)
	}
	s.HTTP = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	if s.listener != nil {
		_ = s.HTTP.Listener.Close()
		s.HTTP.Listener = s.listener
	}
	s.HTTP.Config.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
		s.conns.Add(1)
		return context.WithValue(ctx, connKey{}, &connState{})
	}
	if s.tls {
		s.HTTP.StartTLS()
	} else {
		s.HTTP.Start()
	}
	s.URL = s.HTTP.URL + EWSPath
	return s
}

// Close shuts the server down.
func (s *Server) Close() {
	s.stopStreams()
	s.HTTP.Close()
}

// Client returns an *http.Client that trusts the server's TLS certificate.
func (s *Server) Client() *http.Client { return s.HTTP.Client() }

// Username, Password and Email of the first user.
func (s *Server) Username() string { return s.users[0].Username }

// Password returns the first user's password.
func (s *Server) Password() string { return s.users[0].Password }

// Email returns the first user's mailbox address.
func (s *Server) Email() string { return s.users[0].Email }

// Default returns the first user's mailbox.
func (s *Server) Default() *Mailbox { return s.Mailbox(s.users[0].Email) }

// AddMailbox creates a mailbox without a user account (for impersonation and delegate tests) and returns it.
func (s *Server) AddMailbox(address, displayName string) *Mailbox {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addMailboxLocked(address, displayName)
}

func (s *Server) addMailboxLocked(address, displayName string) *Mailbox {
	key := strings.ToLower(address)
	if mb, ok := s.mailboxes[key]; ok {
		return mb
	}
	if displayName == "" {
		displayName = address[:max(0, strings.IndexByte(address, '@'))]
	}
	mb := newMailbox(s, address, displayName)
	s.mailboxes[key] = mb
	return mb
}

// GrantDelegate gives the user whose mailbox is delegate full access to owner's mailbox.
func (s *Server) GrantDelegate(owner, delegate string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := strings.ToLower(owner)
	if s.delegates[o] == nil {
		s.delegates[o] = map[string]bool{}
	}
	s.delegates[o][strings.ToLower(delegate)] = true
}

// AddHook adds a hook that runs before every request (see Hook).
func (s *Server) AddHook(h Hook) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks = append(s.hooks, h)
}

// Requests returns what the server has received so far.
func (s *Server) Requests() []RequestInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RequestInfo(nil), s.requests...)
}

// AddMessage stores a message in a folder of the default mailbox and returns its id (see Mailbox.AddItem).
func (s *Server) AddMessage(folder string, it Item) string {
	if it.ItemClass == "" {
		it.ItemClass = "IPM.Note"
	}
	return s.Default().AddItem(folder, it)
}

// Item returns a copy of an item of any mailbox by id (its EWS id, or its Graph id: see GraphID).
func (s *Server) Item(id string) (Item, bool) {
	id = EWSID(id)
	addr, _, ok := decodeID(id)
	if !ok {
		return Item{}, false
	}
	mb := s.Mailbox(addr)
	if mb == nil {
		return Item{}, false
	}
	return mb.Item(id)
}

func (s *Server) addUser(u User) {
	s.users = append(s.users, &u)
	s.addMailboxLocked(u.Email, "")
}

func (s *Server) offers(scheme string) bool {
	for _, x := range s.schemes {
		if strings.EqualFold(x, scheme) {
			return true
		}
	}
	return false
}

func (s *Server) now() time.Time { return s.clock().UTC().Truncate(time.Second) }

// notifyLocked is called for every change of an item; the change log feeds synchronisation and notifications.
func (s *Server) notifyLocked(mb *Mailbox, kind string, it *Item) {
	mb.gen++
	switch kind {
	case "CreatedEvent":
		it.contentHash = contentHash(it)
	case "ModifiedEvent":
		if h := contentHash(it); h != it.contentHash {
			it.contentHash = h
			it.contentVersion++
		}
	}
	now := s.now()
	mb.logLocked(change{kind: kind, itemID: it.ID, changeKey: it.ChangeKey, folderID: it.FolderID, time: now})
	it.lastChange = len(mb.changes)
	if kind == "CreatedEvent" && mb.arriving && it.Kind() == "message" && !it.IsDraft {
		mb.logLocked(change{kind: "NewMailEvent", itemID: it.ID, changeKey: it.ChangeKey, folderID: it.FolderID, time: now})
	}
	s.wakeLocked()
}

// change is one entry of a mailbox's change log.
type change struct {
	seq       int    // position in the log, from 1
	kind      string // CreatedEvent, ModifiedEvent, DeletedEvent, MovedEvent, CopiedEvent, NewMailEvent
	itemID    string
	changeKey string
	folderID  string // the item's folder (for a deletion, the folder it was in)
	time      time.Time
}

func (mb *Mailbox) logLocked(c change) {
	c.seq = len(mb.changes) + 1
	mb.changes = append(mb.changes, c)
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.URL.Path, EWSPath) {
		if strings.HasPrefix(r.URL.Path, GraphPath+"/") {
			s.serveGraph(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, graphUploadPath) {
			s.serveUpload(w, r)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token") {
			s.serveToken(w, r)
			return
		}
		if h := s.extraHandler(r.URL.Path); h != nil {
			h(w, r)
			return
		}
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	hooks := append([]Hook(nil), s.hooks...)
	n := len(s.requests) + 1
	s.mu.Unlock()
	for _, h := range hooks {
		if h(w, r, n) {
			return
		}
	}
	user, scheme, ok := s.authenticate(w, r)
	if !ok {
		s.record(RequestInfo{AuthScheme: scheme})
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		return
	}
	done := s.track()
	defer done()
	if s.injectFault(w, r, user, scheme, body) {
		return
	}
	gz := s.gzip && acceptsGzip(r.Header.Get("Accept-Encoding"))
	resp, status, st := s.answerTo(user, scheme, body, "", func(info *RequestInfo) {
		info.AcceptEncoding = r.Header.Get("Accept-Encoding")
		info.Gzip = gz
	})
	if st != nil {
		s.serveStream(w, r, st) // writes (and captures) its own envelopes
		return
	}
	// The response is written without the server's lock, from a pooled buffer.
	defer putRespBuf(resp)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	if gz {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Add("Vary", "Accept-Encoding")
		w.WriteHeader(status)
		writeGzip(w, resp)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(resp)))
	w.WriteHeader(status)
	_, _ = w.Write(resp)
}

// Connections returns the number of TCP connections the server has accepted.
func (s *Server) Connections() int { return int(s.conns.Load()) }

// answer handles an authenticated EWS request and records it; fault names the fault injected into its answer,
// if any.
func (s *Server) answer(user *User, scheme string, body []byte, fault string) ([]byte, int) {
	resp, status, _ := s.answerTo(user, scheme, body, fault, nil)
	return resp, status
}

// answerTo is answer for requests that may be answered with a stream of envelopes (GetStreamingEvents): it
// returns the stream to serve instead of resp. note, if not nil, completes the record of the request.
func (s *Server) answerTo(user *User, scheme string, body []byte, fault string, note func(*RequestInfo)) ([]byte, int, *stream) {
	req := &request{srv: s, user: user, raw: body}
	info := RequestInfo{AuthScheme: scheme, User: user.Username, Body: body, Fault: fault}
	resp, status := req.handle(&info)
	if note != nil {
		note(&info)
	}
	s.record(info)
	// A request the server rejected as malformed is a test's deliberate bad input, not a shape the SDK sends.
	if !info.rejected {
		s.capture("req", info.Operation, body)
	}
	if req.stream != nil && status == http.StatusOK {
		return nil, status, req.stream
	}
	s.capture("resp", info.Operation, resp)
	return resp, status, nil
}

func (s *Server) record(info RequestInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, info)
}

// extraHandlers serve paths other than EWS (autodiscover).
var extraHandlers = map[string]func(s *Server) http.HandlerFunc{}

func (s *Server) extraHandler(path string) http.HandlerFunc {
	for p, h := range extraHandlers {
		if strings.EqualFold(p, path) {
			return h(s)
		}
	}
	return nil
}

// soapFault is a fault a handler returns to answer with a SOAP fault (HTTP 500).
type soapFault struct {
	code    string // EWS ResponseCode, e.g. ErrorSchemaValidation
	message string
	details map[string]string
	// violation, line and pos make a schema-validation fault in Exchange's form (MessageXml with LineNumber,
	// LinePosition and Violation).
	violation string
	line, pos int
}

func (f *soapFault) Error() string { return f.code + ": " + f.message }

func faultf(code, format string, args ...any) *soapFault {
	return &soapFault{code: code, message: fmt.Sprintf(format, args...)}
}
