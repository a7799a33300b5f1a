package testserver

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// request is one EWS request being handled.
type request struct {
	srv     *Server
	user    *User
	raw     []byte
	mailbox *Mailbox // the mailbox the request acts on: the user's own, or the impersonated one
	version string
	tz      string
	op      string
	w       xw
	// rejected is set when the request was answered with a schema-validation or invalid-request fault.
	rejected bool
	// accepted is set once the request passed the version and schema checks: from then on, a release that
	// writes ServerVersionInfo on faults (Exchange 2013 and later) does so.
	accepted bool
	// stream, set by GetStreamingEvents, makes the server answer with a stream of envelopes instead.
	stream *stream
}

// handler answers one operation. It runs with s.mu held, writes response messages with r.w, and returns a
// *soapFault to answer with a SOAP fault instead.
type handler func(r *request, body *node) error

var handlers = map[string]handler{}

func register(op string, h handler) { handlers[op] = h }

// wholeResponse are the operations whose handlers write the response element themselves: those whose response
// is itself the response message (GetInboxRules) or is not named after the request (GetUserOofSettingsRequest).
var wholeResponse = map[string]bool{}

// registerWhole registers a handler that writes its whole response element.
func registerWhole(op string, h handler) {
	handlers[op] = h
	wholeResponse[op] = true
}

// validVersions are the RequestServerVersion values of the schema.
var validVersions = map[string]bool{
	"Exchange2007": true, "Exchange2007_SP1": true, "Exchange2009": true, "Exchange2010": true,
	"Exchange2010_SP1": true, "Exchange2010_SP2": true, "Exchange2013": true, "Exchange2013_SP1": true,
	"Exchange2015": true, "Exchange2016": true, "V2015_10_05": true, "V2016_01_06": true, "V2016_04_13": true,
	"V2016_07_13": true, "V2016_10_10": true, "V2017_01_07": true, "V2017_04_14": true, "V2017_07_11": true,
	"V2017_10_09": true, "V2018_01_08": true,
}

// handle parses and answers a request; it returns the response body and HTTP status.
func (r *request) handle(info *RequestInfo) (resp []byte, status int) {
	s := r.srv
	defer func() {
		info.rejected = r.rejected
		// Refused before it was carried out (schema, or a RequestServerVersion the release lacks): it changed nothing.
		if r.rejected && !r.accepted {
			info.Unhandled = true
		}
	}()
	env, err := parseXML(bytes.NewReader(r.raw))
	if err != nil {
		return r.fault(faultf("ErrorSchemaValidation", "The request failed schema validation: %v", err))
	}
	if env.Name.Local != "Envelope" || (env.Name.Space != nsSoap && env.Name.Space != nsSoap12) {
		return r.fault(faultf("ErrorSchemaValidation", "The request failed schema validation: root element is not a SOAP envelope."))
	}
	body := env.child("Body")
	if body == nil || len(body.Children) != 1 {
		return r.fault(faultf("ErrorSchemaValidation", "The request failed schema validation: the SOAP body must contain exactly one element."))
	}
	op := body.Children[0]
	info.Operation = op.Name.Local
	r.op = op.Name.Local
	hdr := env.child("Header")
	if v := hdr.child("RequestServerVersion"); v != nil {
		r.version = v.attr("Version")
		info.Version = r.version
		if !validVersions[r.version] && s.personality == nil {
			return r.fault(faultf("ErrorInvalidServerVersion", "The specified server version is invalid."))
		}
	}
	if f := r.checkPersonality(env); f != nil {
		return r.fault(f)
	}
	if f := checkTextOnly(r.raw, op); f != nil {
		return r.fault(f)
	}
	r.accepted = true
	if tz := hdr.path("TimeZoneContext", "TimeZoneDefinition"); tz != nil {
		r.tz = tz.attr("Id")
		info.TimeZone = r.tz
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r.mailbox = s.mailboxes[strings.ToLower(r.user.Email)]
	if sid := hdr.path("ExchangeImpersonation", "ConnectingSID"); sid != nil {
		if len(sid.Children) != 1 {
			return r.fault(faultf("ErrorSchemaValidation", "The request failed schema validation: ConnectingSID must have exactly one child."))
		}
		addr := strings.TrimSpace(sid.Children[0].Text)
		info.Impersonating = addr
		if !r.user.CanImpersonate {
			return r.fault(faultf("ErrorImpersonateUserDenied", "The account does not have permission to impersonate the requested user."))
		}
		mb := s.mailboxes[strings.ToLower(addr)]
		if mb == nil {
			return r.fault(faultf("ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it."))
		}
		r.mailbox = mb
	} else if r.user.app {
		return r.fault(faultf("ErrorInvalidExchangeImpersonationHeaderData", "ExchangeImpersonation SOAP header must be present for this type of OAuth token."))
	}
	if op.Name.Space != nsMessages {
		return r.fault(faultf("ErrorSchemaValidation", "The request failed schema validation: The element 'Body' in namespace '%s' has invalid child element '%s'.", nsSoap, op.Name.Local))
	}
	h, ok := handlers[op.Name.Local]
	if !ok {
		return r.fault(faultf("ErrorInvalidRequest", "The request is invalid: the operation %s is not supported by this server.", op.Name.Local))
	}
	r.w.buf = *bytes.NewBuffer(getRespBuf())
	r.w.raw(`<?xml version="1.0" encoding="utf-8"?>`)
	r.w.open("s:Envelope", "xmlns:s", nsSoap).open("s:Header")
	s.writeVersionInfo(&r.w)
	r.w.close().open("s:Body", "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance", "xmlns:xsd", "http://www.w3.org/2001/XMLSchema")
	if !wholeResponse[op.Name.Local] {
		r.w.open("m:"+op.Name.Local+"Response", "xmlns:m", nsMessages, "xmlns:t", nsTypes)
	}
	if err := r.run(h, op); err != nil {
		if f, ok := err.(*soapFault); ok {
			return r.fault(f)
		}
		return r.fault(faultf("ErrorInternalServerError", "%v", err))
	}
	for len(r.w.stack) > 0 {
		r.w.close()
	}
	return r.w.buf.Bytes(), http.StatusOK
}

// Namespaces.
const (
	nsSoap     = "http://schemas.xmlsoap.org/soap/envelope/"
	nsSoap12   = "http://www.w3.org/2003/05/soap-envelope"
	nsTypes    = "http://schemas.microsoft.com/exchange/services/2006/types"
	nsMessages = "http://schemas.microsoft.com/exchange/services/2006/messages"
	nsErrors   = "http://schemas.microsoft.com/exchange/services/2006/errors"
)

func itoa(i int) string { return fmt.Sprint(i) }

// fault answers with a SOAP fault in the form Exchange uses.
func (r *request) fault(f *soapFault) ([]byte, int) {
	switch f.code {
	case "ErrorSchemaValidation", "ErrorInvalidRequest", "ErrorInvalidServerVersion", "ErrorIncorrectSchemaVersion":
		r.rejected = true
	}
	var w xw
	w.raw(`<?xml version="1.0" encoding="utf-8"?>`)
	w.open("s:Envelope", "xmlns:s", nsSoap)
	if r.accepted && !r.rejected && r.srv.faultsCarryVersion() {
		w.open("s:Header")
		r.srv.writeVersionInfo(&w)
		w.close()
	}
	w.open("s:Body").open("s:Fault")
	w.open("faultcode", "xmlns:a", nsTypes).raw("a:" + f.code).close()
	faultstring, message := f.message, f.message
	if f.violation != "" {
		// Exchange's schema faults: the violation in faultstring, a fixed Message, the detail in MessageXml.
		faultstring, message = "The request failed schema validation: "+f.violation, "The request failed schema validation."
	}
	w.open("faultstring", "xml:lang", "en-US").raw(escape(faultstring)).close()
	w.open("detail")
	w.open("e:ResponseCode", "xmlns:e", nsErrors).raw(f.code).close()
	w.open("e:Message", "xmlns:e", nsErrors).raw(escape(message)).close()
	if f.violation != "" {
		w.open("t:MessageXml", "xmlns:t", nsTypes)
		w.elem("t:LineNumber", itoa(f.line)).elem("t:LinePosition", itoa(f.pos)).elem("t:Violation", f.violation)
		w.close()
	} else if len(f.details) > 0 {
		w.open("t:MessageXml", "xmlns:t", nsTypes)
		keys := make([]string, 0, len(f.details))
		for k := range f.details {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			w.elem("t:"+k, f.details[k])
		}
		w.close()
	}
	w.close().close().close().close()
	return w.buf.Bytes(), http.StatusInternalServerError
}

func escape(s string) string {
	var w xw
	w.text(s)
	return w.buf.String()
}

// success opens a successful response message, e.g. <m:GetFolderResponseMessage ResponseClass="Success">;
// the caller writes the payload and calls r.w.close().
func (r *request) success() {
	r.w.open("m:"+r.op+"ResponseMessage", "ResponseClass", "Success")
	r.w.elem("m:ResponseCode", "NoError")
}

// failure writes a complete error response message. payload, if not empty, is the name of the element the
// schema requires even in an error response (e.g. "m:Items" or "m:Folders"), written empty.
func (r *request) failure(code, text, payload string, details ...string) {
	r.w.open("m:"+r.op+"ResponseMessage", "ResponseClass", "Error")
	r.w.elem("m:MessageText", text)
	r.w.elem("m:ResponseCode", code)
	r.w.elem("m:DescriptiveLinkKey", "0")
	if len(details) > 0 {
		r.w.open("m:MessageXml")
		for i := 0; i+1 < len(details); i += 2 {
			r.w.open("t:Value", "Name", details[i]).raw(escape(details[i+1])).close()
		}
		r.w.close()
	}
	if payload != "" {
		r.w.empty(payload)
	}
	r.w.close()
}

// messages opens <m:ResponseMessages>; handlers call it once, then write one message per input.
func (r *request) messages() { r.w.open("m:ResponseMessages") }

// errorCode is a per-item failure a resolver returns.
type errorCode struct {
	code, text string
}

func (e *errorCode) Error() string { return e.code + ": " + e.text }

func errItemNotFound() *errorCode {
	return &errorCode{"ErrorItemNotFound", "The specified object was not found in the store."}
}

func errMalformedID() *errorCode {
	return &errorCode{"ErrorInvalidIdMalformed", "Id is malformed."}
}

// resolveFolder finds the folder a t:FolderId or t:DistinguishedFolderId node names, in the request's mailbox
// or, for a DistinguishedFolderId with a Mailbox, in that mailbox if the user may access it.
func (r *request) resolveFolder(n *node) (*Mailbox, *Folder, *errorCode) {
	s := r.srv
	switch n.Name.Local {
	case "FolderId":
		id := n.attr("Id")
		addr, kind, ok := decodeID(id)
		if ok && kind == "I" {
			return nil, nil, &errorCode{"ErrorCannotUseItemIdForFolderId", "Cannot use an item id for a folder id."}
		}
		if !ok || kind != "F" {
			return nil, nil, errMalformedID()
		}
		mb := s.mailboxes[strings.ToLower(addr)]
		if mb == nil {
			return nil, nil, &errorCode{"ErrorFolderNotFound", "The specified folder could not be found in the store."}
		}
		if mb != r.mailbox && !r.mayAccess(mb) {
			return nil, nil, &errorCode{"ErrorAccessDenied", "Access is denied. Check credentials and try again."}
		}
		f := mb.folders[id]
		if f == nil {
			return nil, nil, &errorCode{"ErrorFolderNotFound", "The specified folder could not be found in the store."}
		}
		return mb, f, nil
	case "DistinguishedFolderId":
		mb := r.mailbox
		if addr := n.path("Mailbox", "EmailAddress").textOrEmpty(); strings.TrimSpace(addr) != "" {
			mb = s.mailboxes[strings.ToLower(strings.TrimSpace(addr))]
			if mb == nil {
				return nil, nil, &errorCode{"ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it."}
			}
			if mb != r.mailbox && !r.mayAccess(mb) {
				return nil, nil, &errorCode{"ErrorAccessDenied", "Access is denied. Check credentials and try again."}
			}
		}
		id, ok := mb.dist[n.attr("Id")]
		if !ok {
			return nil, nil, &errorCode{"ErrorFolderNotFound", "The specified folder could not be found in the store."}
		}
		return mb, mb.folders[id], nil
	}
	return nil, nil, &errorCode{"ErrorInvalidRequest", "The request is invalid."}
}

// mayAccess reports whether the request's user may act on mb as a delegate.
func (r *request) mayAccess(mb *Mailbox) bool {
	if strings.EqualFold(mb.Address, r.user.Email) || mb == r.mailbox {
		return true
	}
	return r.srv.delegates[strings.ToLower(mb.Address)][strings.ToLower(r.user.Email)]
}

// resolveItem finds the item a t:ItemId node names.
func (r *request) resolveItem(n *node) (*Mailbox, *Item, *errorCode) {
	id := n.attr("Id")
	addr, kind, ok := decodeID(id)
	if ok && kind == "F" {
		return nil, nil, &errorCode{"ErrorCannotUseFolderIdForItemId", "Cannot use a folder id for an item id."}
	}
	if !ok || kind != "I" {
		return nil, nil, errMalformedID()
	}
	mb := r.srv.mailboxes[strings.ToLower(addr)]
	if mb == nil {
		return nil, nil, errItemNotFound()
	}
	if mb != r.mailbox && !r.mayAccess(mb) {
		return nil, nil, &errorCode{"ErrorAccessDenied", "Access is denied. Check credentials and try again."}
	}
	it := mb.items[id]
	if it == nil {
		return nil, nil, errItemNotFound()
	}
	return mb, it, nil
}

// run calls h, turning a panic into an ErrorInternalServerError fault (a bug in the fake server should fail the
// test that hit it with a clear error, not hang the client).
func (r *request) run(h handler, op *node) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = faultf("ErrorInternalServerError", "fake server panic in %s: %v", r.op, p)
		}
	}()
	return h(r, op)
}

// textOnly are elements whose content model is text only: an element inside one (HTML sent unescaped, as
// ews-javascript-api does unless its caller escapes it) fails schema validation on Exchange.
var textOnly = map[string]bool{"Body": true, "Subject": true, "TextBody": true}

// checkTextOnly refuses a request with an element inside a text-only element, with Exchange's violation.
func checkTextOnly(raw []byte, n *node) *soapFault {
	if n.Name.Space == nsTypes && textOnly[n.Name.Local] && len(n.Children) > 0 {
		c := n.Children[0]
		line, pos := linePos(raw, "<"+c.Name.Local)
		if line == 0 {
			line, pos = linePos(raw, ":"+c.Name.Local)
		}
		return &soapFault{code: "ErrorSchemaValidation", line: line, pos: pos,
			violation: "The element '" + nsTypes + ":" + n.Name.Local + "' cannot contain child element '" + c.Name.Local +
				"' because the parent element's content model is text only."}
	}
	for _, c := range n.Children {
		if f := checkTextOnly(raw, c); f != nil {
			return f
		}
	}
	return nil
}
