package ews

import (
	"context"
	"iter"
)

// The boundary between MailService and its wire. MailService's methods are the same over every backend; each
// hands its call to the mailWire of the client's backend, chosen at New (Config.Backend): ewsMail, the EWS
// implementation (the services' SOAP code, mail_*.go), or graphMail, the Microsoft Graph implementation
// (mail_graph*.go over internal/graph). A wire checks its input before any request, as the package's rule is,
// and reports what it cannot do with a *NotSupportedError.

// mailWire is what a wire does for MailService: the service's methods, one to one.
type mailWire interface {
	getAttachments(ctx context.Context, id string, opts AttachmentOptions) ([]*AttachmentData, error)
	attachments(ctx context.Context, id string) ([]AttachmentInfo, error)
	attachmentContent(ctx context.Context, attachmentID string) ([]byte, *AttachmentInfo, error)
	exportMIME(ctx context.Context, id string) ([]byte, error)
	findByMessageID(ctx context.Context, messageID string, folders ...FolderRef) ([]*Message, error)
	get(ctx context.Context, ids ...string) ([]*Message, error)
	markAsJunk(ctx context.Context, opts JunkOptions, ids ...string) ([]Moved, error)
	markRead(ctx context.Context, ids ...string) error
	markUnread(ctx context.Context, ids ...string) error
	move(ctx context.Context, to FolderRef, ids ...string) ([]Moved, error)
	copy(ctx context.Context, to FolderRef, ids ...string) ([]Moved, error)
	delete(ctx context.Context, opts DeleteOptions, ids ...string) error
	recover(ctx context.Context, to FolderRef, ids ...string) ([]Moved, error)
	reply(ctx context.Context, id string, opts ReplyOptions) error
	forward(ctx context.Context, id string, opts ForwardOptions) error
	search(ctx context.Context, opts SearchOptions) iter.Seq2[*Message, error]
	unread(ctx context.Context, opts UnreadOptions) iter.Seq2[*Message, error]
	searchAll(ctx context.Context, opts SearchAllOptions) iter.Seq2[*Found, error]
	send(ctx context.Context, d Draft) (*SentMessage, error)
	update(ctx context.Context, u MessageUpdate, ids ...string) error
}

// ewsMail is the EWS wire of MailService: the methods of mail_*.go.
type ewsMail struct{ *MailService }

// wire returns the mail wire of the client's backend.
func (s *MailService) wire() mailWire {
	if s.c.graph != nil {
		return graphMail{s}
	}
	return ewsMail{s}
}

// GetAttachments downloads every attachment of a message (an ItemId or an Internet Message-ID; a Message-ID
// that names several copies uses the first one found): file attachments as bytes with their SHA-256, item
// attachments (a message attached to a message, as users report phishing) as the decoded message and as MIME,
// with their own attachments, recursively, within opts' bounds. One GetAttachment is sent per attachment.
func (s *MailService) GetAttachments(ctx context.Context, id string, opts AttachmentOptions) ([]*AttachmentData, error) {
	return s.wire().getAttachments(ctx, id, opts)
}

// Attachments lists the attachments of a message (inline ones included) without their content. The message is
// an ItemId or an Internet Message-ID; a Message-ID that names several copies uses the first one found.
func (s *MailService) Attachments(ctx context.Context, id string) ([]AttachmentInfo, error) {
	return s.wire().attachments(ctx, id)
}

// AttachmentContent downloads an attachment by its id (AttachmentInfo.ID) and returns its content and
// description. A file attachment gives the file's bytes; an item attachment (an attached message) gives the
// item as MIME (.eml), ready for analysis tools.
func (s *MailService) AttachmentContent(ctx context.Context, attachmentID string) ([]byte, *AttachmentInfo, error) {
	return s.wire().attachmentContent(ctx, attachmentID)
}

// ExportMIME returns a message as MIME (RFC 5322, the content of an .eml file), headers and attachments
// included, for analysis tools. The message is an ItemId or an Internet Message-ID; a Message-ID that names
// several copies uses the first one found.
func (s *MailService) ExportMIME(ctx context.Context, id string) ([]byte, error) {
	return s.wire().exportMIME(ctx, id)
}

// FindByMessageID returns the messages whose Internet Message-ID is messageID ("<abc@example.com>"; the angle
// brackets may be left out), with every property of Message. It searches the folders given or, with none, every
// mail folder of the mailbox (the folders below the top of the mailbox, found with FindFolder, searched with
// FindItem a batch of folders at a time, since FindItem cannot search a folder tree). Several messages come back
// when copies sit in several folders; none is not an error.
func (s *MailService) FindByMessageID(ctx context.Context, messageID string, folders ...FolderRef) ([]*Message, error) {
	return s.wire().findByMessageID(ctx, messageID, folders...)
}

// Get returns the messages with the given ids, with every property of Message: recipients, times, bodies,
// Internet headers and attachment metadata. An id is an ItemId or an Internet Message-ID (see MailService for
// references); a Message-ID that names several items returns each of them. Messages come back in the order of
// ids. Ids that fail (not found, access denied) are reported in a *BatchError and do not keep the others from
// being returned.
func (s *MailService) Get(ctx context.Context, ids ...string) ([]*Message, error) {
	return s.wire().get(ctx, ids...)
}

// MarkAsJunk moves messages to Junk Email and adds their senders to the mailbox's blocked senders list (or the
// reverse with NotJunk), with MarkAsJunk, and returns the messages' new ids. It needs Exchange 2013 or later:
// on older servers it fails with an error matching ErrInvalidServerVersion before anything is changed (move the
// messages with Move instead). Messages that fail are reported in a *BatchError; the others are marked.
func (s *MailService) MarkAsJunk(ctx context.Context, opts JunkOptions, ids ...string) ([]Moved, error) {
	return s.wire().markAsJunk(ctx, opts, ids...)
}

// MarkRead marks messages read, in batched UpdateItem calls. From Exchange 2013 SP1 on it suppresses the read
// receipts senders asked for, so that marking mail read never tells a sender (such as a phisher) that it was
// opened. Messages that fail are reported in a *BatchError; the others are marked.
func (s *MailService) MarkRead(ctx context.Context, ids ...string) error {
	return s.wire().markRead(ctx, ids...)
}

// MarkUnread marks messages unread, in batched UpdateItem calls. Messages that fail are reported in a
// *BatchError; the others are marked.
func (s *MailService) MarkUnread(ctx context.Context, ids ...string) error {
	return s.wire().markUnread(ctx, ids...)
}

// Move moves messages to a folder (by well-known name, path or id) and returns their new ids, in the order of
// ids. Messages that fail are reported in a *BatchError; the others are moved.
func (s *MailService) Move(ctx context.Context, to FolderRef, ids ...string) ([]Moved, error) {
	return s.wire().move(ctx, to, ids...)
}

// Copy copies messages to a folder (by well-known name, path or id) and returns the copies' ids, in the order of
// ids. Messages that fail are reported in a *BatchError; the others are copied.
func (s *MailService) Copy(ctx context.Context, to FolderRef, ids ...string) ([]Moved, error) {
	return s.wire().copy(ctx, to, ids...)
}

// Delete deletes messages (by ItemId or Internet Message-ID), in batches, the way opts.How says. From Exchange
// 2013 SP1 on it suppresses the read receipts of unread messages, so that deleting mail never notifies its
// sender. Messages that fail are reported in a *BatchError; the others are deleted.
func (s *MailService) Delete(ctx context.Context, opts DeleteOptions, ids ...string) error {
	return s.wire().delete(ctx, opts, ids...)
}

// Recover moves deleted messages back out of the Recoverable Items (the dumpster, where soft-deleted mail and
// mail deleted from Deleted Items goes) to a folder (the zero value is the Inbox), undoing a wrong purge, and
// returns their new ids. The messages are ItemIds, or Internet Message-IDs looked up in the Recoverable Items
// deletions (every copy there is recovered). List what can be recovered with Search in
// RecoverableItemsDeletions. Messages that fail are reported in a *BatchError; the others are moved.
//
// Exchange 2007 keeps its dumpster out of EWS (its schema has no Recoverable Items folders): there Recover
// fails with an error matching ErrInvalidServerVersion before anything is moved.
func (s *MailService) Recover(ctx context.Context, to FolderRef, ids ...string) ([]Moved, error) {
	return s.wire().recover(ctx, to, ids...)
}

// Reply answers a message (an ItemId or an Internet Message-ID) with Body above the quoted original, keeping
// the thread (In-Reply-To, References), and saves a copy in Sent Items. The server writes the recipients (the
// original's Reply-To or sender; with All its other recipients too) and the "RE:" subject.
func (s *MailService) Reply(ctx context.Context, id string, opts ReplyOptions) error {
	return s.wire().reply(ctx, id, opts)
}

// Forward forwards a message (an ItemId or an Internet Message-ID) and saves a copy in Sent Items: inline, with
// the original's attachments, as Exchange forwards; or with AsAttachment as an attached .eml file.
func (s *MailService) Forward(ctx context.Context, id string, opts ForwardOptions) error {
	return s.wire().forward(ctx, id, opts)
}

// Search returns an iterator over the messages that match opts, with every property of Message. It pages with
// FindItem (IndexedPageItemView) and fetches the messages of each page with GetItem in batches, so memory stays
// flat whatever the folder's size. Breaking out of the loop stops all further requests.
//
// An error of the search as a whole (bad options, unknown folder, a failed request) is yielded once and ends
// the iteration. A message that cannot be fetched is yielded as an *ItemError and the iteration goes on;
// messages deleted while the search runs are skipped. The loop body may delete or move the messages it gets
// (search and purge): the paging follows the folder as it shrinks, so no message is skipped, and messages
// arriving meanwhile never make one come twice.
func (s *MailService) Search(ctx context.Context, opts SearchOptions) iter.Seq2[*Message, error] {
	return s.wire().search(ctx, opts)
}

// Unread returns an iterator over the unread messages of a folder, oldest first, with every property of
// Message. With MarkRead, each message is marked read (without a read receipt where the server allows) after the
// loop body has handled it; a failure to mark it is yielded as an error after the message. Breaking out of the
// loop stops all further requests.
func (s *MailService) Unread(ctx context.Context, opts UnreadOptions) iter.Seq2[*Message, error] {
	return s.wire().unread(ctx, opts)
}

// SearchAll searches every mail folder of the mailbox (the whole folder tree, not only one folder; with
// RecoverableItems the dumpster too), folder by folder, and yields each match with the folder it is in. Errors
// are yielded as in Search: an error of the search as a whole ends the iteration.
func (s *MailService) SearchAll(ctx context.Context, opts SearchAllOptions) iter.Seq2[*Found, error] {
	return s.wire().searchAll(ctx, opts)
}

// Send sends a message and returns its Message-ID and the id of the copy saved in Sent Items. Everything is
// checked before anything is sent: a Draft without recipients, with a bad address or a bad attachment is an
// *InputError and sends nothing.
//
// Once requests have started, an error comes with a SentMessage that carries the Message-ID the message was
// given: when errors.Is(err, ErrOutcomeUnknown), FindByMessageID tells whether it went out (set
// Draft.InternetMessageID to make retries of the same message recognisable).
//
// A message without attachments is sent with one CreateItem. Attachments go in the same CreateItem from
// Exchange 2010 on; older servers (or a server whose version is not yet known), and sends from another mailbox
// without a copy (which CreateItem cannot do for a delegate), go through a draft: CreateItem saves it,
// CreateAttachment adds each attachment, SendItem sends it. A draft left by a failure is deleted.
func (s *MailService) Send(ctx context.Context, d Draft) (*SentMessage, error) {
	return s.wire().send(ctx, d)
}

// Update changes categories, flag, importance and read state of messages in one UpdateItem per batch, for
// triage tagging. Messages that fail are reported in a *BatchError; the others are updated.
func (s *MailService) Update(ctx context.Context, u MessageUpdate, ids ...string) error {
	return s.wire().update(ctx, u, ids...)
}
