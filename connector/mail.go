package connector

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/mail"
	"os"
	"path/filepath"
	"strings"

	"github.com/ewsgo/ews"
)

// GetEmailParams are the parameters of get_email.
type GetEmailParams struct {
	MarkAsRead *bool `json:"mark_as_read" default:"true" help:"mark each message read once it has been returned"`
}

// GetEmail returns the unread messages of the Inbox, oldest first, and marks each read after it has been
// returned unless MarkAsRead is false. The messages are read with the pipelined search (see ReadConcurrency), so
// memory stays flat whatever their number.
func GetEmail(ctx context.Context, c *ews.Client, p GetEmailParams) iter.Seq2[*Email, error] {
	return func(yield func(*Email, error) bool) {
		opts := ews.UnreadOptions{Folder: ews.Inbox, MarkRead: p.MarkAsRead == nil || *p.MarkAsRead,
			Concurrency: readConcurrency, BatchSize: readBatchSize}
		for m, err := range c.Mail().Unread(ctx, opts) {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(emailOut(m), nil) {
				return
			}
		}
	}
}

// MarkAsReadParams are the parameters of mark_as_read.
type MarkAsReadParams struct {
	MessageID string `json:"message_id" required:"true" help:"the message: its EWS ItemId, or its Internet Message-ID (<abc@example.com>, looked up in every mail folder; every copy is marked)"`
}

// MarkedRead is the result of mark_as_read.
type MarkedRead struct {
	// MessageID is the message_id parameter.
	MessageID string `json:"message_id"`
	// IDs are the ItemIds of the messages marked read.
	IDs    []string `json:"ids"`
	IsRead bool     `json:"is_read"`
}

// MarkAsRead marks a message read.
func MarkAsRead(ctx context.Context, c *ews.Client, p MarkAsReadParams) (*MarkedRead, error) {
	if err := checkMessageRef("message_id", p.MessageID); err != nil {
		return nil, err
	}
	ids, err := resolveMessage(ctx, c, "message_id", p.MessageID, ews.FolderRef{}, "the mailbox's mail folders")
	if err != nil {
		return nil, err
	}
	if err := c.Mail().MarkRead(ctx, ids...); err != nil {
		return nil, inputParam(err, "message_id")
	}
	return &MarkedRead{MessageID: p.MessageID, IDs: ids, IsRead: true}, nil
}

// MoveEmailParams are the parameters of move_email.
type MoveEmailParams struct {
	MessageID         string `json:"message_id" required:"true" help:"the message: its EWS ItemId, or its Internet Message-ID (<abc@example.com>, looked up in source_folder; every copy there is moved)"`
	SourceFolder      string `json:"source_folder" default:"Inbox" help:"folder the Internet Message-ID is looked up in: a well-known name (Inbox, Junk Email, ...), a path (Inbox/Phishing) or a folder id"`
	DestinationFolder string `json:"destination_folder" required:"true" help:"folder to move the message to: a well-known name (Deleted Items, Junk Email, ...), a path (Inbox/Phishing) or a folder id"`
}

// MovedEmail is the result of move_email.
type MovedEmail struct {
	// MessageID is the message_id parameter.
	MessageID string `json:"message_id"`
	// IDs are the ItemIds of the messages before the move, NewIDs their ItemIds in the destination (a moved
	// message gets a new id; empty when the server does not say).
	IDs               []string `json:"ids"`
	NewIDs            []string `json:"new_ids"`
	SourceFolder      string   `json:"source_folder"`
	DestinationFolder string   `json:"destination_folder"`
}

// MoveEmail moves a message to another folder.
func MoveEmail(ctx context.Context, c *ews.Client, p MoveEmailParams) (*MovedEmail, error) {
	if err := checkMessageRef("message_id", p.MessageID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(p.DestinationFolder) == "" {
		return nil, paramErr("destination_folder", "parameter %q is required", "destination_folder")
	}
	dst, err := folderParam(ctx, c, "destination_folder", p.DestinationFolder, ews.Inbox)
	if err != nil {
		return nil, err
	}
	src, err := folderParam(ctx, c, "source_folder", p.SourceFolder, ews.Inbox)
	if err != nil {
		return nil, err
	}
	ids, err := resolveMessage(ctx, c, "message_id", p.MessageID, src, "source_folder "+quoteList([]string{orDefault(p.SourceFolder, "Inbox")}))
	if err != nil {
		return nil, err
	}
	moved, err := c.Mail().Move(ctx, dst, ids...)
	if err != nil {
		return nil, inputParam(err, "message_id")
	}
	out := &MovedEmail{MessageID: p.MessageID, IDs: []string{}, NewIDs: []string{}, SourceFolder: orDefault(p.SourceFolder, "Inbox"), DestinationFolder: p.DestinationFolder}
	for _, m := range moved {
		out.IDs = append(out.IDs, m.ID)
		out.NewIDs = append(out.NewIDs, m.NewID)
	}
	return out, nil
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// deleteTypes maps the connector's delete types to the SDK's.
var deleteTypes = map[string]ews.DeleteType{"Soft Delete": ews.SoftDelete, "Hard Delete": ews.HardDelete, "Move To Trash": ews.MoveToDeletedItems}

// DeleteEmailParams are the parameters of delete_email.
type DeleteEmailParams struct {
	MessageID  string `json:"message_id" required:"true" help:"the message: its EWS ItemId, or its Internet Message-ID (<abc@example.com>, looked up in folder_name; every copy there is deleted)"`
	DeleteType string `json:"delete_type" choices:"Soft Delete|Hard Delete|Move To Trash" default:"Move To Trash" help:"Soft Delete: to Recoverable Items (the user can restore it); Hard Delete: for good; Move To Trash: to Deleted Items"`
	FolderName string `json:"folder_name" default:"Inbox" help:"folder the Internet Message-ID is looked up in: a well-known name, a path (Inbox/Phishing) or a folder id"`
}

// DeletedEmail is the result of delete_email.
type DeletedEmail struct {
	// MessageID is the message_id parameter.
	MessageID string `json:"message_id"`
	// IDs are the ItemIds of the messages deleted.
	IDs        []string `json:"ids"`
	DeleteType string   `json:"delete_type"`
}

// DeleteEmail deletes a message.
func DeleteEmail(ctx context.Context, c *ews.Client, p DeleteEmailParams) (*DeletedEmail, error) {
	if err := checkMessageRef("message_id", p.MessageID); err != nil {
		return nil, err
	}
	dt := orDefault(p.DeleteType, "Move To Trash")
	name, ok := choose(dt, []string{"Soft Delete", "Hard Delete", "Move To Trash"})
	if !ok {
		return nil, paramErr("delete_type", "parameter %q: %q is not one of \"Soft Delete\", \"Hard Delete\", \"Move To Trash\"", "delete_type", dt)
	}
	folder := ews.FolderRef{}
	if isMessageID(p.MessageID) {
		f, err := folderParam(ctx, c, "folder_name", p.FolderName, ews.Inbox)
		if err != nil {
			return nil, err
		}
		folder = f
	}
	ids, err := resolveMessage(ctx, c, "message_id", p.MessageID, folder, "folder_name "+quoteList([]string{orDefault(p.FolderName, "Inbox")}))
	if err != nil {
		return nil, err
	}
	if err := c.Mail().Delete(ctx, ews.DeleteOptions{How: deleteTypes[name]}, ids...); err != nil {
		return nil, inputParam(err, "message_id")
	}
	return &DeletedEmail{MessageID: p.MessageID, IDs: ids, DeleteType: name}, nil
}

// SearchQueryParams are the parameters of search_query.
type SearchQueryParams struct {
	FolderName   string `json:"folder_name" default:"Inbox" help:"folder searched: a well-known name, a path (Inbox/Phishing) or a folder id"`
	EmailAddress string `json:"email_address" help:"messages sent by this address"`
	Subject      string `json:"subject" help:"messages whose subject contains this text (ignoring case)"`
	Body         string `json:"body" help:"messages whose body contains this text (ignoring case)"`
	Query        Query  `json:"query" help:"further conditions in exchangelib's vocabulary, as dict text ({'subject__icontains': 'invoice', 'is_read': False}), keyword text or a JSON object"`
	Range        int    `json:"range" help:"the most messages returned, newest first; not given or 0: every message that matches"`
}

// searchQueryFields maps the SDK's search options to the parameters of search_query.
var searchQueryFields = map[string]string{"SearchOptions.Folder": "folder_name", "SearchOptions.Sender": "email_address",
	"SearchOptions.Subject": "subject", "SearchOptions.Body": "body", "SearchOptions.Limit": "range"}

// Read operations fetch messages with the SDK's pipelined search (search_query, get_email) or, for poll, read
// each page of changes in parallel batches: ReadConcurrency requests in flight, each fetching ReadBatchSize
// messages in full. The messages held in memory at once by search_query and get_email are bounded by their
// product (the batches fetched ahead, plus the one being written), whatever the number of messages that match;
// poll returns a batch of at most 1,000 messages at once, read a page of changes (ReadConcurrency times
// ReadBatchSize) at a time.
const (
	ReadConcurrency = 4
	ReadBatchSize   = 50
)

// readConcurrency and readBatchSize are what the operations use (tests compare with 1 and DefaultBatchSize:
// the requests one at a time, as before the pipeline).
var readConcurrency, readBatchSize = ReadConcurrency, ReadBatchSize

// SearchQuery returns the messages of a folder that match every condition given, newest first: every match
// unless Range is given, streamed (memory stays flat; see ReadConcurrency).
func SearchQuery(ctx context.Context, c *ews.Client, p SearchQueryParams) iter.Seq2[*Email, error] {
	return func(yield func(*Email, error) bool) {
		if p.Range < 0 {
			yield(nil, paramErr("range", "parameter %q: %d is negative", "range", p.Range))
			return
		}
		if p.EmailAddress != "" {
			a, err := mail.ParseAddress(p.EmailAddress)
			if err != nil {
				yield(nil, paramErr("email_address", "parameter %q: %q is not an email address", "email_address", p.EmailAddress))
				return
			}
			p.EmailAddress = a.Address
		}
		if err := p.Query.Q.Err(); err != nil {
			yield(nil, paramErr("query", "parameter %q: %v", "query", err))
			return
		}
		// The subject and body filters are these lookups; checking them here refuses text XML cannot carry before
		// the folder is looked up.
		for _, f := range []struct{ param, key, v string }{{"subject", "subject__icontains", p.Subject}, {"body", "body__icontains", p.Body}} {
			var qe *ews.QueryError
			if err := ews.Where(f.key, f.v).Err(); errors.As(err, &qe) {
				yield(nil, &Error{Code: CodeInvalidParameter, Param: f.param, Message: fmt.Sprintf("parameter %q: %s", f.param, qe.Msg), Err: err})
				return
			}
		}
		folder, err := folderParam(ctx, c, "folder_name", p.FolderName, ews.Inbox)
		if err != nil {
			yield(nil, err)
			return
		}
		opts := ews.SearchOptions{Folder: folder, Sender: p.EmailAddress, Subject: p.Subject, Body: p.Body, Query: p.Query.Q, Limit: p.Range,
			Concurrency: readConcurrency, BatchSize: readBatchSize}
		for m, err := range c.Mail().Search(ctx, opts) {
			if err != nil {
				yield(nil, inputParamOf(err, "query", searchQueryFields))
				return
			}
			if !yield(emailOut(m), nil) {
				return
			}
		}
	}
}

// SendEmailParams are the parameters of send_email.
type SendEmailParams struct {
	Subject       string       `json:"subject" verbatim:"true" help:"subject"`
	ToRecipients  []string     `json:"to_recipients" help:"To addresses, comma-separated or a JSON list (at least one of to, cc, bcc)"`
	CcRecipients  []string     `json:"cc_recipients" help:"Cc addresses, comma-separated or a JSON list"`
	BccRecipients []string     `json:"bcc_recipients" help:"Bcc addresses, comma-separated or a JSON list"`
	Body          string       `json:"body" verbatim:"true" help:"body, text or HTML (a body that starts with a tag is HTML)"`
	Attachments   []Attachment `json:"attachments" help:"files to attach: paths (comma-separated or a JSON list) read on the machine that runs the connector, or objects {\"name\": \"report.pdf\", \"content\": \"<base64>\"}"`
}

// SentEmail is the result of send_email.
type SentEmail struct {
	// MessageID is the Internet Message-ID the message was sent with.
	MessageID string `json:"message_id"`
	// ID is the ItemId of the copy in Sent Items ("" if it had not shown up yet).
	ID          string   `json:"id"`
	Subject     string   `json:"subject"`
	To          []string `json:"to"`
	Cc          []string `json:"cc"`
	Bcc         []string `json:"bcc"`
	Attachments []string `json:"attachments"`
}

// SendEmail sends a message, keeping a copy in Sent Items.
func SendEmail(ctx context.Context, c *ews.Client, p SendEmailParams) (*SentEmail, error) {
	if len(p.ToRecipients)+len(p.CcRecipients)+len(p.BccRecipients) == 0 {
		return nil, paramErr("to_recipients", "at least one of to_recipients, cc_recipients and bcc_recipients is required")
	}
	for _, l := range []struct {
		param string
		addrs []string
	}{{"to_recipients", p.ToRecipients}, {"cc_recipients", p.CcRecipients}, {"bcc_recipients", p.BccRecipients}} {
		if err := checkAddresses(l.param, l.addrs); err != nil {
			return nil, err
		}
	}
	d := ews.Draft{To: p.ToRecipients, Cc: p.CcRecipients, Bcc: p.BccRecipients, Subject: p.Subject, Body: p.Body, HTML: isHTML(p.Body)}
	names := []string{}
	policy, budget := policyOf(ctx), int64(ews.MaxAttachmentsSize)
	for i, a := range p.Attachments {
		att, err := a.load(policy, budget)
		if err != nil {
			return nil, paramErr("attachments", "parameter %q: attachment %d: %v", "attachments", i+1, err)
		}
		budget -= int64(len(att.Content))
		d.Attachments = append(d.Attachments, att)
		names = append(names, att.Name)
	}
	sent, err := c.Mail().Send(ctx, d)
	if err != nil {
		return nil, inputParamOf(err, "to_recipients", sendEmailFields)
	}
	return &SentEmail{MessageID: sent.InternetMessageID, ID: sent.ID, Subject: p.Subject, To: nonNil(p.ToRecipients),
		Cc: nonNil(p.CcRecipients), Bcc: nonNil(p.BccRecipients), Attachments: names}, nil
}

// sendEmailFields maps the SDK's Draft fields to the parameters of send_email.
var sendEmailFields = map[string]string{"Draft.Subject": "subject", "Draft.Body": "body", "Draft.To": "to_recipients",
	"Draft.Cc": "cc_recipients", "Draft.Bcc": "bcc_recipients", "Draft.Attachments": "attachments"}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// load reads an attachment given by path (within policy p and the message's remaining budget), or checks one
// given inline.
func (a Attachment) load(p *attachmentPolicy, budget int64) (ews.Attachment, error) {
	out := ews.Attachment{Name: a.Name, ContentType: a.ContentType, Content: a.Content}
	if a.Path != "" {
		b, err := p.read(a.Path, budget)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				return out, err
			}
			return out, &os.PathError{Op: "read", Path: a.Path, Err: err}
		}
		out.Content = b
		if out.Name == "" {
			out.Name = filepath.Base(a.Path)
		}
	} else if int64(len(a.Content)) > budget {
		return out, errTotalTooBig
	}
	if out.Name == "" {
		return out, errNoName
	}
	if out.Content == nil {
		out.Content = []byte{}
	}
	return out, nil
}
