package testserver

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

var errNotFound = func() *graphError {
	return gerr(http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
}

// route dispatches a request under /users/{mailbox}. Callers do not hold s.mu.
func (g *graphCall) route() (*graphAnswer, *graphError) {
	raw := strings.Split(strings.Trim(g.path, "/"), "/")
	seg := make([]string, len(raw))
	for i, p := range raw {
		seg[i], _ = url.PathUnescape(p)
	}
	if len(seg) == 1 && seg[0] == "users" && g.method == http.MethodGet {
		g.srv.mu.Lock()
		defer g.srv.mu.Unlock()
		return g.listUsers()
	}
	if len(seg) < 3 || seg[0] != "users" {
		return nil, gerr(http.StatusBadRequest, "BadRequest", "Resource not found for the segment '%s'.", seg[0])
	}
	s := g.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	mb := s.mailboxes[strings.ToLower(seg[1])]
	if mb == nil {
		return nil, gerr(http.StatusNotFound, "ErrorInvalidUser", "The requested user '%s' is invalid.", seg[1])
	}
	if !g.app && !strings.EqualFold(g.email, mb.Address) {
		return nil, gerr(http.StatusForbidden, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
	}
	m, rest := g.method, seg[2:]
	for _, h := range graphRoutes {
		if a, gE, ok := h(g, mb, rest); ok {
			return a, gE
		}
	}
	switch {
	case rest[0] == "messages" && len(rest) == 1 && m == http.MethodGet:
		return g.listMessages(mb, nil)
	case rest[0] == "sendMail" && len(rest) == 1 && m == http.MethodPost:
		return g.sendMail(mb)
	case rest[0] == "messages" && len(rest) >= 2:
		it := mb.items[rest[1]]
		if it == nil || it.Kind() != "message" {
			return nil, errNotFound()
		}
		return g.message(mb, it, rest[2:])
	case rest[0] == "mailFolders" && len(rest) >= 2:
		f := graphFolder(mb, rest[1])
		if f == nil {
			return nil, errNotFound()
		}
		switch {
		case len(rest) == 2 && m == http.MethodGet:
			return &graphAnswer{status: http.StatusOK, json: folderJSON(mb, f)}, nil
		case len(rest) == 3 && rest[2] == "messages" && m == http.MethodGet:
			return g.listMessages(mb, f)
		}
	}
	return nil, gerr(http.StatusBadRequest, "BadRequest", "Unsupported request %s %s.", m, g.path)
}

// graphRoutes serve the requests under /users/{mailbox}/ that the mail routes do not (calendar, contacts,
// delta); each reports whether it served the request. Set by init functions; called with s.mu held.
var graphRoutes []func(g *graphCall, mb *Mailbox, rest []string) (*graphAnswer, *graphError, bool)

// graphFolder finds a folder by id or well-known name.
func graphFolder(mb *Mailbox, idOrName string) *Folder {
	if id, ok := mb.dist[strings.ToLower(idOrName)]; ok {
		return mb.folders[id]
	}
	return mb.folders[idOrName]
}

func folderJSON(mb *Mailbox, f *Folder) map[string]any {
	items := mb.itemsInLocked(f.ID)
	unread := 0
	for _, it := range items {
		if !it.IsRead {
			unread++
		}
	}
	return map[string]any{"id": f.ID, "displayName": f.DisplayName, "parentFolderId": f.ParentID,
		"childFolderCount": len(mb.childFoldersLocked(f.ID)), "unreadItemCount": unread,
		"totalItemCount": len(items), "isHidden": false}
}

// listMessages lists the messages of a folder (nil: the whole mailbox) with $filter or $search, $orderby,
// $select, $top and $skip; the next page's link carries $skip.
func (g *graphCall) listMessages(mb *Mailbox, f *Folder) (*graphAnswer, *graphError) {
	q := g.query
	if q.Get("$search") != "" && (q.Get("$filter") != "" || q.Get("$orderby") != "") {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidUrlQuery", "The query parameter '$orderby' is invalid with '$search'.")
	}
	if err := filterOrderRule(q.Get("$filter"), q.Get("$orderby")); err != nil {
		return nil, err
	}
	var match func(*Item) bool
	if flt := q.Get("$filter"); flt != "" {
		e, err := parseOData(flt)
		if err != nil {
			return nil, gerr(http.StatusBadRequest, "BadRequest", "Invalid filter clause: %v", err)
		}
		match = e
	}
	if srch := q.Get("$search"); srch != "" {
		e, err := parseKQL(srch)
		if err != nil {
			return nil, gerr(http.StatusBadRequest, "BadRequest", "Syntax error in $search: %v", err)
		}
		match = e
	}
	top, skip, gE := g.topSkip(10)
	if gE != nil {
		return nil, gE
	}
	var items []*Item
	var all []*Item
	if f != nil {
		all = mb.itemsInLocked(f.ID)
	} else {
		for _, id := range mb.order {
			if it := mb.items[id]; it != nil && mb.folders[it.FolderID].Distinguished != "recoverableitemsdeletions" {
				all = append(all, it)
			}
		}
	}
	for _, it := range all {
		if it.Kind() == "message" && (match == nil || match(it)) {
			items = append(items, it)
		}
	}
	if err := orderItems(items, q.Get("$orderby")); err != nil {
		return nil, err
	}
	sel, gE := selectOf(q.Get("$select"))
	if gE != nil {
		return nil, gE
	}
	page := []any{}
	end := min(skip+top, len(items))
	for i := skip; i < end; i++ {
		page = append(page, messageJSON(mb, items[i], sel))
	}
	out := map[string]any{"@odata.context": g.srv.GraphURL() + GraphPath + "/$metadata#users('" +
		url.PathEscape(mb.Address) + "')/messages", "value": page}
	if end < len(items) {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("$skip", strconv.Itoa(end))
		if q.Get("$top") == "" {
			next.Set("$top", strconv.Itoa(top))
		}
		out["@odata.nextLink"] = g.srv.GraphURL() + GraphPath + g.path + "?" +
			strings.ReplaceAll(next.Encode(), "+", "%20")
	}
	return &graphAnswer{status: http.StatusOK, json: out}, nil
}

// orderItems sorts by $orderby ("receivedDateTime desc" by default, as Graph lists mail).
func orderItems(items []*Item, orderBy string) *graphError {
	if orderBy == "" {
		orderBy = "receivedDateTime desc"
	}
	prop, dir, _ := strings.Cut(strings.TrimSpace(orderBy), " ")
	desc := strings.EqualFold(strings.TrimSpace(dir), "desc")
	key := map[string]func(*Item) time.Time{
		"receivedDateTime":     func(it *Item) time.Time { return it.DateTimeReceived },
		"sentDateTime":         func(it *Item) time.Time { return it.DateTimeSent },
		"createdDateTime":      func(it *Item) time.Time { return it.DateTimeCreated },
		"lastModifiedDateTime": func(it *Item) time.Time { return it.LastModifiedTime },
	}[prop]
	if key == nil {
		return gerr(http.StatusBadRequest, "BadRequest", "Could not find a property named '%s' on type 'microsoft.graph.message'.", prop)
	}
	sort.SliceStable(items, func(i, j int) bool {
		if desc {
			return key(items[i]).After(key(items[j]))
		}
		return key(items[i]).Before(key(items[j]))
	})
	return nil
}

// messageProps are the message properties the fake serves, for $select.
var messageProps = map[string]bool{"id": true, "createdDateTime": true, "lastModifiedDateTime": true,
	"changeKey": true, "categories": true, "receivedDateTime": true, "sentDateTime": true, "hasAttachments": true,
	"internetMessageId": true, "subject": true, "bodyPreview": true, "importance": true, "parentFolderId": true,
	"conversationId": true, "isReadReceiptRequested": true, "isRead": true, "isDraft": true, "body": true,
	"sender": true, "from": true, "toRecipients": true, "ccRecipients": true, "bccRecipients": true,
	"replyTo": true, "internetMessageHeaders": true, "inferenceClassification": true, "webLink": true,
	"flag": true, "isDeliveryReceiptRequested": true}

// selectOf reads the $select of a message.
func selectOf(v string) (map[string]bool, *graphError) {
	return selectProps(v, messageProps, "message")
}

func recipientJSON(a Address) map[string]any {
	return map[string]any{"emailAddress": map[string]any{"name": a.Name, "address": a.Email}}
}

func recipientsJSON(as []Address) []any {
	out := []any{}
	for _, a := range as {
		out = append(out, recipientJSON(a))
	}
	return out
}

func graphTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// bodyOf is the contentType ("text" or "html") of an item's body and its bodyPreview: the first 255 characters
// of its text.
func bodyOf(it *Item) (ctype, preview string) {
	ctype, preview = "text", it.Body
	if it.BodyType == "HTML" {
		ctype, preview = "html", htmlToText(it.Body)
	}
	if r := []rune(preview); len(r) > 255 {
		preview = string(r[:255])
	}
	return ctype, preview
}

// messageJSON is the message resource of it; sel, if not nil, keeps only those properties (and id).
func messageJSON(mb *Mailbox, it *Item, sel map[string]bool) map[string]any {
	ctype, preview := bodyOf(it)
	cats := append([]string{}, it.Categories...)
	m := map[string]any{
		"@odata.etag":                `W/"` + it.ChangeKey + `"`,
		"id":                         it.ID,
		"createdDateTime":            graphTime(it.DateTimeCreated),
		"lastModifiedDateTime":       graphTime(it.LastModifiedTime),
		"changeKey":                  it.ChangeKey,
		"categories":                 cats,
		"receivedDateTime":           graphTime(it.DateTimeReceived),
		"sentDateTime":               graphTime(it.DateTimeSent),
		"hasAttachments":             it.HasAttachments(),
		"internetMessageId":          it.InternetMessageID,
		"subject":                    it.Subject,
		"bodyPreview":                preview,
		"importance":                 strings.ToLower(orDefault(it.Importance, "Normal")),
		"parentFolderId":             it.FolderID,
		"conversationId":             it.ConversationID,
		"isDeliveryReceiptRequested": false,
		"isReadReceiptRequested":     it.IsReadReceiptRequested,
		"isRead":                     it.IsRead,
		"isDraft":                    it.IsDraft,
		"webLink":                    "https://outlook.office365.com/owa/?ItemID=" + url.QueryEscape(it.ID) + "&exvsurl=1&viewmodel=ReadMessageItem",
		"inferenceClassification":    "focused",
		"body":                       map[string]any{"contentType": ctype, "content": it.Body},
		"sender":                     recipientJSON(it.Sender),
		"from":                       recipientJSON(it.From),
		"toRecipients":               recipientsJSON(it.To),
		"ccRecipients":               recipientsJSON(it.Cc),
		"bccRecipients":              recipientsJSON(it.Bcc),
		"replyTo":                    recipientsJSON(it.ReplyTo),
		"flag":                       map[string]any{"flagStatus": graphFlag(it.FlagStatus)},
	}
	if sel == nil {
		return m
	}
	out := map[string]any{"@odata.etag": m["@odata.etag"], "id": it.ID}
	for p := range sel {
		if p == "internetMessageHeaders" {
			hs := []any{}
			for _, h := range headersOf(it) {
				hs = append(hs, map[string]any{"name": h.Name, "value": h.Value})
			}
			out[p] = hs
			continue
		}
		out[p] = m[p]
	}
	return out
}

func attachmentJSON(a *Attachment, content bool) map[string]any {
	m := map[string]any{"@odata.type": "#microsoft.graph.fileAttachment", "id": a.ID,
		"lastModifiedDateTime": "2026-01-01T00:00:00Z", "name": a.Name,
		"contentType": orDefault(a.ContentType, "application/octet-stream"), "size": len(a.Content) + a.Size,
		"isInline": a.IsInline}
	if a.Item != nil {
		m["@odata.type"] = "#microsoft.graph.itemAttachment"
		return m
	}
	m["contentId"] = nilIfEmpty(a.ContentID) // a fileAttachment's: itemAttachment has no contentId
	if content {
		m["contentBytes"] = base64.StdEncoding.EncodeToString(a.Content)
	}
	return m
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// message serves the requests on one message: GET, PATCH, DELETE, and the actions under it.
func (g *graphCall) message(mb *Mailbox, it *Item, rest []string) (*graphAnswer, *graphError) {
	m := g.method
	switch {
	case len(rest) == 0 && m == http.MethodGet:
		sel, gE := selectOf(g.query.Get("$select"))
		if gE != nil {
			return nil, gE
		}
		return &graphAnswer{status: http.StatusOK, json: messageJSON(mb, it, sel)}, nil
	case len(rest) == 0 && m == http.MethodPatch:
		var p map[string]json.RawMessage
		if err := json.Unmarshal(g.body, &p); err != nil {
			return nil, gerr(http.StatusBadRequest, "RequestBodyRead", "Invalid JSON in the request body.")
		}
		for k, v := range p {
			switch k {
			case "isRead":
				if err := json.Unmarshal(v, &it.IsRead); err != nil {
					return nil, gerr(http.StatusBadRequest, "RequestBodyRead", "Cannot convert the literal '%s' to the expected type 'Edm.Boolean'.", v)
				}
			case "categories":
				if err := json.Unmarshal(v, &it.Categories); err != nil {
					return nil, gerr(http.StatusBadRequest, "RequestBodyRead", "categories must be a list of strings.")
				}
			case "importance":
				var imp string
				if json.Unmarshal(v, &imp) != nil || (imp != "low" && imp != "normal" && imp != "high") {
					return nil, gerr(http.StatusBadRequest, "RequestBodyRead", "The value '%s' is not valid for importance.", v)
				}
				it.Importance = strings.ToUpper(imp[:1]) + imp[1:]
			case "flag":
				var f struct {
					FlagStatus string `json:"flagStatus"`
				}
				st := map[string]string{"notFlagged": "NotFlagged", "flagged": "Flagged", "complete": "Complete"}
				if json.Unmarshal(v, &f) != nil || st[f.FlagStatus] == "" {
					return nil, gerr(http.StatusBadRequest, "RequestBodyRead", "The value '%s' is not valid for flag.", v)
				}
				it.FlagStatus = st[f.FlagStatus]
			default:
				return nil, gerr(http.StatusBadRequest, "ErrorInvalidProperty", "The property '%s' cannot be updated by the fake server.", k)
			}
		}
		mb.touchLocked(it)
		return &graphAnswer{status: http.StatusOK, json: messageJSON(mb, it, nil)}, nil
	case len(rest) == 0 && m == http.MethodDelete:
		dst := mb.dist["deleteditems"]
		if it.FolderID == dst {
			dst = mb.dist["recoverableitemsdeletions"]
		}
		g.moveLocked(mb, it, dst)
		return &graphAnswer{status: http.StatusNoContent}, nil
	case len(rest) == 1 && m == http.MethodPost && (rest[0] == "move" || rest[0] == "copy"):
		var d struct {
			DestinationID string `json:"destinationId"`
		}
		if err := json.Unmarshal(g.body, &d); err != nil || d.DestinationID == "" {
			return nil, gerr(http.StatusBadRequest, "ErrorInvalidRequest", "The destinationId is missing.")
		}
		f := graphFolder(mb, d.DestinationID)
		if f == nil {
			return nil, errNotFound()
		}
		var n *Item
		if rest[0] == "copy" {
			c := it.clone()
			n = mb.items[mb.storeLocked(f.ID, c)]
		} else {
			n = g.moveLocked(mb, it, f.ID)
		}
		return &graphAnswer{status: http.StatusCreated, json: messageJSON(mb, n, nil)}, nil
	case len(rest) == 1 && m == http.MethodPost && (rest[0] == "reply" || rest[0] == "replyAll" || rest[0] == "forward"):
		return g.respond(mb, it, rest[0])
	case len(rest) == 1 && m == http.MethodPost && rest[0] == "permanentDelete":
		// To the purges folder of Recoverable Items, which neither the user nor a folder list sees: gone, as
		// EWS HardDelete leaves it.
		mb.removeLocked(it)
		return &graphAnswer{status: http.StatusNoContent}, nil
	case len(rest) == 1 && m == http.MethodGet && rest[0] == "$value":
		return &graphAnswer{status: http.StatusOK, raw: mimeOf(it), contentType: "text/plain"}, nil
	case len(rest) == 1 && m == http.MethodGet && rest[0] == "attachments":
		sel, gE := attachmentSelect(g.query.Get("$select"))
		if gE != nil {
			return nil, gE
		}
		out := []any{}
		for i := range it.Attachments {
			a := attachmentJSON(&it.Attachments[i], true)
			if sel != nil {
				a = sel(a)
			}
			out = append(out, a)
		}
		return &graphAnswer{status: http.StatusOK, json: map[string]any{"value": out}}, nil
	case len(rest) == 3 && m == http.MethodGet && rest[0] == "attachments" && rest[2] == "$value":
		// The raw contents of an attachment: a file's bytes, an attached item's MIME.
		for i := range it.Attachments {
			if a := &it.Attachments[i]; a.ID == rest[1] {
				if a.Item != nil {
					return &graphAnswer{status: http.StatusOK, raw: mimeOf(a.Item), contentType: "message/rfc822"}, nil
				}
				return &graphAnswer{status: http.StatusOK, raw: a.Content, contentType: orDefault(a.ContentType, "application/octet-stream")}, nil
			}
		}
		return nil, errNotFound()
	case len(rest) == 2 && m == http.MethodGet && rest[0] == "attachments":
		for i := range it.Attachments {
			if it.Attachments[i].ID == rest[1] {
				return &graphAnswer{status: http.StatusOK, json: attachmentJSON(&it.Attachments[i], true)}, nil
			}
		}
		return nil, errNotFound()
	}
	return nil, gerr(http.StatusBadRequest, "BadRequest", "Unsupported request %s %s.", m, g.path)
}

// moveLocked moves it to folder fid. With Prefer: IdType="ImmutableId" the message keeps its id, as Graph's
// immutable ids do; otherwise it gets a new one.
func (g *graphCall) moveLocked(mb *Mailbox, it *Item, fid string) *Item {
	if !g.immutable {
		c := it.clone()
		created := c.DateTimeCreated
		mb.removeLocked(it)
		n := mb.items[mb.storeLocked(fid, c)]
		n.DateTimeCreated = created
		return n
	}
	mb.removeLocked(it)
	it.FolderID = fid
	mb.items[it.ID] = it
	mb.touchLocked(it)
	return it
}

type graphRecipient struct {
	EmailAddress struct {
		Name    string `json:"name"`
		Address string `json:"address"`
	} `json:"emailAddress"`
}

func addressesOf(rs []graphRecipient) []Address {
	var out []Address
	for _, r := range rs {
		out = append(out, Address{Name: r.EmailAddress.Name, Email: r.EmailAddress.Address})
	}
	return out
}

// sendMail serves POST /users/{id}/sendMail: 202 Accepted, the message delivered to local recipients and kept
// in Sent Items when saveToSentItems is not false.
func (g *graphCall) sendMail(mb *Mailbox) (*graphAnswer, *graphError) {
	var req struct {
		Message         *graphMessageIn `json:"message"`
		SaveToSentItems *bool           `json:"saveToSentItems"`
	}
	if err := json.Unmarshal(g.body, &req); err != nil || req.Message == nil {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidRequest", "The message is missing or not valid JSON.")
	}
	it, gE := req.Message.item()
	if gE != nil {
		return nil, gE
	}
	if len(it.To)+len(it.Cc)+len(it.Bcc) == 0 {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidRecipients", "At least one recipient isn't valid.")
	}
	sent := (&request{srv: g.srv}).deliver(mb, it)
	if req.SaveToSentItems == nil || *req.SaveToSentItems {
		sent.IsRead = true
		mb.storeLocked(mb.dist["sentitems"], sent)
	}
	return &graphAnswer{status: http.StatusAccepted}, nil
}

// filterOrderRule is Graph's rule for $filter with $orderby on messages ("Using filter and orderby in the same
// query", user-list-messages): each property of $orderby must also appear in $filter, in the same order, before
// any other property; otherwise Graph answers InefficientFilter.
func filterOrderRule(filter, orderBy string) *graphError {
	if filter == "" || orderBy == "" {
		return nil
	}
	rest := strings.TrimLeft(filter, "( ")
	for _, part := range strings.Split(orderBy, ",") {
		prop, _, _ := strings.Cut(strings.TrimSpace(part), " ")
		if !strings.HasPrefix(rest, prop+" ") {
			return gerr(http.StatusBadRequest, "InefficientFilter", "The restriction or sort order is too complex for this operation.")
		}
		if i := strings.Index(rest, " and "); i >= 0 {
			rest = strings.TrimLeft(rest[i+5:], "( ")
		} else {
			rest = ""
		}
	}
	return nil
}

// graphFlag is the flagStatus of an item's follow-up flag.
func graphFlag(status string) string {
	switch status {
	case "Flagged":
		return "flagged"
	case "Complete":
		return "complete"
	}
	return "notFlagged"
}

// respond serves reply, replyAll and forward (202 Accepted): the answer, built as the EWS side builds a
// ReplyToItem, ReplyAllToItem or ForwardItem, is delivered and kept in Sent Items.
func (g *graphCall) respond(mb *Mailbox, orig *Item, action string) (*graphAnswer, *graphError) {
	var req struct {
		Comment      *string          `json:"comment"`
		ToRecipients []graphRecipient `json:"toRecipients"`
		Message      *struct {
			Body          *graphBodyIn     `json:"body"`
			ToRecipients  []graphRecipient `json:"toRecipients"`
			CcRecipients  []graphRecipient `json:"ccRecipients"`
			BccRecipients []graphRecipient `json:"bccRecipients"`
		} `json:"message"`
	}
	if len(g.body) > 0 {
		if err := json.Unmarshal(g.body, &req); err != nil {
			return nil, gerr(http.StatusBadRequest, "RequestBodyRead", "Invalid JSON in the request body.")
		}
	}
	if req.Comment != nil && *req.Comment != "" && req.Message != nil && req.Message.Body != nil {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidRequest", "A comment and a message body cannot be given together.")
	}
	parts := responseParts{to: addressesOf(req.ToRecipients)}
	if req.Comment != nil {
		parts.body = *req.Comment
	}
	if m := req.Message; m != nil {
		parts.to = append(parts.to, addressesOf(m.ToRecipients)...)
		parts.cc, parts.bcc = addressesOf(m.CcRecipients), addressesOf(m.BccRecipients)
		if b := m.Body; b != nil {
			parts.body, parts.html = b.Content, strings.EqualFold(b.ContentType, "html")
		}
	}
	it := responseItem(mb, orig, strings.ToLower(action), parts)
	if len(it.To)+len(it.Cc)+len(it.Bcc) == 0 {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidRecipients", "At least one recipient isn't valid.")
	}
	sent := (&request{srv: g.srv}).deliver(mb, it)
	sent.IsRead = true
	mb.storeLocked(mb.dist["sentitems"], sent)
	return &graphAnswer{status: http.StatusAccepted}, nil
}

// graphBodyIn is an itemBody as a request carries it.
type graphBodyIn struct {
	ContentType string `json:"contentType"`
	Content     string `json:"content"`
}

// graphMessageIn is a message resource as a request carries it (sendMail, POST messages).
type graphMessageIn struct {
	Subject       string           `json:"subject"`
	Body          *graphBodyIn     `json:"body"`
	ToRecipients  []graphRecipient `json:"toRecipients"`
	CcRecipients  []graphRecipient `json:"ccRecipients"`
	BccRecipients []graphRecipient `json:"bccRecipients"`
	ReplyTo       []graphRecipient `json:"replyTo"`
	Importance    string           `json:"importance"`
	Categories    []string         `json:"categories"`
	ReadReceipt   bool             `json:"isReadReceiptRequested"`
	MessageID     string           `json:"internetMessageId"`
	Attachments   []struct {
		ODataType    string `json:"@odata.type"`
		Name         string `json:"name"`
		ContentType  string `json:"contentType"`
		ContentBytes []byte `json:"contentBytes"`
		IsInline     bool   `json:"isInline"`
		ContentID    string `json:"contentId"`
	} `json:"attachments"`
}

// item is the message as the mailbox stores it.
func (msg *graphMessageIn) item() (Item, *graphError) {
	it := Item{ItemClass: "IPM.Note", Subject: msg.Subject, To: addressesOf(msg.ToRecipients),
		Cc: addressesOf(msg.CcRecipients), Bcc: addressesOf(msg.BccRecipients), ReplyTo: addressesOf(msg.ReplyTo),
		Categories: msg.Categories, IsReadReceiptRequested: msg.ReadReceipt, InternetMessageID: msg.MessageID}
	if msg.Importance != "" {
		it.Importance = strings.ToUpper(msg.Importance[:1]) + msg.Importance[1:]
	}
	if msg.Body != nil {
		it.Body, it.BodyType = msg.Body.Content, "Text"
		if strings.EqualFold(msg.Body.ContentType, "html") {
			it.BodyType = "HTML"
		}
	}
	for _, a := range msg.Attachments {
		if a.ODataType != "#microsoft.graph.fileAttachment" {
			return it, gerr(http.StatusBadRequest, "ErrorInvalidRequest", "The fake server takes file attachments only.")
		}
		it.Attachments = append(it.Attachments, Attachment{Name: a.Name, ContentType: a.ContentType,
			Content: a.ContentBytes, IsInline: a.IsInline, ContentID: a.ContentID})
	}
	return it, nil
}
