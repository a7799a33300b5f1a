package testserver

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Large attachments over Graph ("Attach large files to Outlook messages or events"): POST messages creates a
// draft, POST messages/{id}/attachments/createUploadSession opens an upload session whose uploadUrl (on this
// server, under graphUploadPath) takes the bytes in PUT chunks, and POST messages/{id}/send sends the draft.

func init() { graphRoutes = append(graphRoutes, (*graphCall).uploadRoute) }

// graphUploadPath is where upload sessions' URLs live; like Outlook's, they are pre-authenticated by the token
// in the URL and refuse an Authorization header.
const graphUploadPath = "/upload/AttachmentSessions/"

// uploadChunkUnit is the multiple every chunk but the last must be (320 KiB); uploadChunkMax the largest chunk.
const (
	uploadChunkUnit = 320 << 10
	uploadChunkMax  = 4 << 20
	uploadMaxSize   = 150 << 20
)

// uploadSession is an open attachment upload session.
type uploadSession struct {
	mailbox, itemID       string
	name, contentType, id string
	inline                bool
	size                  int
	data                  []byte
	expires               time.Time
}

func (g *graphCall) uploadRoute(mb *Mailbox, rest []string) (*graphAnswer, *graphError, bool) {
	m := g.method
	switch {
	case len(rest) == 1 && rest[0] == "messages" && m == http.MethodPost:
		a, e := g.createDraft(mb)
		return a, e, true
	case len(rest) == 4 && rest[0] == "messages" && rest[2] == "attachments" && rest[3] == "createUploadSession" && m == http.MethodPost:
		it := mb.items[rest[1]]
		if it == nil || it.Kind() != "message" {
			return nil, errNotFound(), true
		}
		a, e := g.createUploadSession(mb, it)
		return a, e, true
	case len(rest) == 3 && rest[0] == "messages" && rest[2] == "send" && m == http.MethodPost:
		it := mb.items[rest[1]]
		if it == nil || it.Kind() != "message" {
			return nil, errNotFound(), true
		}
		a, e := g.sendDraft(mb, it)
		return a, e, true
	}
	return nil, nil, false
}

// createDraft serves POST /users/{id}/messages: 201 Created with the draft, stored in Drafts.
func (g *graphCall) createDraft(mb *Mailbox) (*graphAnswer, *graphError) {
	var msg graphMessageIn
	if err := json.Unmarshal(g.body, &msg); err != nil {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidRequest", "The message is not valid JSON.")
	}
	it, gE := msg.item()
	if gE != nil {
		return nil, gE
	}
	it.IsDraft, it.IsRead = true, true
	it.From = Address{Name: mb.DisplayName, Email: mb.Address}
	for i := range it.Attachments {
		it.Attachments[i].ID = mb.newID("A") // Size stays 0: the size is the content's
	}
	id := mb.storeLocked(mb.dist["drafts"], it)
	return &graphAnswer{status: http.StatusCreated, json: messageJSON(mb, mb.items[id], nil)}, nil
}

// createUploadSession serves POST .../messages/{id}/attachments/createUploadSession: 201 Created with the
// uploadUrl, its expiry and nextExpectedRanges ["0-"].
func (g *graphCall) createUploadSession(mb *Mailbox, it *Item) (*graphAnswer, *graphError) {
	var req struct {
		AttachmentItem *struct {
			AttachmentType string `json:"attachmentType"`
			Name           string `json:"name"`
			Size           int    `json:"size"`
			ContentType    string `json:"contentType"`
			IsInline       bool   `json:"isInline"`
			ContentID      string `json:"contentId"`
		} `json:"AttachmentItem"`
	}
	if err := json.Unmarshal(g.body, &req); err != nil || req.AttachmentItem == nil {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidRequest", "The AttachmentItem is missing or not valid JSON.")
	}
	ai := req.AttachmentItem
	switch {
	case ai.AttachmentType != "file":
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidRequest", "attachmentType must be 'file'.")
	case ai.Name == "":
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidRequest", "The attachment name is missing.")
	case ai.Size <= 0 || ai.Size > uploadMaxSize:
		return nil, gerr(http.StatusBadRequest, "ErrorAttachmentSizeLimitExceeded", "The attachment size %d is not valid.", ai.Size)
	case !it.IsDraft:
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidRequest", "Attachments can be uploaded to drafts only.")
	}
	s := g.srv
	if s.graphUploads == nil {
		s.graphUploads = map[string]*uploadSession{}
	}
	token := strings.TrimPrefix(mb.newID("U"), "U")
	token = fmt.Sprintf("%x", []byte(token))
	exp := s.now().Add(15 * time.Minute)
	s.graphUploads[token] = &uploadSession{mailbox: strings.ToLower(mb.Address), itemID: it.ID, name: ai.Name,
		contentType: ai.ContentType, id: ai.ContentID, inline: ai.IsInline, size: ai.Size, expires: exp}
	return &graphAnswer{status: http.StatusCreated, json: map[string]any{
		"@odata.context":     "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.uploadSession",
		"uploadUrl":          s.HTTP.URL + graphUploadPath + token + "?authtoken=" + token,
		"expirationDateTime": graphTime(exp), "nextExpectedRanges": []string{"0-"}}}, nil
}

// sendDraft serves POST .../messages/{id}/send: 202 Accepted, the draft delivered to local recipients and moved
// to Sent Items.
func (g *graphCall) sendDraft(mb *Mailbox, it *Item) (*graphAnswer, *graphError) {
	if !it.IsDraft {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidRequest", "Only drafts can be sent.")
	}
	if len(it.To)+len(it.Cc)+len(it.Bcc) == 0 {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidRecipients", "At least one recipient isn't valid.")
	}
	for tok, u := range g.srv.graphUploads {
		if u.itemID == it.ID {
			delete(g.srv.graphUploads, tok) // an unfinished upload's session ends with the draft
		}
	}
	c := it.clone()
	sent := (&request{srv: g.srv}).deliver(mb, c)
	sent.IsRead = true
	mb.removeLocked(it)
	mb.storeLocked(mb.dist["sentitems"], sent)
	return &graphAnswer{status: http.StatusAccepted}, nil
}

// serveUpload serves a PUT of bytes to an upload session's URL: each chunk's Content-Range must continue where
// the last ended (else 416), be a multiple of 320 KiB (but the last) up to 4 MB, and name the session's size;
// 200 OK with nextExpectedRanges ["{start}"] until the last byte, then 201 Created with the attachment's
// Location. A GET answers the session's status. A request with an Authorization header is refused (401), as
// the URL is pre-authenticated. A GraphFault with After takes the chunk and then answers the fault (the answer
// lost: the client's next PUT of that chunk gets 416).
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	token := strings.TrimPrefix(r.URL.Path, graphUploadPath)
	info := GraphRequest{Method: r.Method, Path: graphUploadPath + token, RawQuery: r.URL.RawQuery}
	info.Auth, _, _ = strings.Cut(r.Header.Get("Authorization"), " ")
	answer := func(a *graphAnswer, e *graphError) {
		info.Status = http.StatusOK
		if e != nil {
			info.Status = e.status
		} else {
			info.Status = a.status
		}
		s.recordGraph(info)
		writeGraph(w, a, e)
		s.captureGraph(GraphExchange{Method: r.Method, Path: graphUploadPath + "{token}", Status: info.Status}, nil, answerJSON(a, e))
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, uploadChunkMax+1))
	if err != nil {
		return
	}
	f, handled := s.graphFaultBefore(w, &info)
	if handled {
		return
	}
	var a *graphAnswer
	var e *graphError
	switch {
	case r.Header.Get("Authorization") != "":
		e = gerr(http.StatusUnauthorized, "InvalidAuthenticationToken",
			"The upload URL is pre-authenticated; do not send an Authorization header.")
	case r.Method == http.MethodGet:
		s.mu.Lock()
		a, e = s.uploadStatusLocked(r, token)
		s.mu.Unlock()
	case r.Method != http.MethodPut:
		e = gerr(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The upload URL takes PUT and GET.")
	default:
		s.mu.Lock()
		a, e = s.uploadChunkLocked(w, r, token, body)
		s.mu.Unlock()
	}
	if f != nil { // carried out, then the answer is lost in a fault
		w.Header().Del("Location")
	}
	if s.graphFaultAfter(w, f, &info) {
		return
	}
	answer(a, e)
}

// uploadSessionLocked returns the open session of token named by r, or nil. Callers hold s.mu.
func (s *Server) uploadSessionLocked(r *http.Request, token string) *uploadSession {
	u := s.graphUploads[token]
	if u == nil || r.URL.Query().Get("authtoken") != token || s.now().After(u.expires) {
		return nil
	}
	return u
}

// uploadStatusLocked serves a GET of an upload session's URL: 200 OK with its expiry and where the next chunk
// must start (nextExpectedRanges ["{start}"], as Graph gives it for Outlook attachments), so that a client that
// lost an answer can go on. Callers hold s.mu.
func (s *Server) uploadStatusLocked(r *http.Request, token string) (*graphAnswer, *graphError) {
	u := s.uploadSessionLocked(r, token)
	if u == nil {
		return nil, gerr(http.StatusNotFound, "ErrorItemNotFound", "The upload session was not found or has expired.")
	}
	return &graphAnswer{status: http.StatusOK, json: map[string]any{
		"@odata.context":     "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.uploadSession",
		"expirationDateTime": graphTime(u.expires), "nextExpectedRanges": []string{strconv.Itoa(len(u.data))}}}, nil
}

// uploadChunkLocked takes one chunk of an upload session. Callers hold s.mu.
func (s *Server) uploadChunkLocked(w http.ResponseWriter, r *http.Request, token string, body []byte) (*graphAnswer, *graphError) {
	u := s.uploadSessionLocked(r, token)
	if u == nil {
		return nil, gerr(http.StatusNotFound, "ErrorItemNotFound", "The upload session was not found or has expired.")
	}
	var from, to, total int
	if n, err := fmt.Sscanf(r.Header.Get("Content-Range"), "bytes %d-%d/%d", &from, &to, &total); n != 3 || err != nil {
		return nil, gerr(http.StatusBadRequest, "InvalidContentRange", "The Content-Range header is missing or not valid.")
	}
	n := to - from + 1
	switch {
	case total != u.size:
		return nil, gerr(http.StatusBadRequest, "InvalidContentRange", "The total %d is not the session's size %d.", total, u.size)
	case from != len(u.data):
		return nil, gerr(http.StatusRequestedRangeNotSatisfiable, "InvalidContentRange", "Expected the range from %d.", len(u.data))
	case n <= 0 || to >= total || n != len(body) || r.ContentLength != int64(n):
		return nil, gerr(http.StatusBadRequest, "InvalidContentRange", "The range %d-%d does not match the %d bytes sent.", from, to, len(body))
	case n > uploadChunkMax || (to != total-1 && n%uploadChunkUnit != 0):
		return nil, gerr(http.StatusBadRequest, "InvalidContentRange", "A chunk must be a multiple of 320 KiB up to 4 MB (but the last).")
	}
	u.data = append(u.data, body...)
	if len(u.data) < u.size {
		return &graphAnswer{status: http.StatusOK, json: map[string]any{"expirationDateTime": graphTime(u.expires),
			"nextExpectedRanges": []string{strconv.Itoa(len(u.data))}}}, nil
	}
	delete(s.graphUploads, token)
	mb := s.mailboxes[u.mailbox]
	it := mb.items[u.itemID]
	if it == nil {
		return nil, gerr(http.StatusNotFound, "ErrorItemNotFound", "The message was deleted.")
	}
	att := Attachment{ID: mb.newID("A"), Name: u.name, ContentType: u.contentType, ContentID: u.id,
		IsInline: u.inline, Content: u.data}
	it.Attachments = append(it.Attachments, att)
	w.Header().Set("Location", s.HTTP.URL+GraphPath+"/users('"+mb.Address+"')/messages('"+GraphID(it.ID)+"')/attachments('"+GraphID(att.ID)+"')")
	return &graphAnswer{status: http.StatusCreated}, nil
}
