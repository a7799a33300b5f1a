package testserver

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Paths of the two Autodiscover protocols.
const (
	AutodiscoverSOAPPath = "/autodiscover/autodiscover.svc"
	AutodiscoverPOXPath  = "/autodiscover/autodiscover.xml"
)

// Autodiscover namespaces and actions (SOAP: GetUserSettings; POX: the Outlook provider's 2006 schemas).
const (
	nsAutodiscover   = "http://schemas.microsoft.com/exchange/2010/Autodiscover"
	nsAddressing     = "http://www.w3.org/2005/08/addressing"
	nsXSI            = "http://www.w3.org/2001/XMLSchema-instance"
	actionGetUserSet = nsAutodiscover + "/Autodiscover/GetUserSettings"
	nsPoxRequest     = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
	nsPoxResponse    = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
	nsPoxOutlook     = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
)

func init() {
	extraHandlers[AutodiscoverSOAPPath] = func(s *Server) http.HandlerFunc { return s.serveAutodiscoverSOAP }
	extraHandlers[AutodiscoverPOXPath] = func(s *Server) http.HandlerFunc { return s.serveAutodiscoverPOX }
}

// AutodiscoverAnswer says how the server answers Autodiscover, SOAP (GetUserSettings) and POX alike, for an
// address. The zero value answers with the EWS URLs when the address has a mailbox on the server, and with
// InvalidUser otherwise.
type AutodiscoverAnswer struct {
	// ExternalEWSURL and InternalEWSURL are returned as ExternalEwsUrl and InternalEwsUrl (POX: the EwsUrl of the
	// EXPR and EXCH protocols). When both are empty the server's own EWS URL is returned as both.
	ExternalEWSURL, InternalEWSURL string
	// RedirectAddress answers RedirectAddress (POX: Action redirectAddr) with this address.
	RedirectAddress string
	// RedirectURL answers RedirectUrl (POX: Action redirectUrl) with this URL.
	RedirectURL string
	// HTTPRedirect answers every request, of any method and before authentication as an IIS redirect does, with
	// "302 Found" to this URL.
	HTTPRedirect string
	// Error answers with this Autodiscover ErrorCode: InvalidUser, InvalidDomain (per user), ServerBusy,
	// InvalidRequest, InternalServerError (for the whole request). POX has no codes of these names: InvalidUser
	// and InvalidDomain answer ErrorCode 500, ServerBusy answers HTTP 503, the others ErrorCode 603.
	Error string
	// Times, if positive, limits this answer to that many authenticated requests (or redirects); later requests
	// get the default answer.
	Times int
}

// autodiscoverState is a server's Autodiscover configuration.
type autodiscoverState struct {
	mu       sync.Mutex
	answers  map[string]*AutodiscoverAnswer // lower-case address ("" = default) -> answer
	disabled map[string]bool                // "soap", "pox"
}

var adStates sync.Map // *Server -> *autodiscoverState

func (s *Server) autodiscover() *autodiscoverState {
	st, _ := adStates.LoadOrStore(s, &autodiscoverState{answers: map[string]*AutodiscoverAnswer{}, disabled: map[string]bool{}})
	return st.(*autodiscoverState)
}

// SetAutodiscover sets how the server answers Autodiscover for address; address "" sets the answer for every
// address without one of its own.
func (s *Server) SetAutodiscover(address string, a AutodiscoverAnswer) {
	st := s.autodiscover()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.answers[strings.ToLower(address)] = &a
}

// DisableAutodiscover makes the server answer 404 on one protocol's path: "soap" (autodiscover.svc, as on
// Exchange 2007 or where SOAP Autodiscover is turned off) or "pox" (autodiscover.xml).
func (s *Server) DisableAutodiscover(protocol string) {
	st := s.autodiscover()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.disabled[strings.ToLower(protocol)] = true
}

// AutodiscoverURL returns the server's SOAP Autodiscover endpoint, e.g. https://127.0.0.1:1234/autodiscover/autodiscover.svc.
func (s *Server) AutodiscoverURL() string {
	return strings.TrimSuffix(s.URL, EWSPath) + AutodiscoverSOAPPath
}

// answer returns the answer for address. consume counts the use against Times.
func (st *autodiscoverState) answer(address string, consume bool) AutodiscoverAnswer {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, key := range []string{strings.ToLower(address), ""} {
		a, ok := st.answers[key]
		if !ok || a.Times < 0 {
			continue
		}
		out := *a
		if consume && a.Times > 0 {
			a.Times--
			if a.Times == 0 {
				a.Times = -1 // used up
			}
		}
		return out
	}
	return AutodiscoverAnswer{}
}

func (st *autodiscoverState) isDisabled(protocol string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.disabled[protocol]
}

// adRequest is what an Autodiscover handler read from a request.
type adRequest struct {
	body    []byte
	root    *node
	address string
}

func readADRequest(r *http.Request) *adRequest {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	req := &adRequest{body: body}
	if len(bytes.TrimSpace(body)) == 0 {
		return req
	}
	root, err := parseXML(bytes.NewReader(body))
	if err != nil {
		return req
	}
	req.root = root
	if root.Name.Local == "Envelope" {
		req.address = strings.TrimSpace(root.path("Body", "GetUserSettingsRequestMessage", "Request", "Users", "User").textOf("Mailbox"))
	} else {
		req.address = strings.TrimSpace(root.child("Request").textOf("EMailAddress"))
	}
	return req
}

// preamble does what both protocols share: 404 when disabled, the IIS redirect, authentication. It returns the
// request and the authenticated user, or nil when it has answered.
func (s *Server) adPreamble(w http.ResponseWriter, r *http.Request, protocol, op string) (*adRequest, *User, string) {
	st := s.autodiscover()
	if st.isDisabled(protocol) {
		http.NotFound(w, r)
		return nil, nil, ""
	}
	req := readADRequest(r)
	scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if a := st.answer(req.address, false); a.HTTPRedirect != "" {
		st.answer(req.address, true)
		s.record(RequestInfo{Operation: op, AuthScheme: scheme, Body: req.body})
		http.Redirect(w, r, a.HTTPRedirect, http.StatusFound)
		return nil, nil, ""
	}
	user, scheme, ok := s.authenticate(w, r)
	if !ok {
		s.record(RequestInfo{Operation: op, AuthScheme: scheme, Body: req.body})
		return nil, nil, ""
	}
	if r.Method != http.MethodPost && !(protocol == "pox" && r.Method == http.MethodGet) {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, nil, ""
	}
	return req, user, scheme
}

// serveAutodiscoverSOAP answers GetUserSettings on /autodiscover/autodiscover.svc.
func (s *Server) serveAutodiscoverSOAP(w http.ResponseWriter, r *http.Request) {
	req, user, scheme := s.adPreamble(w, r, "soap", "GetUserSettings")
	if req == nil {
		return
	}
	info := RequestInfo{Operation: "GetUserSettings", AuthScheme: scheme, User: user.Username, Body: req.body}
	if req.root != nil {
		info.Version = strings.TrimSpace(req.root.child("Header").textOf("RequestedServerVersion"))
	}
	resp, status := s.getUserSettings(req)
	s.record(info)
	s.capture("adreq", "GetUserSettings", req.body)
	s.capture("adresp", "GetUserSettings", resp)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(resp)
}

func (s *Server) getUserSettings(req *adRequest) ([]byte, int) {
	env := req.root
	if env == nil || env.Name.Local != "Envelope" || (env.Name.Space != nsSoap && env.Name.Space != nsSoap12) {
		return adFault("a:InvalidMessage", "The message is not a SOAP envelope.")
	}
	hdr := env.child("Header")
	if act := strings.TrimSpace(hdr.textOf("Action")); act != actionGetUserSet {
		return adFault("a:ActionNotSupported", fmt.Sprintf("The message with Action '%s' cannot be processed at the receiver.", act))
	}
	msg := env.path("Body", "GetUserSettingsRequestMessage")
	var w xw
	w.raw(`<?xml version="1.0" encoding="utf-8"?>`)
	w.open("s:Envelope", "xmlns:s", nsSoap, "xmlns:a", nsAddressing)
	w.open("s:Header")
	w.open("a:Action", "s:mustUnderstand", "1").raw(actionGetUserSet + "Response").close()
	v := s.version
	w.open("h:ServerVersionInfo", "xmlns:h", nsAutodiscover, "xmlns:i", nsXSI)
	w.elemInt("h:MajorVersion", v.MajorVersion).elemInt("h:MinorVersion", v.MinorVersion)
	w.elemInt("h:MajorBuildNumber", v.MajorBuildNumber).elemInt("h:MinorBuildNumber", v.MinorBuildNumber)
	w.elem("h:Version", autodiscoverVersionName(v))
	w.close().close()
	w.open("s:Body").open("GetUserSettingsResponseMessage", "xmlns", nsAutodiscover).open("Response", "xmlns:i", nsXSI)
	topError := func(code, text string) ([]byte, int) {
		w.elem("ErrorCode", code).elem("ErrorMessage", text).empty("UserResponses")
		for len(w.stack) > 0 {
			w.close()
		}
		return w.buf.Bytes(), http.StatusOK
	}
	if msg == nil || msg.Name.Space != nsAutodiscover || hdr.child("RequestedServerVersion") == nil || req.address == "" {
		return topError("InvalidRequest", "The request is invalid.")
	}
	settings := msg.path("Request", "RequestedSettings").all("Setting")
	if len(settings) == 0 {
		return topError("InvalidRequest", "The request is invalid: no settings were requested.")
	}
	a := s.autodiscover().answer(req.address, true)
	switch a.Error {
	case "ServerBusy":
		return topError("ServerBusy", "The server is too busy to process the request.")
	case "InvalidRequest":
		return topError("InvalidRequest", "The request is invalid.")
	case "InternalServerError":
		return topError("InternalServerError", "An internal server error occurred.")
	}
	w.elem("ErrorCode", "NoError").empty("ErrorMessage")
	w.open("UserResponses").open("UserResponse")
	userError := func(code, text, target string) ([]byte, int) {
		w.elem("ErrorCode", code).elem("ErrorMessage", text)
		if target == "" {
			w.empty("RedirectTarget", "i:nil", "true")
		} else {
			w.elem("RedirectTarget", target)
		}
		w.empty("UserSettingErrors").empty("UserSettings")
		for len(w.stack) > 0 {
			w.close()
		}
		return w.buf.Bytes(), http.StatusOK
	}
	mb := s.Mailbox(req.address)
	switch {
	case a.Error == "InvalidDomain":
		return userError("InvalidDomain", "Invalid domain: '"+req.address[strings.LastIndexByte(req.address, '@')+1:]+"'.", "")
	case a.Error != "" && a.Error != "InvalidUser":
		return userError(a.Error, a.Error+".", "")
	case a.RedirectAddress != "":
		return userError("RedirectAddress", "Redirection address.", a.RedirectAddress)
	case a.RedirectURL != "":
		return userError("RedirectUrl", "Redirection URL.", a.RedirectURL)
	case a.Error == "InvalidUser" || mb == nil:
		return userError("InvalidUser", "Invalid user: '"+req.address+"'", "")
	}
	external, internal := s.ewsURLs(a)
	values := map[string]string{
		"UserDisplayName":         mb.DisplayName,
		"AutoDiscoverSMTPAddress": mb.Address,
		"ExternalEwsUrl":          external,
		"InternalEwsUrl":          internal,
		"EwsSupportedSchemas":     supportedSchemas(v),
		"CasVersion":              fmt.Sprintf("%d.%02d.%04d.%03d", v.MajorVersion, v.MinorVersion, v.MajorBuildNumber, v.MinorBuildNumber),
	}
	w.elem("ErrorCode", "NoError").elem("ErrorMessage", "No error.").empty("RedirectTarget", "i:nil", "true")
	var missing, present []string
	for _, n := range settings {
		name := strings.TrimSpace(n.Text)
		if values[name] == "" {
			missing = append(missing, name)
		} else {
			present = append(present, name)
		}
	}
	if len(missing) == 0 {
		w.empty("UserSettingErrors")
	} else {
		w.open("UserSettingErrors")
		for _, name := range missing {
			code, text := "SettingIsNotAvailable", "User setting '"+name+"' is not available."
			if _, known := values[name]; !known {
				code, text = "InvalidSetting", "The requested setting '"+name+"' is not valid."
			}
			w.open("UserSettingError").elem("ErrorCode", code).elem("ErrorMessage", text).elem("SettingName", name).close()
		}
		w.close()
	}
	w.open("UserSettings")
	for _, name := range present {
		w.open("UserSetting", "i:type", "StringSetting").elem("Name", name).elem("Value", values[name]).close()
	}
	w.close()
	for len(w.stack) > 0 {
		w.close()
	}
	return w.buf.Bytes(), http.StatusOK
}

// adFault answers with a SOAP fault, as WCF does for messages it cannot dispatch.
func adFault(code, text string) ([]byte, int) {
	var w xw
	w.raw(`<?xml version="1.0" encoding="utf-8"?>`)
	w.open("s:Envelope", "xmlns:s", nsSoap).open("s:Body").open("s:Fault")
	w.open("faultcode", "xmlns:a", nsAddressing).raw(code).close()
	w.open("faultstring", "xml:lang", "en-US").raw(escape(text)).close()
	w.close().close().close()
	return w.buf.Bytes(), http.StatusInternalServerError
}

// ewsURLs returns the external and internal EWS URLs of an answer.
func (s *Server) ewsURLs(a AutodiscoverAnswer) (external, internal string) {
	if a.ExternalEWSURL == "" && a.InternalEWSURL == "" {
		return s.URL, s.URL
	}
	return a.ExternalEWSURL, a.InternalEWSURL
}

// autodiscoverVersionName is the Version of the Autodiscover ServerVersionInfo header.
func autodiscoverVersionName(v ServerVersion) string {
	switch {
	case v.MajorVersion <= 8:
		return "Exchange2007"
	case v.MajorVersion == 14 && v.MinorVersion >= 2:
		return "Exchange2010_SP2"
	case v.MajorVersion == 14 && v.MinorVersion == 1:
		return "Exchange2010_SP1"
	case v.MajorVersion == 14:
		return "Exchange2010"
	case v.MajorVersion == 15 && v.MinorVersion == 0:
		return "Exchange2013"
	default:
		return "Exchange2015"
	}
}

// supportedSchemas is the EwsSupportedSchemas setting for a server version.
func supportedSchemas(v ServerVersion) string {
	s := []string{"Exchange2007", "Exchange2007_SP1"}
	if v.MajorVersion >= 14 {
		s = append(s, "Exchange2010", "Exchange2010_SP1", "Exchange2010_SP2")
	}
	if v.MajorVersion >= 15 {
		s = append(s, "Exchange2013", "Exchange2013_SP1")
	}
	if v.MajorVersion > 15 || v.MajorVersion == 15 && v.MinorVersion >= 1 {
		s = append(s, "Exchange2016")
	}
	return strings.Join(s, ", ")
}

// serveAutodiscoverPOX answers the Outlook provider's POX request on /autodiscover/autodiscover.xml.
func (s *Server) serveAutodiscoverPOX(w http.ResponseWriter, r *http.Request) {
	req, user, scheme := s.adPreamble(w, r, "pox", "Autodiscover")
	if req == nil {
		return
	}
	resp, status := s.poxAnswer(req, r.Method)
	s.record(RequestInfo{Operation: "Autodiscover", AuthScheme: scheme, User: user.Username, Body: req.body})
	s.capture("adreq", "Autodiscover", req.body)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "Service Unavailable", status)
		return
	}
	s.capture("adresp", "Autodiscover", resp)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(resp)
}

func (s *Server) poxAnswer(req *adRequest, method string) ([]byte, int) {
	root := req.root
	if method != http.MethodPost || root == nil || root.Name.Local != "Autodiscover" || root.Name.Space != nsPoxRequest || req.address == "" {
		return s.poxError(req.address, "600", "Invalid Request")
	}
	if strings.TrimSpace(root.child("Request").textOf("AcceptableResponseSchema")) != nsPoxOutlook {
		return s.poxError(req.address, "601", "Provider is not available")
	}
	a := s.autodiscover().answer(req.address, true)
	mb := s.Mailbox(req.address)
	switch {
	case a.Error == "ServerBusy":
		return nil, http.StatusServiceUnavailable
	case a.Error == "InvalidUser" || a.Error == "InvalidDomain" || a.Error == "" && a.RedirectAddress == "" && a.RedirectURL == "" && mb == nil:
		return s.poxError(req.address, "500", "The email address can't be found.")
	case a.Error != "":
		return s.poxError(req.address, "603", "The Autodiscover service couldn't be contacted.")
	}
	var w xw
	w.raw(`<?xml version="1.0" encoding="utf-8"?>`)
	w.open("Autodiscover", "xmlns", nsPoxResponse).open("Response", "xmlns", nsPoxOutlook)
	switch {
	case a.RedirectAddress != "":
		w.open("Account").elem("AccountType", "email").elem("Action", "redirectAddr").elem("RedirectAddr", a.RedirectAddress).close()
	case a.RedirectURL != "":
		w.open("Account").elem("AccountType", "email").elem("Action", "redirectUrl").elem("RedirectUrl", a.RedirectURL).close()
	default:
		v := s.version
		external, internal := s.ewsURLs(a)
		w.open("User").elem("DisplayName", mb.DisplayName).
			elem("LegacyDN", "/o=ewsgo/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn="+mb.DisplayName).
			elem("AutoDiscoverSMTPAddress", mb.Address).elem("DeploymentId", "9ef1e9d4-5c4f-4d3e-9b8a-7f0e4f1a2b3c").close()
		w.open("Account").elem("AccountType", "email").elem("Action", "settings").elem("MicrosoftOnline", "False")
		version := fmt.Sprintf("%08X", 0x70000000|uint32(v.MajorVersion&0x3F)<<22|uint32(v.MinorVersion&0x3F)<<16|0x8000|uint32(v.MajorBuildNumber&0x7FFF))
		w.open("Protocol").elem("Type", "EXCH").elem("Server", hostOf(s.URL)).elem("ServerVersion", version)
		if internal != "" {
			w.elem("ASUrl", internal).elem("EwsUrl", internal)
		}
		w.close()
		if external != "" {
			w.open("Protocol").elem("Type", "EXPR").elem("Server", hostOf(external)).
				elem("ASUrl", external).elem("EwsUrl", external).close()
		}
		w.close()
	}
	w.close().close()
	return w.buf.Bytes(), http.StatusOK
}

// poxError writes a POX error answer.
func (s *Server) poxError(address, code, message string) ([]byte, int) {
	h := fnv.New32a()
	_, _ = h.Write([]byte(address))
	var w xw
	w.raw(`<?xml version="1.0" encoding="utf-8"?>`)
	w.open("Autodiscover", "xmlns", nsPoxResponse).open("Response")
	w.open("Error", "Time", s.clock().UTC().Format("15:04:05.0000000"), "Id", fmt.Sprint(h.Sum32()))
	w.elem("ErrorCode", code).elem("Message", message).empty("DebugData")
	w.close().close().close()
	return w.buf.Bytes(), http.StatusOK
}

func hostOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "/:"); i >= 0 {
		u = u[:i]
	}
	return u
}
