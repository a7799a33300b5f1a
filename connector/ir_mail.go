package connector

import (
	"context"
	"strings"

	"github.com/ewsgo/ews"
)

// MarkAsJunkParams are the parameters of mark_as_junk.
type MarkAsJunkParams struct {
	MessageID string `json:"message_id" required:"true" help:"the message: its EWS ItemId, or its Internet Message-ID (looked up in every mail folder; every copy is marked)"`
	IsJunk    *bool  `json:"is_junk" default:"true" help:"true: to Junk Email, sender blocked; false: back to the Inbox, sender unblocked"`
	MoveItem  *bool  `json:"move_item" default:"true" help:"move the message (false changes only the blocked senders list)"`
	Mailbox   string `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
}

// MarkedJunk is the result of mark_as_junk.
type MarkedJunk struct {
	MessageID string   `json:"message_id"`
	IDs       []string `json:"ids"`
	NewIDs    []string `json:"new_ids"`
	IsJunk    bool     `json:"is_junk"`
}

// MarkAsJunk marks a message as junk (Exchange 2013 and later).
func MarkAsJunk(ctx context.Context, c *ews.Client, p MarkAsJunkParams) (*MarkedJunk, error) {
	c, err := onMailbox(c, p.Mailbox)
	if err != nil {
		return nil, err
	}
	junk := p.IsJunk == nil || *p.IsJunk
	ids, err := resolveMessage(ctx, c, "message_id", p.MessageID, ews.FolderRef{}, "the mailbox's mail folders")
	if err != nil {
		return nil, err
	}
	moved, err := c.Mail().MarkAsJunk(ctx, ews.JunkOptions{NotJunk: !junk, KeepInPlace: p.MoveItem != nil && !*p.MoveItem}, ids...)
	if err != nil {
		return nil, inputParam(err, "message_id")
	}
	out := &MarkedJunk{MessageID: p.MessageID, IDs: []string{}, NewIDs: []string{}, IsJunk: junk}
	for _, m := range moved {
		out.IDs = append(out.IDs, m.ID)
		out.NewIDs = append(out.NewIDs, m.NewID)
	}
	return out, nil
}

// ReplyEmailParams are the parameters of reply_email.
type ReplyEmailParams struct {
	MessageID     string   `json:"message_id" required:"true" help:"the message answered: its EWS ItemId, or its Internet Message-ID (the first copy found)"`
	Body          string   `json:"body" help:"text above the quoted original (HTML when it starts with a tag)"`
	ReplyAll      bool     `json:"reply_all" help:"answer every recipient of the original, not only its sender"`
	CcRecipients  []string `json:"cc_recipients" help:"further Cc addresses"`
	BccRecipients []string `json:"bcc_recipients" help:"further Bcc addresses"`
	Mailbox       string   `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
}

// Replied is the result of reply_email and forward_email.
type Replied struct {
	MessageID string `json:"message_id"`
	ID        string `json:"id"`
	Action    string `json:"action"`
	Sent      bool   `json:"sent"`
}

// ReplyEmail answers a message, keeping the thread, with a copy in Sent Items.
func ReplyEmail(ctx context.Context, c *ews.Client, p ReplyEmailParams) (*Replied, error) {
	c, err := onMailbox(c, p.Mailbox)
	if err != nil {
		return nil, err
	}
	for _, l := range []struct {
		param string
		addrs []string
	}{{"cc_recipients", p.CcRecipients}, {"bcc_recipients", p.BccRecipients}} {
		if err := checkAddresses(l.param, l.addrs); err != nil {
			return nil, err
		}
	}
	id, err := firstMessage(ctx, c, p.MessageID)
	if err != nil {
		return nil, err
	}
	err = c.Mail().Reply(ctx, id, ews.ReplyOptions{Body: p.Body, HTML: isHTML(p.Body), All: p.ReplyAll, Cc: p.CcRecipients, Bcc: p.BccRecipients})
	if err != nil {
		return nil, inputParamOf(err, "message_id", map[string]string{"ReplyOptions.Cc": "cc_recipients", "ReplyOptions.Bcc": "bcc_recipients", "ReplyOptions.Body": "body"})
	}
	action := "reply"
	if p.ReplyAll {
		action = "reply_all"
	}
	return &Replied{MessageID: p.MessageID, ID: id, Action: action, Sent: true}, nil
}

// ForwardEmailParams are the parameters of forward_email.
type ForwardEmailParams struct {
	MessageID     string   `json:"message_id" required:"true" help:"the message forwarded: its EWS ItemId, or its Internet Message-ID (the first copy found)"`
	ToRecipients  []string `json:"to_recipients" help:"To addresses (at least one of to, cc, bcc)"`
	CcRecipients  []string `json:"cc_recipients" help:"Cc addresses"`
	BccRecipients []string `json:"bcc_recipients" help:"Bcc addresses"`
	Body          string   `json:"body" help:"text above the original (HTML when it starts with a tag)"`
	AsAttachment  bool     `json:"as_attachment" help:"attach the original as an .eml file (headers intact, what abuse desks ask for) instead of quoting it"`
	Mailbox       string   `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
}

// ForwardEmail forwards a message, inline or as an attached .eml, with a copy in Sent Items.
func ForwardEmail(ctx context.Context, c *ews.Client, p ForwardEmailParams) (*Replied, error) {
	c, err := onMailbox(c, p.Mailbox)
	if err != nil {
		return nil, err
	}
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
	id, err := firstMessage(ctx, c, p.MessageID)
	if err != nil {
		return nil, err
	}
	err = c.Mail().Forward(ctx, id, ews.ForwardOptions{To: p.ToRecipients, Cc: p.CcRecipients, Bcc: p.BccRecipients, Body: p.Body,
		HTML: isHTML(p.Body), AsAttachment: p.AsAttachment})
	if err != nil {
		return nil, inputParamOf(err, "message_id", map[string]string{"ForwardOptions.To": "to_recipients", "ForwardOptions.Cc": "cc_recipients",
			"ForwardOptions.Bcc": "bcc_recipients", "ForwardOptions.Body": "body"})
	}
	action := "forward"
	if p.AsAttachment {
		action = "forward_as_attachment"
	}
	return &Replied{MessageID: p.MessageID, ID: id, Action: action, Sent: true}, nil
}

// RecoverEmailParams are the parameters of recover_email.
type RecoverEmailParams struct {
	MessageID         string `json:"message_id" required:"true" help:"the deleted message: its EWS ItemId, or its Internet Message-ID (looked up in the Recoverable Items; every copy there is recovered)"`
	DestinationFolder string `json:"destination_folder" default:"Inbox" help:"folder the message goes back to: a well-known name, a path or a folder id"`
	Mailbox           string `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
}

// RecoverEmail moves a deleted message out of the Recoverable Items (undoing a wrong purge).
func RecoverEmail(ctx context.Context, c *ews.Client, p RecoverEmailParams) (*MovedEmail, error) {
	c, err := onMailbox(c, p.Mailbox)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(p.MessageID) == "" {
		return nil, paramErr("message_id", "parameter %q is required", "message_id")
	}
	dst, err := folderParam(ctx, c, "destination_folder", p.DestinationFolder, ews.Inbox)
	if err != nil {
		return nil, err
	}
	moved, err := c.Mail().Recover(ctx, dst, p.MessageID)
	if err != nil {
		return nil, inputParam(err, "message_id")
	}
	out := &MovedEmail{MessageID: p.MessageID, IDs: []string{}, NewIDs: []string{}, SourceFolder: "Recoverable Items",
		DestinationFolder: orDefault(p.DestinationFolder, "Inbox")}
	for _, m := range moved {
		out.IDs = append(out.IDs, m.ID)
		out.NewIDs = append(out.NewIDs, m.NewID)
	}
	return out, nil
}
