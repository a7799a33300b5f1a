package ews

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/soap"
)

// Draft is a message to send with MailService.Send.
type Draft struct {
	// To, Cc and Bcc are the recipients, each an address ("bob@example.com") or a name and address
	// ("Bob Smith <bob@example.com>"). At least one recipient is required.
	To  []string
	Cc  []string
	Bcc []string
	// ReplyTo are the addresses replies go to, if not the sender.
	ReplyTo []string
	Subject string
	// Body is the body, as text, or as HTML when HTML is set.
	Body string
	HTML bool
	// Importance is ImportanceLow, ImportanceNormal or ImportanceHigh; empty leaves the server's default.
	Importance Importance
	Categories []string
	// ReadReceipt asks recipients for a read receipt.
	ReadReceipt bool
	// Attachments are files to attach; inline ones are shown in an HTML body that refers to them as
	// "cid:<ContentID>".
	Attachments []Attachment
	// InternetMessageID is the Message-ID to give the message, e.g. "<abc@example.com>"; empty makes a unique one.
	InternetMessageID string
	// NoCopy sends without keeping a copy. By default a copy is saved in Sent Items (or in CopyFolder).
	NoCopy bool
	// CopyFolder is where the copy is saved; the zero value is Sent Items.
	CopyFolder FolderRef
}

// Attachment is a file attached to a Draft.
type Attachment struct {
	// Name is the file name the recipients see. Required.
	Name string
	// ContentType is the MIME type, e.g. "application/pdf"; empty lets the server guess from the name.
	ContentType string
	// Content is the file's content. Set Content or Reader, not both.
	Content []byte
	// Reader provides the content instead of Content; Send reads it to the end before sending anything.
	Reader io.Reader
	// Inline shows the attachment inside an HTML body instead of as a separate file; it needs ContentID.
	Inline bool
	// ContentID is the id an HTML body refers to ("cid:logo" for ContentID "logo").
	ContentID string
}

// SentMessage identifies a sent message.
type SentMessage struct {
	// InternetMessageID is the Message-ID the message was sent with.
	InternetMessageID string
	// ID is the ItemId of the copy saved in Sent Items (or Draft.CopyFolder). It is empty with Draft.NoCopy, or
	// when the copy did not show up within a few seconds (the server files it after delivery).
	ID string
}

// sentCopyWaits are the pauses between the searches for the saved copy of a sent message.
var sentCopyWaits = []time.Duration{0, 100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second}

// send is Send over EWS.
func (s ewsMail) send(ctx context.Context, d Draft) (*SentMessage, error) {
	msg, atts, err := s.buildMessage(d)
	if err != nil {
		return nil, err
	}
	copyFolder := d.CopyFolder
	if copyFolder.IsZero() {
		copyFolder = SentItems
	}
	var saveIn soap.FolderRef
	if !d.NoCopy {
		if saveIn, err = s.c.wireFolder(ctx, "Draft.CopyFolder", copyFolder); err != nil {
			return nil, err
		}
	}
	sent := &SentMessage{InternetMessageID: msg.InternetMessageID}
	// The request that sends is not sent twice: the version is learnt first (an idempotent GetFolder, retried
	// safely), which also tells whether the attachments can go inline.
	if err := s.c.versionBeforeOnce(ctx); err != nil {
		return nil, opErr("CreateItem", err)
	}
	_, known := s.c.currentVersion()
	inline := len(atts) == 0 || known && s.c.supports(featInlineAttachments)
	delegate := s.c.distinguished("drafts").Mailbox != ""
	if inline && !(d.NoCopy && delegate) {
		msg.Attachments = nil
		if len(atts) > 0 {
			msg.Attachments = &soap.Attachments{Attachments: atts}
		}
		req := &soap.CreateItem{MessageDisposition: "SendAndSaveCopy", Items: soap.ItemList{msg}}
		if d.NoCopy {
			req.MessageDisposition = "SendOnly"
		} else {
			req.SavedItemFolderID = &soap.TargetFolder{Folder: saveIn}
		}
		if _, err := s.createItem(ctx, req); err != nil {
			return sent, err
		}
	} else if err := s.sendViaDraft(ctx, msg, atts, d.NoCopy, saveIn); err != nil {
		return sent, err
	}
	if !d.NoCopy {
		sent.ID = s.findSentCopy(ctx, saveIn, msg.InternetMessageID)
	}
	return sent, nil
}

// buildMessage checks a Draft and turns it into a request message and its attachments.
func (s *MailService) buildMessage(d Draft) (*soap.Message, []any, error) {
	if len(d.To)+len(d.Cc)+len(d.Bcc) == 0 {
		return nil, nil, inputErr("Draft.To", "no recipient: To, Cc and Bcc are all empty")
	}
	if d.NoCopy && !d.CopyFolder.IsZero() {
		return nil, nil, inputErr("Draft.CopyFolder", "is set together with NoCopy; a copy is either kept or not")
	}
	if err := firstErr(checkText("Draft.Subject", d.Subject), checkText("Draft.Body", d.Body),
		checkTexts("Draft.Categories", d.Categories)); err != nil {
		return nil, nil, err
	}
	msg := &soap.Message{Subject: d.Subject}
	var err error
	if msg.ToRecipients, err = recipients("Draft.To", d.To); err != nil {
		return nil, nil, err
	}
	if msg.CcRecipients, err = recipients("Draft.Cc", d.Cc); err != nil {
		return nil, nil, err
	}
	if msg.BccRecipients, err = recipients("Draft.Bcc", d.Bcc); err != nil {
		return nil, nil, err
	}
	if msg.ReplyTo, err = recipients("Draft.ReplyTo", d.ReplyTo); err != nil {
		return nil, nil, err
	}
	switch d.Importance {
	case "":
	case ImportanceLow, ImportanceNormal, ImportanceHigh:
		msg.Importance = string(d.Importance)
	default:
		return nil, nil, inputErr("Draft.Importance", "%q is not Low, Normal or High", string(d.Importance))
	}
	if d.Body != "" || d.HTML {
		msg.Body = &soap.Body{BodyType: "Text", Text: d.Body}
		if d.HTML {
			msg.Body.BodyType = "HTML"
		}
	}
	if len(d.Categories) > 0 {
		msg.Categories = &soap.Strings{Strings: d.Categories}
	}
	if d.ReadReceipt {
		msg.IsReadReceiptRequested = Ptr(true)
	}
	if d.InternetMessageID != "" {
		if msg.InternetMessageID, err = normalizeMessageID("Draft.InternetMessageID", d.InternetMessageID); err != nil {
			return nil, nil, err
		}
	} else {
		msg.InternetMessageID = s.newMessageID()
	}
	var atts []any
	budget := int64(MaxAttachmentsSize)
	for i, a := range d.Attachments {
		fa, n, err := fileAttachment(fmt.Sprintf("Draft.Attachments[%d]", i), a, budget)
		if err != nil {
			return nil, nil, err
		}
		budget -= n
		atts = append(atts, fa)
	}
	return msg, atts, nil
}

// recipients parses addresses as RFC 5322 mailboxes ("bob@example.com" or "Bob <bob@example.com>").
func recipients(field string, list []string) (*soap.Recipients, error) {
	if len(list) == 0 {
		return nil, nil
	}
	out := &soap.Recipients{}
	for i, s := range list {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := checkText(f, s); err != nil {
			return nil, err
		}
		a, err := mail.ParseAddress(s)
		if err != nil {
			return nil, inputErr(f, "%q is not an email address", s)
		}
		if err := checkAddressText(f, a); err != nil {
			return nil, err
		}
		out.Mailboxes = append(out.Mailboxes, soap.Mailbox{Name: a.Name, EmailAddress: a.Address})
	}
	return out, nil
}

// MaxAttachmentsSize bounds the total size of the attachments of one message (150 MiB, Exchange Online's largest
// message): a Draft whose attachments total more is refused before any request, with an error naming
// Draft.Attachments, and a Reader is not read past it.
const MaxAttachmentsSize = 150 << 20

// fileAttachment checks an attachment and reads its content, at most budget bytes; it returns the content's size.
func fileAttachment(field string, a Attachment, budget int64) (*soap.FileAttachment, int64, error) {
	if err := firstErr(checkText(field+".Name", a.Name), checkText(field+".ContentType", a.ContentType),
		checkText(field+".ContentID", a.ContentID)); err != nil {
		return nil, 0, err
	}
	if strings.TrimSpace(a.Name) == "" {
		return nil, 0, inputErr(field+".Name", "is empty")
	}
	if a.Content != nil && a.Reader != nil {
		return nil, 0, inputErr(field, "both Content and Reader are set; set one")
	}
	if a.Inline && strings.TrimSpace(a.ContentID) == "" {
		return nil, 0, inputErr(field+".ContentID", "is empty; an inline attachment needs the id its HTML body refers to")
	}
	if strings.ContainsAny(a.ContentID, "<> \t\r\n") {
		return nil, 0, inputErr(field+".ContentID", "%q contains spaces or angle brackets", a.ContentID)
	}
	content := a.Content
	if a.Reader != nil {
		var err error
		if content, err = io.ReadAll(io.LimitReader(a.Reader, budget+1)); err != nil {
			return nil, 0, fmt.Errorf("ews: %s: reading Reader: %w", field, err)
		}
	}
	if int64(len(content)) > budget {
		return nil, 0, inputErr("Draft.Attachments", "the attachments total more than %d MiB (MaxAttachmentsSize), the most one message may carry", MaxAttachmentsSize>>20)
	}
	fa := &soap.FileAttachment{Name: a.Name, ContentType: a.ContentType, ContentID: a.ContentID,
		Content: base64.StdEncoding.EncodeToString(content)}
	if a.Inline {
		fa.IsInline = Ptr(true)
	}
	return fa, int64(len(content)), nil
}

// newMessageID makes a unique Message-ID in the domain of the mailbox.
func (s *MailService) newMessageID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	domain := "ewsgo.invalid"
	for _, a := range []string{s.c.mailbox, s.c.cfg.EmailAddress, s.c.cfg.Username} {
		if at := strings.LastIndexByte(a, '@'); at >= 0 && at < len(a)-1 {
			domain = a[at+1:]
			break
		}
	}
	return "<" + hex.EncodeToString(b[:]) + "@" + domain + ">"
}

// createItem sends a CreateItem of one item and returns the id the server gave it (empty when it sent it).
func (s *MailService) createItem(ctx context.Context, req *soap.CreateItem) (soap.ID, error) {
	resp, err := doOne(ctx, s.c, req)
	if err != nil {
		return soap.ID{}, err
	}
	m := &resp.ResponseMessages[0]
	if len(m.Items.Items) == 1 && m.Items.Items[0].ItemID != nil {
		return *m.Items.Items[0].ItemID, nil
	}
	return soap.ID{}, nil
}

// sendViaDraft saves msg as a draft, adds the attachments one CreateAttachment each, and sends it with SendItem.
// A draft left by a failure is deleted.
func (s *MailService) sendViaDraft(ctx context.Context, msg *soap.Message, atts []any, noCopy bool, saveIn soap.FolderRef) error {
	msg.Attachments = nil
	drafts := s.c.distinguished("drafts")
	id, err := s.createItem(ctx, &soap.CreateItem{MessageDisposition: "SaveOnly",
		SavedItemFolderID: &soap.TargetFolder{Folder: drafts}, Items: soap.ItemList{msg}})
	if err != nil {
		return err
	}
	if id.ID == "" {
		return fmt.Errorf("%w: CreateItem (SaveOnly) returned no item id", ErrMalformedResponse)
	}
	fail := func(err error) error {
		_, _ = do(context.WithoutCancel(ctx), s.c, &soap.DeleteItem{DeleteType: "HardDelete", ItemIDs: []soap.ItemID{{ID: id.ID}}})
		return err
	}
	changeKey := id.ChangeKey
	for _, a := range atts {
		req := &soap.CreateAttachment{ParentItemID: soap.ReferenceItemID{ID: id.ID}, Attachments: soap.Attachments{Attachments: []any{a}}}
		resp, err := do(ctx, s.c, req)
		if err != nil {
			return fail(err)
		}
		m := &resp.ResponseMessages[0]
		if err := s.c.itemErr(req, &m.ResponseMessage); err != nil {
			return fail(fmt.Errorf("ews: attachment %q: %w", a.(*soap.FileAttachment).Name, err))
		}
		if as := m.Attachments.Attachments; len(as) == 1 && as[0].AttachmentID.RootItemChangeKey != "" {
			changeKey = as[0].AttachmentID.RootItemChangeKey
		}
	}
	req := &soap.SendItem{SaveItemToFolder: !noCopy, ItemIDs: []soap.ItemID{{ID: id.ID, ChangeKey: changeKey}}}
	if !noCopy {
		req.SavedItemFolderID = &soap.TargetFolder{Folder: saveIn}
	}
	resp, err := do(ctx, s.c, req)
	if err != nil {
		return err // the outcome may be unknown: the draft is kept rather than deleted after a possible send
	}
	if err := s.c.itemErr(req, &resp.ResponseMessages[0]); err != nil {
		return fail(err)
	}
	return nil
}

// findSentCopy looks for the saved copy of a sent message by its Message-ID, for a few seconds, and returns its
// id ("" if it did not show up).
func (s *MailService) findSentCopy(ctx context.Context, folder soap.FolderRef, mid string) string {
	req := &soap.FindItem{Traversal: "Shallow", ItemShape: soap.ItemShape{BaseShape: "IdOnly"},
		IndexedPageView: &soap.IndexedPageView{MaxEntriesReturned: 1, BasePoint: "Beginning"},
		Restriction: &soap.Restriction{Expr: soap.Expr{Op: soap.OpIsEqualTo,
			Path: soap.Path{FieldURI: "message:InternetMessageId"}, Value: mid}},
		ParentFolderIDs: []soap.FolderRef{folder}}
	for _, wait := range sentCopyWaits {
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return ""
			case <-t.C:
			}
		}
		root, err := s.findPage(ctx, req)
		if err != nil {
			return ""
		}
		if len(root.Items.Items) > 0 && root.Items.Items[0].ItemID != nil {
			return root.Items.Items[0].ItemID.ID
		}
	}
	return ""
}
