package ews

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/graph"
	"github.com/ewsgo/ews/internal/soap"
)

// graphMail is the Microsoft Graph wire of MailService (see mail_wire.go), over internal/graph. Message ids are
// Graph's immutable ids (every request says Prefer: IdType="ImmutableId"), so an id stays valid when the message
// moves. Operations on many messages go in $batch requests of 20.
type graphMail struct{ *MailService }

func (s graphMail) g() *graph.Client { return s.c.graph }

// graphMessageSelect are the message properties a full Message is read from ($select; Graph leaves
// internetMessageHeaders out unless asked).
var graphMessageSelect = []string{"id", "changeKey", "receivedDateTime", "sentDateTime", "categories",
	"hasAttachments", "internetMessageId", "internetMessageHeaders", "subject", "body", "importance",
	"parentFolderId", "conversationId", "isReadReceiptRequested", "isRead", "isDraft", "sender", "from",
	"toRecipients", "ccRecipients", "bccRecipients", "replyTo", "flag"}

// graphRef checks one message reference: a Message-ID, an EWS-style ItemId (base64), or a Graph REST id
// (URL-safe base64).
func graphRef(field, s string) (refKind, string, error) {
	k, v, err := parseRef(field, s)
	if err == nil {
		return k, v, nil
	}
	t := strings.TrimSpace(s)
	if len(t) >= 8 && len(t) <= MaxRefLength && !strings.ContainsAny(t, "@<> \t\r\n") && checkText(field, t) == nil {
		if _, e := base64.URLEncoding.DecodeString(t); e == nil {
			return refItemID, t, nil
		}
		if _, e := base64.RawURLEncoding.DecodeString(t); e == nil {
			return refItemID, t, nil
		}
	}
	return 0, "", err
}

// resolve is MailService.resolve over Graph: ids as they are, Message-IDs looked up in the whole mailbox
// (GET /messages?$filter=internetMessageId eq '...').
func (s graphMail) resolve(ctx context.Context, refs []string, res *batchResult) ([]target, error) {
	if len(refs) == 0 {
		return nil, inputErr("ids", "no message given")
	}
	kinds := make([]refKind, len(refs))
	norm := make([]string, len(refs))
	for i, r := range refs {
		k, n, err := graphRef(fmt.Sprintf("ids[%d]", i), r)
		if err != nil {
			return nil, err
		}
		kinds[i], norm[i] = k, n
	}
	var itemIDs []string
	for i, k := range kinds {
		if k == refItemID {
			itemIDs = append(itemIDs, norm[i])
		}
	}
	gids, err := s.c.graphIDs(ctx, itemIDs)
	if err != nil {
		return nil, err
	}
	for i, k := range kinds {
		if k == refItemID {
			norm[i], gids = gids[0], gids[1:]
		}
	}
	found := map[string][]string{}
	out := make([]target, 0, len(refs))
	taken := map[string]bool{}
	add := func(i int, r, id string) {
		if !taken[id] {
			taken[id] = true
			out = append(out, target{pos: i, ref: r, id: id})
		}
	}
	for i, r := range refs {
		if kinds[i] == refItemID {
			add(i, r, norm[i])
			continue
		}
		ids, ok := found[norm[i]]
		if !ok {
			var err error
			if ids, err = s.findIDs(ctx, norm[i], ""); err != nil {
				return nil, err
			}
			found[norm[i]] = ids
		}
		if len(ids) == 0 {
			res.fail(i, r, "", errNoMessageID(norm[i]))
			continue
		}
		for _, id := range ids {
			add(i, r, id)
		}
	}
	return out, nil
}

// findIDs returns the ids of the messages whose Internet Message-ID is mid, in folder (a Graph folder id or
// well-known name) or, with "", in the whole mailbox.
func (s graphMail) findIDs(ctx context.Context, mid, folder string) ([]string, error) {
	o := graph.ListOptions{Filter: "internetMessageId eq " + graph.Quote(mid), Select: []string{"id"}, Top: 100}
	p, err := s.g().ListMessages(ctx, folder, o)
	var ids []string
	for err == nil {
		for _, m := range p.Value {
			ids = append(ids, m.ID)
		}
		if p.NextLink == "" {
			return ids, nil
		}
		p, err = s.g().NextMessages(ctx, p.NextLink)
	}
	return nil, s.c.graphErr("list messages", err, nil)
}

// folder resolves a FolderRef to what Graph takes in a path: a well-known name, or the id of a folder found by
// its path of display names.
func (s graphMail) folder(ctx context.Context, field string, f FolderRef) (string, error) {
	return s.c.graphFolder(ctx, field, f)
}

// graphFolder resolves a FolderRef for the Graph wire.
func (c *Client) graphFolder(ctx context.Context, field string, f FolderRef) (string, error) {
	if err := f.check(field); err != nil {
		return "", err
	}
	switch f.kind {
	case 0:
		return "inbox", nil
	case 'd':
		name := distinguishedNames[strings.ToLower(f.value)]
		if !graphWellKnownNames[name] {
			return "", &NotSupportedError{Backend: string(BackendGraph), What: field + " " + f.String(),
				Msg:  "Graph has no well-known mail folder of that name",
				Hint: "Graph's well-known mail folders are Inbox, SentItems, DeletedItems, Drafts, Outbox, JunkEmail, Archive, MsgFolderRoot, RecoverableItemsDeletions and a few more; give a path or an id"}
		}
		return name, nil
	case 'i':
		return c.graphID(ctx, f.value)
	}
	parts := splitPath(f.value)
	key := strings.ToLower("graph\x00" + c.mailbox + "\x00" + strings.Join(parts, "/"))
	c.shared.mu.Lock()
	ref, ok := c.shared.folders[key]
	c.shared.mu.Unlock()
	if ok {
		return ref.ID, nil
	}
	cur, start := "msgfolderroot", 0
	if d, ok := distinguishedNames[strings.ToLower(parts[0])]; ok {
		cur, start = d, 1
	}
	for i := start; i < len(parts); i++ {
		mf, err := c.graph.ChildFolder(ctx, cur, parts[i])
		if err != nil {
			var ge *graph.Error
			if errors.As(err, &ge) && ge.NotFound() {
				return "", &Error{Code: ErrFolderNotFound.Code,
					Message: fmt.Sprintf("no folder %q in %q", parts[i], strings.Join(parts[:i], "/"))}
			}
			return "", c.graphErr("list mail folders", err, ErrFolderNotFound)
		}
		cur = mf.ID
	}
	c.shared.mu.Lock()
	c.shared.folders[key] = soap.FolderRef{ID: cur}
	c.shared.mu.Unlock()
	return cur, nil
}

// messageFromGraph converts a Graph message to a Message, with times in loc.
func messageFromGraph(m *graph.Message, loc *time.Location) *Message {
	out := &Message{
		ID:                m.ID,
		ChangeKey:         m.ChangeKey,
		FolderID:          m.ParentFolderID,
		ItemClass:         "IPM.Note",
		InternetMessageID: m.InternetMessageID,
		ConversationID:    m.ConversationID,
		Subject:           m.Subject,
		To:                graphAddresses(m.ToRecipients),
		Cc:                graphAddresses(m.CcRecipients),
		Bcc:               graphAddresses(m.BccRecipients),
		ReplyTo:           graphAddresses(m.ReplyTo),
		Categories:        m.Categories,
	}
	if m.Sender != nil {
		out.Sender = Address{Name: m.Sender.EmailAddress.Name, Email: m.Sender.EmailAddress.Address}
	}
	if m.From != nil {
		out.From = Address{Name: m.From.EmailAddress.Name, Email: m.From.EmailAddress.Address}
	}
	if m.ReceivedDateTime != nil {
		out.Received = m.ReceivedDateTime.In(loc)
	}
	if m.SentDateTime != nil {
		out.Sent = m.SentDateTime.In(loc)
	}
	if m.Body != nil {
		if strings.EqualFold(m.Body.ContentType, "html") {
			out.BodyHTML = m.Body.Content
			out.Body = htmlText(m.Body.Content)
		} else {
			out.Body = m.Body.Content
		}
	}
	switch strings.ToLower(m.Importance) {
	case "low":
		out.Importance = ImportanceLow
	case "high":
		out.Importance = ImportanceHigh
	case "normal":
		out.Importance = ImportanceNormal
	}
	out.IsRead = m.IsRead != nil && *m.IsRead
	out.IsDraft = m.IsDraft != nil && *m.IsDraft
	out.IsReadReceiptRequested = m.IsReadReceiptRequested != nil && *m.IsReadReceiptRequested
	out.HasAttachments = m.HasAttachments != nil && *m.HasAttachments
	for _, h := range m.InternetMessageHeaders {
		out.Headers = append(out.Headers, InternetHeader{Name: h.Name, Value: strings.TrimSpace(h.Value)})
	}
	if m.Flag != nil {
		out.Flag = map[string]FlagStatus{"notFlagged": FlagNotFlagged, "flagged": FlagFlagged, "complete": FlagComplete}[m.Flag.FlagStatus]
	}
	out.InReplyTo = out.Header("In-Reply-To")
	out.References = out.Header("References")
	return out
}

func graphAddresses(rs []graph.Recipient) []Address {
	if len(rs) == 0 {
		return nil
	}
	out := make([]Address, len(rs))
	for i, r := range rs {
		out[i] = Address{Name: r.EmailAddress.Name, Email: r.EmailAddress.Address}
	}
	return out
}

// graphAttachmentSep joins a message id and an attachment id into the AttachmentInfo.ID of the graph backend:
// Graph addresses an attachment under its message. Neither id holds it (base64).
const graphAttachmentSep = "."

func attachmentFromGraph(msgID string, a *graph.Attachment, loc *time.Location) AttachmentInfo {
	info := AttachmentInfo{ID: msgID + graphAttachmentSep + a.ID, Name: a.Name, ContentType: a.ContentType,
		ContentID: a.ContentID, Size: int64(a.Size), Inline: a.IsInline,
		IsItem: a.ODataType == "#microsoft.graph.itemAttachment"}
	if a.LastModifiedDateTime != nil {
		info.LastModified = a.LastModifiedDateTime.In(loc)
	}
	return info
}

// full reads a message in full: its properties and, when it may have any (attachments, or an HTML body that
// refers to inline images), its attachments' descriptions.
func (s graphMail) full(ctx context.Context, id string) (*Message, error) {
	gm, err := s.g().GetMessage(ctx, id, graphMessageSelect...)
	if err != nil {
		return nil, s.c.graphErr("get message", err, nil)
	}
	m := messageFromGraph(gm, s.c.cfg.Location)
	if err := s.addAttachments(ctx, m); err != nil {
		return nil, err
	}
	return m, nil
}

// addAttachments fills m.Attachments when the message may have attachments.
func (s graphMail) addAttachments(ctx context.Context, m *Message) error {
	if !m.HasAttachments && !strings.Contains(strings.ToLower(m.BodyHTML), "cid:") {
		return nil
	}
	as, err := s.g().AttachmentInfos(ctx, m.ID)
	if err != nil {
		return s.c.graphErr("list attachments", err, nil)
	}
	for i := range as {
		m.Attachments = append(m.Attachments, attachmentFromGraph(m.ID, &as[i], s.c.cfg.Location))
	}
	return nil
}

// get is Get over Graph: one GET per message.
func (s graphMail) get(ctx context.Context, ids ...string) ([]*Message, error) {
	if _, err := s.batchOptions(); err != nil {
		return nil, err
	}
	res := &batchResult{total: len(ids)}
	targets, err := s.resolve(ctx, ids, res)
	if err != nil {
		return nil, err
	}
	var out []*Message
	for _, t := range targets {
		m, err := s.full(ctx, t.id)
		if err != nil {
			if ctx.Err() != nil {
				return out, ctx.Err()
			}
			res.fail(t.pos, t.ref, t.id, err)
			continue
		}
		out = append(out, m)
	}
	return out, res.err()
}

// findByMessageID is FindByMessageID over Graph: one list of the mailbox (or of each folder given) filtered
// by internetMessageId.
func (s graphMail) findByMessageID(ctx context.Context, messageID string, folders ...FolderRef) ([]*Message, error) {
	mid, err := normalizeMessageID("messageID", messageID)
	if err != nil {
		return nil, err
	}
	for i, f := range folders {
		if err := f.check(fmt.Sprintf("folders[%d]", i)); err != nil {
			return nil, err
		}
	}
	var ids []string
	if len(folders) == 0 {
		if ids, err = s.findIDs(ctx, mid, ""); err != nil {
			return nil, err
		}
	}
	for i, f := range folders {
		fid, err := s.folder(ctx, fmt.Sprintf("folders[%d]", i), f)
		if err != nil {
			return nil, fmt.Errorf("folders[%d]: %w", i, err)
		}
		got, err := s.findIDs(ctx, mid, fid)
		if err != nil {
			return nil, err
		}
		ids = append(ids, got...)
	}
	var out []*Message
	for _, id := range ids {
		m, err := s.full(ctx, id)
		if errors.Is(err, ErrItemNotFound) {
			continue // deleted since it was found
		}
		if err != nil {
			return nil, &ItemError{Ref: mid, ID: id, Err: err}
		}
		out = append(out, m)
	}
	return out, nil
}

// bulkResults records the failures of a $batch operation in res and returns the results by target.
func (s graphMail) bulkResults(op string, targets []target, rs []graph.BatchResult, err error, res *batchResult) []bool {
	done := make([]bool, len(targets))
	for i, t := range targets {
		switch {
		case i < len(rs) && rs[i].Err == nil && rs[i].ID != "":
			done[i] = true
		case i < len(rs) && rs[i].Err != nil:
			res.fail(t.pos, t.ref, t.id, s.c.graphErr(op, rs[i].Err, nil))
		case err != nil:
			res.fail(t.pos, t.ref, t.id, s.c.graphErr(op, err, nil))
		default:
			res.fail(t.pos, t.ref, t.id, ErrNotAttempted)
		}
	}
	return done
}

// moveCopy moves or copies messages with $batch requests of 20 (POST .../move, .../copy).
func (s graphMail) moveCopy(ctx context.Context, to FolderRef, ids []string, copyItems bool) ([]Moved, error) {
	if _, err := s.batchOptions(); err != nil {
		return nil, err
	}
	for i, r := range ids {
		if _, _, err := graphRef(fmt.Sprintf("ids[%d]", i), r); err != nil {
			return nil, err
		}
	}
	if len(ids) == 0 {
		return nil, inputErr("ids", "no message given")
	}
	dest, err := s.folder(ctx, "to", to)
	if err != nil {
		return nil, err
	}
	op, call := "move", s.g().MoveMany
	if copyItems {
		op, call = "copy", s.g().CopyMany
	}
	b, err := s.bulk(ctx, ids, op, false, func(tids []string) ([]graph.BatchResult, error) { return call(ctx, tids, dest) })
	if err != nil {
		return nil, err
	}
	var out []Moved
	for i, t := range b.targets {
		if b.done[i] {
			out = append(out, Moved{Ref: t.ref, ID: t.id, NewID: b.rs[i].ID})
		}
	}
	return out, b.res.err()
}

func (s graphMail) move(ctx context.Context, to FolderRef, ids ...string) ([]Moved, error) {
	return s.moveCopy(ctx, to, ids, false)
}

func (s graphMail) copy(ctx context.Context, to FolderRef, ids ...string) ([]Moved, error) {
	return s.moveCopy(ctx, to, ids, true)
}

// delete deletes messages with $batch requests: MoveToDeletedItems is Graph's DELETE (to Deleted Items, from
// there to Recoverable Items), SoftDelete a move to Recoverable Items (recoverableitemsdeletions), HardDelete
// permanentDelete.
func (s graphMail) delete(ctx context.Context, opts DeleteOptions, ids ...string) error {
	how, err := opts.How.check()
	if err != nil {
		return err
	}
	if _, err := s.batchOptions(); err != nil {
		return err
	}
	op, call := "delete", s.g().DeleteMany
	switch DeleteType(how) {
	case SoftDelete:
		op = "move"
		call = func(ctx context.Context, tids []string) ([]graph.BatchResult, error) {
			return s.g().MoveMany(ctx, tids, "recoverableitemsdeletions")
		}
	case HardDelete:
		op, call = "permanentDelete", s.g().PermanentDeleteMany
	}
	b, err := s.bulk(ctx, ids, op, true, func(tids []string) ([]graph.BatchResult, error) { return call(ctx, tids) })
	if err != nil {
		return err
	}
	return b.res.err()
}

// mark sets the read flag with $batch requests of PATCH isRead. Graph sends no read receipt for it.
func (s graphMail) mark(ctx context.Context, ids []string, read bool) error {
	if _, err := s.batchOptions(); err != nil {
		return err
	}
	b, err := s.bulk(ctx, ids, "update message", true, func(tids []string) ([]graph.BatchResult, error) { return s.g().MarkReadMany(ctx, tids, read) })
	if err != nil {
		return err
	}
	return b.res.err()
}

func (s graphMail) markRead(ctx context.Context, ids ...string) error { return s.mark(ctx, ids, true) }
func (s graphMail) markUnread(ctx context.Context, ids ...string) error {
	return s.mark(ctx, ids, false)
}

// firstID resolves one message reference to one id (the first copy of a Message-ID).
func (s graphMail) firstID(ctx context.Context, id string) (string, error) {
	res := &batchResult{total: 1}
	targets, err := s.resolve(ctx, []string{id}, res)
	if err != nil {
		if ie, ok := err.(*InputError); ok && ie.Field == "ids[0]" {
			ie.Field = "id"
		}
		return "", err
	}
	if err := res.err(); err != nil {
		return "", err
	}
	return targets[0].id, nil
}

func (s graphMail) attachments(ctx context.Context, id string) ([]AttachmentInfo, error) {
	mid, err := s.firstID(ctx, id)
	if err != nil {
		return nil, err
	}
	as, err := s.g().AttachmentInfos(ctx, mid)
	if err != nil {
		return nil, s.c.graphErr("list attachments", err, nil)
	}
	var out []AttachmentInfo
	for i := range as {
		out = append(out, attachmentFromGraph(mid, &as[i], s.c.cfg.Location))
	}
	return out, nil
}

// splitAttachmentID splits an AttachmentInfo.ID of the graph backend into the message's and the attachment's id.
func splitAttachmentID(id string) (string, string, error) {
	if err := checkText("attachmentID", id); err != nil {
		return "", "", err
	}
	msg, att, ok := strings.Cut(strings.TrimSpace(id), graphAttachmentSep)
	if !ok || msg == "" || att == "" {
		return "", "", inputErr("attachmentID", "%q is not an attachment id of the graph backend (AttachmentInfo.ID: <message id>.<attachment id>)", id)
	}
	return msg, att, nil
}

func (s graphMail) attachmentContent(ctx context.Context, attachmentID string) ([]byte, *AttachmentInfo, error) {
	msg, att, err := splitAttachmentID(attachmentID)
	if err != nil {
		return nil, nil, err
	}
	a, err := s.g().Attachment(ctx, msg, att)
	if err != nil {
		return nil, nil, s.c.graphErr("get attachment", err, nil)
	}
	info := attachmentFromGraph(msg, a, s.c.cfg.Location)
	if info.IsItem {
		return nil, nil, &NotSupportedError{Backend: string(BackendGraph), What: "AttachmentContent of an attached message",
			Msg: "the graph backend does not export attached messages as MIME yet", Hint: "use the ews backend, or ExportMIME of the message"}
	}
	if info.Size == 0 {
		info.Size = int64(len(a.ContentBytes))
	}
	return a.ContentBytes, &info, nil
}

func (s graphMail) exportMIME(ctx context.Context, id string) ([]byte, error) {
	mid, err := s.firstID(ctx, id)
	if err != nil {
		return nil, err
	}
	raw, err := s.g().MIME(ctx, mid)
	if err != nil {
		return nil, s.c.graphErr("get message MIME", err, nil)
	}
	return raw, nil
}

// markAsJunk is refused over Graph, before any request: MarkAsJunk always changes the mailbox's blocked
// senders list (NotJunk takes the sender off it; KeepInPlace only leaves the message where it is), and Graph
// v1.0 has no way to. message: markAsJunk and markAsNotJunk exist in the beta version only, deprecated (they
// stopped returning data on 30 December 2025); v1.0's message: reportMessage reports a message to Microsoft as
// junk, phishing or not junk (global cloud only) and may move it, but leaves the blocked senders list alone,
// and mailboxSettings does not expose that list. The move alone is MailService.Move to JunkEmail or Inbox.
func (s graphMail) markAsJunk(context.Context, JunkOptions, ...string) ([]Moved, error) {
	return nil, &NotSupportedError{Backend: string(BackendGraph), What: "MarkAsJunk",
		Msg:  "Graph v1.0 cannot add a sender to (or take one off) the mailbox's blocked senders list: markAsJunk is beta-only and deprecated, and reportMessage does not block the sender",
		Hint: "to move the messages only, use Move to JunkEmail (or Inbox); use the ews backend where EWS is still on to block senders"}
}

// graphGetFolder is GetFolder over Graph (GET mailFolders/{id}).
func (c *Client) graphGetFolder(ctx context.Context, f FolderRef) (*Folder, error) {
	id, err := c.graphFolder(ctx, "folder", f)
	if err != nil {
		return nil, err
	}
	mf, err := c.graph.Folder(ctx, id)
	if err != nil {
		return nil, c.graphErr("get mail folder", err, ErrFolderNotFound)
	}
	return &Folder{ID: mf.ID, ParentID: mf.ParentFolderID, DisplayName: mf.DisplayName, Class: "IPF.Note",
		TotalCount: mf.TotalItemCount, UnreadCount: mf.UnreadItemCount, ChildCount: mf.ChildFolderCount}, nil
}

// graphPatch checks u as Update does and returns its Graph PATCH body.
func graphPatch(u MessageUpdate) (map[string]any, error) {
	p := map[string]any{}
	if u.Categories != nil {
		for i, cat := range u.Categories {
			if strings.TrimSpace(cat) == "" {
				return nil, inputErr(fmt.Sprintf("MessageUpdate.Categories[%d]", i), "is empty")
			}
			if pr := textProblem(cat); pr != "" {
				return nil, inputErr(fmt.Sprintf("MessageUpdate.Categories[%d]", i), "%s", pr)
			}
		}
		p["categories"] = append([]string{}, u.Categories...)
	}
	switch u.Importance {
	case "":
	case ImportanceLow, ImportanceNormal, ImportanceHigh:
		p["importance"] = strings.ToLower(string(u.Importance))
	default:
		return nil, inputErr("MessageUpdate.Importance", "%q is not Low, Normal or High", string(u.Importance))
	}
	switch u.Flag {
	case "":
	case FlagNotFlagged, FlagFlagged, FlagComplete:
		p["flag"] = graph.FollowupFlag{FlagStatus: map[FlagStatus]string{FlagNotFlagged: "notFlagged", FlagFlagged: "flagged",
			FlagComplete: "complete"}[u.Flag]}
	default:
		return nil, inputErr("MessageUpdate.Flag", "%q is not NotFlagged, Flagged or Complete", string(u.Flag))
	}
	if u.IsRead != nil {
		p["isRead"] = *u.IsRead
	}
	if len(p) == 0 {
		return nil, inputErr("MessageUpdate", "changes nothing")
	}
	return p, nil
}

// update is Update over Graph: $batch requests of 20 PATCHes with the changes.
func (s graphMail) update(ctx context.Context, u MessageUpdate, ids ...string) error {
	patch, err := graphPatch(u)
	if err != nil {
		return err
	}
	if _, err := s.batchOptions(); err != nil {
		return err
	}
	b, err := s.bulk(ctx, ids, "update message", true, func(tids []string) ([]graph.BatchResult, error) { return s.g().PatchMany(ctx, tids, patch) })
	if err != nil {
		return err
	}
	return b.res.err()
}

// graphBulk is the outcome of bulk: the resolved targets, the $batch results (one a target) and which succeeded,
// recorded in res.
type graphBulk struct {
	targets []target
	rs      []graph.BatchResult
	done    []bool
	res     *batchResult
}

// bulk resolves ids (ItemIds or Internet Message-IDs), carries call out on the resolved ids in $batch requests
// and records each outcome in the result, as op. With sameIDs a success without an id in its answer keeps the
// target's id. It returns an error only for a cancelled context or a failed resolution; per-message failures
// are in the result.
func (s graphMail) bulk(ctx context.Context, ids []string, op string, sameIDs bool, call func(tids []string) ([]graph.BatchResult, error)) (*graphBulk, error) {
	res := &batchResult{total: len(ids)}
	targets, err := s.resolve(ctx, ids, res)
	if err != nil {
		return nil, err
	}
	tids := make([]string, len(targets))
	for i, t := range targets {
		tids[i] = t.id
	}
	var rs []graph.BatchResult
	if len(tids) > 0 {
		rs, err = call(tids)
		if ctx.Err() != nil && err == ctx.Err() {
			return nil, err
		}
	}
	if sameIDs {
		for i := range rs {
			if rs[i].Err == nil && rs[i].ID == "" {
				rs[i].ID = tids[i]
			}
		}
	}
	done := s.bulkResults(op, targets, rs, err, res)
	return &graphBulk{targets: targets, rs: rs, done: done, res: res}, nil
}
