package connector

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ewsgo/ews"
)

// Email is a message as the connector returns it.
type Email struct {
	// ID is the EWS ItemId.
	ID string `json:"id"`
	// MessageID is the Internet Message-ID, e.g. "<abc@example.com>".
	MessageID string    `json:"message_id"`
	Subject   string    `json:"subject"`
	Sender    *Person   `json:"sender"`
	From      *Person   `json:"from"`
	To        []Person  `json:"to"`
	Cc        []Person  `json:"cc"`
	Bcc       []Person  `json:"bcc"`
	Received  time.Time `json:"received"`
	Sent      time.Time `json:"sent"`
	// Body is the text body (the server's text rendering of an HTML message); BodyHTML is the HTML body, empty
	// for plain-text messages.
	Body           string   `json:"body"`
	BodyHTML       string   `json:"body_html"`
	IsRead         bool     `json:"is_read"`
	Importance     string   `json:"importance"`
	Categories     []string `json:"categories"`
	HasAttachments bool     `json:"has_attachments"`
	// Attachments describes every attachment (inline ones included), without content.
	Attachments []AttachmentMeta `json:"attachments"`
	// Headers are the Internet headers in their original order.
	Headers  []Header `json:"headers"`
	FolderID string   `json:"folder_id"`
	Size     int64    `json:"size"`
	// Cursor, in poll's acknowledged mode, is the cursor of the batch the email came in: pass it as "ack" once
	// the batch is handled. ID and MessageID are the stable ids to remove duplicates with.
	Cursor string `json:"cursor,omitempty"`
}

// AttachmentMeta describes an attachment of an email.
type AttachmentMeta struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	IsInline    bool   `json:"is_inline"`
	// IsItem tells an attached message (.eml, .msg) from a file.
	IsItem bool `json:"is_item"`
}

// Header is an Internet header.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func person(a ews.Address) *Person {
	if a.Email == "" && a.Name == "" {
		return nil
	}
	return &Person{Name: a.Name, Email: a.Email}
}

func people(as []ews.Address) []Person {
	out := make([]Person, 0, len(as))
	for _, a := range as {
		out = append(out, Person{Name: a.Name, Email: a.Email})
	}
	return out
}

func emailOut(m *ews.Message) *Email {
	out := &Email{ID: m.ID, MessageID: m.InternetMessageID, Subject: m.Subject, Sender: person(m.Sender), From: person(m.From),
		To: people(m.To), Cc: people(m.Cc), Bcc: people(m.Bcc), Received: m.Received, Sent: m.Sent, Body: m.Body,
		BodyHTML: m.BodyHTML, IsRead: m.IsRead, Importance: string(m.Importance), Categories: m.Categories,
		HasAttachments: m.HasAttachments, Attachments: []AttachmentMeta{}, Headers: []Header{}, FolderID: m.FolderID, Size: m.Size}
	if out.Categories == nil {
		out.Categories = []string{}
	}
	for _, a := range m.Attachments {
		out.Attachments = append(out.Attachments, AttachmentMeta{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, IsInline: a.Inline, IsItem: a.IsItem})
	}
	for _, h := range m.Headers {
		out.Headers = append(out.Headers, Header{Name: h.Name, Value: h.Value})
	}
	return out
}

// isMessageID reports whether a message reference is an Internet Message-ID rather than an ItemId (ItemIds never
// hold "@").
func isMessageID(ref string) bool { return strings.Contains(ref, "@") || strings.HasPrefix(ref, "<") }

// inputParam turns the SDK's input errors (bad values found before any request) into an InvalidParameter error
// that names param; other errors are returned as they are.
func inputParam(err error, param string) error { return inputParamOf(err, param, nil) }

// inputParamOf is inputParam for an operation whose parameters become several SDK fields: fields maps an SDK
// field ("Draft.Subject"; "Draft.To" also stands for "Draft.To[2]" and "Draft.Attachments" for
// "Draft.Attachments[0].Name") to its parameter. An input error about a field fields does not list names def,
// or is returned as it is when def is empty.
func inputParamOf(err error, def string, fields map[string]string) error {
	var ie *ews.InputError
	if errors.As(err, &ie) {
		param, where := def, ""
		base, rest, indexed := strings.Cut(ie.Field, "[")
		if p, ok := fields[base]; ok {
			param = p
			if indexed {
				// "Draft.To[1]" is the parameter's entry 2, "Draft.Attachments[0].Name" entry 1's Name.
				n, sub, _ := strings.Cut(rest, "]")
				if i, err := strconv.Atoi(n); err == nil {
					n = strconv.Itoa(i + 1)
				}
				where = "entry " + n
				if sub = strings.TrimPrefix(sub, "."); sub != "" {
					where += " (" + sub + ")"
				}
				where += ": "
			}
		} else if param == "" {
			return err
		}
		return &Error{Code: CodeInvalidParameter, Param: param, Message: fmt.Sprintf("parameter %q: %s%s", param, where, ie.Problem), Err: err}
	}
	if def != "" && errors.Is(err, ews.ErrInvalidFolder) {
		return &Error{Code: CodeInvalidParameter, Param: def, Message: fmt.Sprintf("parameter %q: %s", def, strings.TrimPrefix(err.Error(), "ews: ")), Err: err}
	}
	return err
}

// folderParam resolves a folder parameter (a well-known name such as "Inbox" or "Sent Items", a path such as
// "Inbox/Phishing", or a folder id; empty means def) to the folder's id with one GetFolder, so that a folder
// that does not exist is reported naming the parameter.
func folderParam(ctx context.Context, c *ews.Client, param, name string, def ews.FolderRef) (ews.FolderRef, error) {
	ref := def
	if strings.TrimSpace(name) != "" {
		ref = ews.ParseFolder(name)
	}
	f, err := c.GetFolder(ctx, ref)
	if err != nil {
		var ee *ews.Error
		if errors.As(err, &ee) && (ee.Code == ews.ErrFolderNotFound.Code || ee.Code == ews.ErrInvalidIDMalformed.Code) {
			return ews.FolderRef{}, &Error{Code: ee.Code, Param: param, Message: fmt.Sprintf("parameter %q: no folder %q in the mailbox", param, name), Err: err}
		}
		return ews.FolderRef{}, inputParam(err, param)
	}
	return ews.FolderByID(f.ID), nil
}

// resolveMessage returns the ItemIds that a message reference names: an ItemId as it is; an Internet Message-ID
// looked up in folder (every mail folder when folder is the zero value). A Message-ID that names no message is
// ErrorItemNotFound.
func resolveMessage(ctx context.Context, c *ews.Client, param, ref string, folder ews.FolderRef, where string) ([]string, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, paramErr(param, "parameter %q is required", param)
	}
	if !isMessageID(ref) {
		return []string{ref}, nil
	}
	var folders []ews.FolderRef
	if !folder.IsZero() {
		folders = append(folders, folder)
	}
	msgs, err := c.Mail().FindByMessageID(ctx, ref, folders...)
	if err != nil {
		return nil, inputParam(err, param)
	}
	if len(msgs) == 0 {
		return nil, &Error{Code: ews.ErrItemNotFound.Code, Param: param, Message: fmt.Sprintf("no message with Internet Message-ID %s in %s", ref, where)}
	}
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	return ids, nil
}
