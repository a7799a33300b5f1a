package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// ListOptions are the query options of a list of messages (GET .../messages).
type ListOptions struct {
	// Filter is an OData $filter expression.
	Filter string
	// Search is a $search expression (KQL). Graph refuses $search with $filter or $orderby on messages.
	Search string
	// Select lists the properties to return.
	Select []string
	// OrderBy is an $orderby expression, e.g. "receivedDateTime desc".
	OrderBy string
	// Top is the page size (Graph's maximum is 1000); 0 leaves Graph's default (10).
	Top int
}

// query renders the options as a list's query; what names the list in an error ("messages", "contacts", ...).
// The contacts and the calendar view take the same options but $search.
func (o ListOptions) query(what string) (url.Values, error) {
	q := url.Values{}
	if o.Search != "" && (o.Filter != "" || o.OrderBy != "") {
		return nil, errors.New("graph: $search cannot be combined with $filter or $orderby on messages")
	}
	if o.Top < 0 || o.Top > 1000 {
		return nil, fmt.Errorf("graph: %s: $top %d is outside 1..1000", what, o.Top)
	}
	if o.Filter != "" {
		q.Set("$filter", o.Filter)
	}
	if o.Search != "" {
		q.Set("$search", `"`+strings.ReplaceAll(o.Search, `"`, `\"`)+`"`)
	}
	if len(o.Select) > 0 {
		q.Set("$select", strings.Join(o.Select, ","))
	}
	if o.OrderBy != "" {
		q.Set("$orderby", o.OrderBy)
	}
	if o.Top > 0 {
		q.Set("$top", strconv.Itoa(o.Top))
	}
	return q, nil
}

func (c *Client) messagePath(id string) string { return c.user + "/messages/" + url.PathEscape(id) }

// ListMessages returns the first page of the messages of a folder (an id or a well-known name such as
// "inbox"); an empty folder lists the whole mailbox (/messages).
func (c *Client) ListMessages(ctx context.Context, folder string, o ListOptions) (*Page[Message], error) {
	q, err := o.query("messages")
	if err != nil {
		return nil, err
	}
	path := c.user + "/messages"
	if folder != "" {
		path = c.user + "/mailFolders/" + url.PathEscape(folder) + "/messages"
	}
	return getPage[Message](ctx, c, &request{method: http.MethodGet, path: path, query: q, idempotent: true})
}

// NextMessages returns the page a previous page's NextLink names.
func (c *Client) NextMessages(ctx context.Context, nextLink string) (*Page[Message], error) {
	return getPage[Message](ctx, c, &request{method: http.MethodGet, link: nextLink, idempotent: true})
}

// getPage sends r and decodes its answer as a page of T.
func getPage[T any](ctx context.Context, c *Client, r *request) (*Page[T], error) {
	return getOne[Page[T]](ctx, c, r)
}

// getAll reads every page of the collection r asks for, following @odata.nextLink.
func getAll[T any](ctx context.Context, c *Client, r *request) ([]T, error) {
	var out []T
	for {
		p, err := getPage[T](ctx, c, r)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Value...)
		if p.NextLink == "" {
			return out, nil
		}
		r = &request{method: http.MethodGet, link: p.NextLink, idempotent: true}
	}
}

// getOne sends r and decodes its answer into a new T: the resource a GET reads, or the one a POST or PATCH
// returns as Graph stored it.
func getOne[T any](ctx context.Context, c *Client, r *request) (*T, error) {
	a, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	v := new(T)
	if err := decode(a, v); err != nil {
		return nil, err
	}
	return v, nil
}

// getByID reads the resource of id at path (GET, with the properties sel lists, if any); what names the
// resource in the error for an empty id.
func getByID[T any](ctx context.Context, c *Client, what, id, path string, sel []string) (*T, error) {
	if id == "" {
		return nil, fmt.Errorf("graph: the %s id is empty", what)
	}
	q := url.Values{}
	if len(sel) > 0 {
		q.Set("$select", strings.Join(sel, ","))
	}
	return getOne[T](ctx, c, &request{method: http.MethodGet, path: path, query: q, idempotent: true})
}

// GetMessage returns a message by id; sel, if given, lists the properties to return.
func (c *Client) GetMessage(ctx context.Context, id string, sel ...string) (*Message, error) {
	return getByID[Message](ctx, c, "message", id, c.messagePath(id), sel)
}

// FindByInternetMessageID returns the messages of the mailbox whose Internet Message-ID is mid ("<...>").
func (c *Client) FindByInternetMessageID(ctx context.Context, mid string, sel ...string) ([]Message, error) {
	if mid == "" {
		return nil, errors.New("graph: the Internet Message-ID is empty")
	}
	p, err := c.ListMessages(ctx, "", ListOptions{Filter: "internetMessageId eq " + Quote(mid), Select: sel})
	if err != nil {
		return nil, err
	}
	return p.Value, nil
}

// Quote renders s as an OData string literal: in single quotes, a quote doubled.
func Quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Move moves a message to a folder (an id or a well-known name) and returns the moved message, whose id (an
// immutable id) is unchanged. Not idempotent.
func (c *Client) Move(ctx context.Context, id, destination string) (*Message, error) {
	return c.moveOrCopy(ctx, "move", id, destination)
}

// Copy copies a message to a folder and returns the copy. Not idempotent.
func (c *Client) Copy(ctx context.Context, id, destination string) (*Message, error) {
	return c.moveOrCopy(ctx, "copy", id, destination)
}

type destination struct {
	DestinationID string `json:"destinationId"`
}

func (c *Client) moveOrCopy(ctx context.Context, action, id, dest string) (*Message, error) {
	if id == "" || dest == "" {
		return nil, fmt.Errorf("graph: %s needs a message id and a destination folder", action)
	}
	return getOne[Message](ctx, c, &request{method: http.MethodPost, path: c.messagePath(id) + "/" + action,
		body: destination{dest}})
}

// Delete deletes a message: Graph moves it to Deleted Items (Recoverable Items when it already is there). Not
// idempotent: deleting twice moves the first copy, then fails.
func (c *Client) Delete(ctx context.Context, id string) error {
	if id == "" {
		return errors.New("graph: the message id is empty")
	}
	_, err := c.do(ctx, &request{method: http.MethodDelete, path: c.messagePath(id)})
	return err
}

// PermanentDelete deletes a message for good (to the purges folder of Recoverable Items). Not idempotent.
func (c *Client) PermanentDelete(ctx context.Context, id string) error {
	if id == "" {
		return errors.New("graph: the message id is empty")
	}
	_, err := c.do(ctx, &request{method: http.MethodPost, path: c.messagePath(id) + "/permanentDelete"})
	return err
}

type readPatch struct {
	IsRead bool `json:"isRead"`
}

// MarkRead sets a message's read flag (PATCH isRead). Idempotent.
func (c *Client) MarkRead(ctx context.Context, id string, read bool) error {
	if id == "" {
		return errors.New("graph: the message id is empty")
	}
	_, err := c.do(ctx, &request{method: http.MethodPatch, path: c.messagePath(id), body: readPatch{read},
		idempotent: true})
	return err
}

type sendMail struct {
	Message         *Message `json:"message"`
	SaveToSentItems bool     `json:"saveToSentItems"`
}

// SendMail sends m (with its file attachments, each up to 3 MB as Graph allows inline) and, if save, keeps a
// copy in Sent Items. Not idempotent.
func (c *Client) SendMail(ctx context.Context, m *Message, save bool) error {
	if m == nil {
		return errors.New("graph: the message is nil")
	}
	for i, a := range m.Attachments {
		if a.ODataType == "" {
			m.Attachments[i].ODataType = FileAttachmentType
		}
		if len(a.ContentBytes) > 3<<20 {
			return fmt.Errorf("graph: attachment %q is %d bytes; sendMail takes up to 3 MB per attachment",
				a.Name, len(a.ContentBytes))
		}
	}
	_, err := c.do(ctx, &request{method: http.MethodPost, path: c.user + "/sendMail",
		body: sendMail{Message: m, SaveToSentItems: save}})
	return err
}

// Attachments lists a message's attachments with their content.
func (c *Client) Attachments(ctx context.Context, id string) ([]Attachment, error) {
	if id == "" {
		return nil, errors.New("graph: the message id is empty")
	}
	p, err := getPage[Attachment](ctx, c, &request{method: http.MethodGet, path: c.messagePath(id) + "/attachments",
		idempotent: true})
	if err != nil {
		return nil, err
	}
	return p.Value, nil
}

// Attachment returns one attachment of a message, with its content.
func (c *Client) Attachment(ctx context.Context, id, attachmentID string) (*Attachment, error) {
	if id == "" || attachmentID == "" {
		return nil, errors.New("graph: the message id or the attachment id is empty")
	}
	return getOne[Attachment](ctx, c, &request{method: http.MethodGet, idempotent: true,
		path: c.messagePath(id) + "/attachments/" + url.PathEscape(attachmentID)})
}

// MIME returns a message's MIME content (GET .../$value).
func (c *Client) MIME(ctx context.Context, id string) ([]byte, error) {
	if id == "" {
		return nil, errors.New("graph: the message id is empty")
	}
	a, err := c.do(ctx, &request{method: http.MethodGet, path: c.messagePath(id) + "/$value", idempotent: true,
		accept: "*/*"})
	if err != nil {
		return nil, err
	}
	return a.body, nil
}

// AttachmentInfos lists a message's attachments without their content.
func (c *Client) AttachmentInfos(ctx context.Context, id string) ([]Attachment, error) {
	if id == "" {
		return nil, errors.New("graph: the message id is empty")
	}
	// contentId is a fileAttachment's, not the attachment base type's: Graph refuses it in $select unless cast.
	q := url.Values{"$select": {"id,name,contentType,size,isInline,lastModifiedDateTime,microsoft.graph.fileAttachment/contentId"}}
	p, err := getPage[Attachment](ctx, c, &request{method: http.MethodGet, path: c.messagePath(id) + "/attachments",
		query: q, idempotent: true})
	if err != nil {
		return nil, err
	}
	return p.Value, nil
}

// AttachmentValue returns the raw contents of an attachment (GET .../attachments/{id}/$value): a file's bytes,
// or an attached message as MIME.
func (c *Client) AttachmentValue(ctx context.Context, id, attachmentID string) ([]byte, error) {
	if id == "" || attachmentID == "" {
		return nil, errors.New("graph: the message id or the attachment id is empty")
	}
	a, err := c.do(ctx, &request{method: http.MethodGet, idempotent: true, accept: "*/*",
		path: c.messagePath(id) + "/attachments/" + url.PathEscape(attachmentID) + "/$value"})
	if err != nil {
		return nil, err
	}
	return a.body, nil
}

// MessageResponse is the body of reply, replyAll and forward: a comment (text written above the original) or a
// Message holding the new body, and the recipients added. Graph refuses a comment together with a body.
type MessageResponse struct {
	Message      *Message    `json:"message,omitempty"`
	Comment      string      `json:"comment,omitempty"`
	ToRecipients []Recipient `json:"toRecipients,omitempty"`
}

// RespondToMessage replies to a message, replies to all, or forwards it (action "reply", "replyAll" or "forward"); the
// answer is sent and kept in Sent Items. Not idempotent.
func (c *Client) RespondToMessage(ctx context.Context, id, action string, r MessageResponse) error {
	if id == "" {
		return errors.New("graph: the message id is empty")
	}
	switch action {
	case "reply", "replyAll", "forward":
	default:
		return fmt.Errorf("graph: %q is not reply, replyAll or forward", action)
	}
	_, err := c.do(ctx, &request{method: http.MethodPost, path: c.messagePath(id) + "/" + action, body: r})
	return err
}
