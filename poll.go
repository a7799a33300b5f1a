package ews

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ewsgo/ews/internal/soap"
)

// ChangeKind says what happened to an item in a watched folder.
type ChangeKind string

// Kinds of change a Poller delivers. Only ChangeCreated is delivered unless PollerOptions asks for more.
const (
	// ChangeCreated is a new item in the folder: new mail, or an item moved or copied in.
	ChangeCreated ChangeKind = "created"
	// ChangeUpdated is a change of an item's properties (PollerOptions.IncludeUpdated).
	ChangeUpdated ChangeKind = "updated"
	// ChangeReadFlag is a change of an item's read flag only (PollerOptions.IncludeUpdated).
	ChangeReadFlag ChangeKind = "read_flag"
	// ChangeDeleted is an item that left the folder: deleted or moved out (PollerOptions.IncludeDeleted).
	ChangeDeleted ChangeKind = "deleted"
)

// MailEvent is one change a Poller delivers: usually a new message in a watched folder. ItemID identifies the
// item for the other operations of the client (for Mailbox, through Client.ForMailbox).
type MailEvent struct {
	Kind ChangeKind
	// Mailbox is the address of the mailbox of the folder ("" for the client's own when it has no address).
	Mailbox string
	// Folder is the watched folder, as given in PollerOptions.Folders.
	Folder FolderRef
	// ItemID and ChangeKey identify the item (for ChangeDeleted, the item that is gone).
	ItemID    string
	ChangeKey string
	// The fields below summarise the item; they are empty for ChangeDeleted and ChangeReadFlag (but IsRead).
	InternetMessageID string
	Subject           string
	// From is the SMTP address of the sender.
	From           string
	FromName       string
	Received       time.Time
	IsRead         bool
	ItemClass      string
	HasAttachments bool
	Size           int64
	// Message is the whole message (recipients, bodies, Internet headers, attachment metadata) of a
	// ChangeCreated or ChangeUpdated event, read with MailService.Get before the event is delivered. It is nil
	// with PollerOptions.SummaryOnly, for other kinds of change, and when the item was gone by the time it was
	// read.
	Message *Message
}

// identity is the key that removes duplicate deliveries: a new message is the same message however often the
// server reports it (InternetMessageId, else ItemId); other changes are identified by item and change key.
func (e *MailEvent) identity() string {
	switch e.Kind {
	case ChangeCreated:
		if e.InternetMessageID != "" {
			return "m:" + e.InternetMessageID
		}
		return "i:" + e.ItemID
	case ChangeDeleted:
		return "d:" + e.ItemID
	default:
		return "u:" + e.ItemID + "/" + e.ChangeKey + "/" + string(e.Kind)
	}
}

// MailHandler handles one MailEvent. The poller records the event as delivered only when the handler returns
// nil; an error stops the round, and the event is delivered again by the next one.
type MailHandler func(ctx context.Context, ev *MailEvent) error

// NotifyMode selects how Poller.Watch learns that a folder changed.
type NotifyMode string

// Notification modes.
const (
	// NotifyAuto uses streaming notifications when the server has them (Exchange 2010 SP1 and later) and pull
	// notifications otherwise.
	NotifyAuto NotifyMode = ""
	// NotifyStreaming keeps a GetStreamingEvents connection open per mailbox. A server without streaming
	// notifications (Exchange 2007, Exchange 2010 RTM) makes Watch fail with its refusal (an error matching
	// ErrInvalidServerVersion for a server known to be older than 2010 SP1).
	NotifyStreaming NotifyMode = "streaming"
	// NotifyPull asks for events (GetEvents) every PollerOptions.Interval.
	NotifyPull NotifyMode = "pull"
	// NotifyNone synchronises every PollerOptions.Interval without subscriptions.
	NotifyNone NotifyMode = "none"
)

// PollerOptions configures a Poller.
type PollerOptions struct {
	// Folders to watch in each mailbox; empty means Inbox.
	Folders []FolderRef
	// Mailboxes to watch, by SMTP address, each reached through Client.ForMailbox (impersonation or delegate
	// access, as the client is configured). Empty means the client's own mailbox.
	Mailboxes []string
	// Store keeps each folder's PollState; nil keeps them in memory, so that a new Poller starts over.
	Store StateStore
	// IncludeExisting delivers the items already in a folder the first time it is synchronised. By default the
	// first synchronisation only records them (the baseline), and only later arrivals are delivered.
	IncludeExisting bool
	// IncludeUpdated also delivers ChangeUpdated and ChangeReadFlag events.
	IncludeUpdated bool
	// IncludeDeleted also delivers ChangeDeleted events.
	IncludeDeleted bool
	// SummaryOnly leaves MailEvent.Message nil: the events carry only the summary SyncFolderItems returns, and
	// no GetItem is sent for them.
	SummaryOnly bool
	// PageSize is the number of changes asked for per SyncFolderItems request (MaxChangesReturned), 1 to 512;
	// 0 means 100, or BatchSize times Concurrency when that is larger (at most 512).
	PageSize int
	// BatchSize is the number of messages one GetItem reads in full; 0 means DefaultBatchSize (100).
	BatchSize int
	// Concurrency is the number of GetItem requests in flight while a page's messages are read (its batches are
	// read in parallel; the page's events are delivered in order once all are read, so memory holds one page's
	// messages). 0 means 1. The client's MaxConcurrency bounds it as well.
	Concurrency int
	// RecentIDs is how many identities of delivered messages each folder's state keeps to remove duplicates;
	// 0 means 1000.
	RecentIDs int
	// Notifications selects how Watch learns of changes; NotifyAuto by default.
	Notifications NotifyMode
	// Interval is the time between GetEvents requests with pull notifications, and between synchronisations with
	// NotifyNone; 0 means 30 seconds.
	Interval time.Duration
	// StreamMinutes is how long one streaming connection lasts before Watch opens the next (ConnectionTimeout,
	// 1 to 30 minutes); 0 means 30.
	StreamMinutes int
	// RetryDelay is the first wait after a failure Watch recovers from; it doubles up to 2 minutes. 0 means one
	// second.
	RetryDelay time.Duration
	// OnError, if set, receives the errors Watch recovers from: a dropped connection, an expired subscription,
	// a failed request it retries.
	OnError func(error)
}

// Poller delivers the changes of one or more folders of one or more mailboxes, built on SyncFolderItems: each
// new message is delivered once, in the order the server reports them, and the state is committed after the
// handler returns. Get one from Client.NewPoller. A Poller's methods must not be called concurrently.
//
// Delivery is at least once: a handler's event is recorded as delivered only after the handler returns nil, so a
// crash or an error in between delivers it again. Each folder's state keeps the identities of the messages
// delivered recently (InternetMessageId, else ItemId), which removes those duplicates: across restarts, and when
// the server refuses a sync state (ErrorInvalidSyncStateData) and the folder is synchronised from scratch, a
// handler sees each new message once. The one window left is a crash after the handler returned and before the
// state was written (one small file write), where the message is delivered again.
type Poller struct {
	opts      PollerOptions
	store     StateStore
	mailboxes []*watchedMailbox
	deliverMu sync.Mutex // one handler call and state write at a time
}

// watchedMailbox is one mailbox of a poller and its folders.
type watchedMailbox struct {
	c       *Client
	folders []*watchedFolder
}

// watchedFolder is one folder of one mailbox and its state.
type watchedFolder struct {
	c      *Client
	folder FolderRef
	key    string
	st     *PollState // nil until loaded
	recent *recentSet
}

// NewPoller returns a poller of the folders and mailboxes opts names. It checks opts and makes no request.
func (c *Client) NewPoller(opts PollerOptions) (*Poller, error) {
	if opts.BatchSize < 0 || opts.BatchSize > maxBatchSize {
		return nil, inputErr("PollerOptions.BatchSize", "%d is not between 1 and %d (0 means %d)", opts.BatchSize, maxBatchSize, DefaultBatchSize)
	}
	if opts.Concurrency < 0 {
		return nil, inputErr("PollerOptions.Concurrency", "%d is negative", opts.Concurrency)
	}
	if opts.PageSize == 0 {
		// A page holds a batch for each request in flight.
		batch := opts.BatchSize
		if batch == 0 {
			batch = DefaultBatchSize
		}
		opts.PageSize = min(512, max(100, batch*opts.Concurrency))
	}
	if opts.PageSize < 1 || opts.PageSize > 512 {
		return nil, fmt.Errorf("ews: PollerOptions.PageSize %d is not between 1 and 512", opts.PageSize)
	}
	if opts.RecentIDs == 0 {
		opts.RecentIDs = 1000
	}
	if opts.RecentIDs < 0 {
		return nil, fmt.Errorf("ews: PollerOptions.RecentIDs %d is negative", opts.RecentIDs)
	}
	if opts.StreamMinutes == 0 {
		opts.StreamMinutes = 30
	}
	if opts.StreamMinutes < 1 || opts.StreamMinutes > 30 {
		return nil, fmt.Errorf("ews: PollerOptions.StreamMinutes %d is not between 1 and 30", opts.StreamMinutes)
	}
	if opts.Interval == 0 {
		opts.Interval = 30 * time.Second
	}
	if opts.Interval < 0 {
		return nil, fmt.Errorf("ews: PollerOptions.Interval %v is negative", opts.Interval)
	}
	if opts.RetryDelay == 0 {
		opts.RetryDelay = time.Second
	}
	if opts.RetryDelay < 0 {
		return nil, fmt.Errorf("ews: PollerOptions.RetryDelay %v is negative", opts.RetryDelay)
	}
	switch opts.Notifications {
	case NotifyAuto, NotifyStreaming, NotifyPull, NotifyNone:
	default:
		return nil, fmt.Errorf("ews: PollerOptions.Notifications %q is not one of \"\" (auto), streaming, pull, none", opts.Notifications)
	}
	folders := opts.Folders
	if len(folders) == 0 {
		folders = []FolderRef{Inbox}
	}
	seen := map[string]bool{}
	for i, f := range folders {
		if err := f.check(fmt.Sprintf("PollerOptions.Folders[%d]", i)); err != nil {
			return nil, err
		}
		if seen[strings.ToLower(f.String())] {
			return nil, fmt.Errorf("ews: PollerOptions.Folders[%d]: %q is listed twice", i, f.String())
		}
		seen[strings.ToLower(f.String())] = true
	}
	clients := []*Client{c}
	if len(opts.Mailboxes) > 0 {
		clients = clients[:0]
		seenMB := map[string]bool{}
		for i, addr := range opts.Mailboxes {
			if err := checkEmail(fmt.Sprintf("PollerOptions.Mailboxes[%d]", i), addr); err != nil {
				return nil, err
			}
			if seenMB[strings.ToLower(addr)] {
				return nil, fmt.Errorf("ews: PollerOptions.Mailboxes[%d]: %q is listed twice", i, addr)
			}
			seenMB[strings.ToLower(addr)] = true
			mc := c
			if !strings.EqualFold(addr, c.Mailbox()) {
				var err error
				if mc, err = c.ForMailbox(addr); err != nil {
					return nil, err
				}
			}
			clients = append(clients, mc)
		}
	}
	if opts.Notifications == NotifyStreaming && c.cfg.HTTPClient == nil && len(clients) >= c.cfg.MaxConcurrency {
		return nil, fmt.Errorf("ews: streaming notifications for %d mailboxes need Config.MaxConcurrency above %d (each holds a connection)", len(clients), len(clients))
	}
	store := opts.Store
	if store == nil {
		store = &MemoryStateStore{}
	}
	p := &Poller{opts: opts, store: store}
	for _, mc := range clients {
		mb := &watchedMailbox{c: mc}
		for _, f := range folders {
			mb.folders = append(mb.folders, &watchedFolder{c: mc, folder: f, key: stateKey(mc.Mailbox(), f)})
		}
		p.mailboxes = append(p.mailboxes, mb)
	}
	return p, nil
}

// stateKey is the StateStore key of a folder of a mailbox: "<lower-case address>|<folder>".
func stateKey(mailbox string, f FolderRef) string {
	return strings.ToLower(mailbox) + "|" + f.String()
}

// Poll synchronises every folder once, delivering each change to h in order, and returns when all are up to
// date, or at the first error: h's error (wrapped; the event is delivered again by the next Poll) or the
// server's. The first Poll of a folder without a stored state records the baseline and delivers nothing, unless
// IncludeExisting is set.
func (p *Poller) Poll(ctx context.Context, h MailHandler) error {
	if h == nil {
		return errors.New("ews: Poll: handler is nil")
	}
	for _, mb := range p.mailboxes {
		if err := p.syncMailbox(ctx, mb, h); err != nil {
			return err
		}
	}
	return nil
}

func (p *Poller) syncMailbox(ctx context.Context, mb *watchedMailbox, h MailHandler) error {
	for _, f := range mb.folders {
		if err := p.syncFolder(ctx, f, h); err != nil {
			return err
		}
	}
	return nil
}

// HandlerError wraps an error a MailHandler returned; Poll and Watch return it as is, so errors.Is and errors.As
// see the handler's error through it.
type HandlerError struct {
	// Event is the event the handler failed on.
	Event *MailEvent
	// Err is the handler's error.
	Err error
}

// Error implements error.
func (e *HandlerError) Error() string {
	return fmt.Sprintf("ews: handler failed on %s item %s in %s: %v", e.Event.Kind, e.Event.ItemID, e.Event.Folder, e.Err)
}

// Unwrap returns the handler's error.
func (e *HandlerError) Unwrap() error { return e.Err }

// syncShape asks SyncFolderItems for what a MailEvent summarises (first-class properties only, which
// SyncFolderItems returns).
var syncShape = soap.ItemShape{BaseShape: "IdOnly", AdditionalProperties: soap.PathList{
	{FieldURI: "item:ItemClass"}, {FieldURI: "item:Subject"}, {FieldURI: "item:DateTimeReceived"}, {FieldURI: "item:Size"},
	{FieldURI: "item:HasAttachments"}, {FieldURI: "message:From"}, {FieldURI: "message:InternetMessageId"},
	{FieldURI: "message:IsRead"},
}}

// load reads a folder's state from the store the first time.
func (p *Poller) load(ctx context.Context, f *watchedFolder) error {
	if f.st != nil {
		return nil
	}
	st, err := p.store.Get(ctx, f.key)
	if err != nil {
		return &stateError{key: f.key, err: err}
	}
	if st == nil {
		st = &PollState{Phase: phaseBaseline}
		if p.opts.IncludeExisting {
			st.Phase = ""
		}
	}
	f.st, f.recent = st, newRecentSet(st.Recent, p.opts.RecentIDs)
	return nil
}

// commit writes a folder's state. It is not cancelled with ctx: a delivered event must be recorded.
func (p *Poller) commit(ctx context.Context, f *watchedFolder) error {
	f.st.Recent = f.recent.order
	if err := p.store.Put(context.WithoutCancel(ctx), f.key, f.st); err != nil {
		return &stateError{key: f.key, err: err}
	}
	return nil
}

// commitLocked is commit under deliverMu (released also if the StateStore panics).
func (p *Poller) commitLocked(ctx context.Context, f *watchedFolder) error {
	p.deliverMu.Lock()
	defer p.deliverMu.Unlock()
	return p.commit(ctx, f)
}

// stateError is a failure of the StateStore; Watch does not retry it.
type stateError struct {
	key string
	err error
}

func (e *stateError) Error() string { return "ews: poll state of " + e.key + ": " + e.err.Error() }
func (e *stateError) Unwrap() error { return e.err }

// syncFolder synchronises one folder to the end, page by page.
func (p *Poller) syncFolder(ctx context.Context, f *watchedFolder, h MailHandler) error {
	if err := p.load(ctx, f); err != nil {
		return err
	}
	if f.c.graph != nil {
		return p.graphSyncFolder(ctx, f, h)
	}
	ref, err := f.c.wireFolder(ctx, "PollerOptions.Folders", f.folder)
	if err != nil {
		return err
	}
	guard := &progressGuard{what: "SyncFolderItems of " + f.key}
	for {
		req := &soap.SyncFolderItems{ItemShape: syncShape, SyncFolderID: soap.TargetFolder{Folder: ref},
			SyncState: f.st.SyncState, MaxChangesReturned: p.opts.PageSize}
		resp, err := do(ctx, f.c, req)
		if err != nil {
			return err
		}
		m := &resp.ResponseMessages[0]
		if err := f.c.itemErr(req, &m.ResponseMessage); err != nil {
			if errors.Is(err, ErrInvalidSyncStateData) && f.st.SyncState != "" {
				// The server no longer knows our state: start over, delivering only what we have not.
				p.report(fmt.Errorf("ews: %s: sync state refused, synchronising again: %w", f.key, err))
				f.st.SyncState = ""
				if f.st.Phase == "" {
					f.st.Phase, f.st.ResyncFrom = phaseResync, f.st.HighWater
				}
				if err := p.commitLocked(ctx, f); err != nil {
					return err
				}
				continue
			}
			return err
		}
		if m.SyncState == "" {
			return fmt.Errorf("%w: SyncFolderItems returned no SyncState", ErrMalformedResponse)
		}
		stalled := len(m.Changes.Changes) == 0 && m.SyncState == f.st.SyncState
		// Progress is changes with a new state: a new state without changes, or the same changes with the same
		// state, again and again, is a server that would keep the loop (and its memory) going forever.
		progress := len(m.Changes.Changes) > 0 && m.SyncState != f.st.SyncState
		if err := p.deliverPage(ctx, f, m, h); err != nil {
			return err
		}
		if m.IncludesLastItemInRange || stalled {
			return nil
		}
		if err := guard.step(ctx, progress); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// deliverPage delivers the changes of one page, then commits the page's sync state.
func (p *Poller) deliverPage(ctx context.Context, f *watchedFolder, m *soap.SyncFolderItemsResponseMessage, h MailHandler) error {
	evs := make([]*MailEvent, 0, len(m.Changes.Changes))
	for i := range m.Changes.Changes {
		if ev := f.event(&m.Changes.Changes[i]); ev != nil {
			evs = append(evs, ev)
		}
	}
	return p.deliverEvents(ctx, f, evs, m.SyncState, m.IncludesLastItemInRange, h)
}

// deliverEvents delivers the changes of one page of either wire, then commits the state after the page
// (state; last when the page ends the synchronisation).
func (p *Poller) deliverEvents(ctx context.Context, f *watchedFolder, evs []*MailEvent, state string, last bool, h MailHandler) error {
	var todo []*MailEvent
	for _, ev := range evs {
		id := ev.identity()
		switch {
		case f.st.Phase == phaseBaseline:
			f.recent.add(id) // seen, not delivered
			f.noteReceived(ev)
		case f.recent.has[id]:
			// delivered already
		case f.st.Phase == phaseResync && ev.Kind == ChangeCreated && !ev.Received.IsZero() && ev.Received.Before(f.st.ResyncFrom):
			// in the folder before the last message delivered: taken as delivered
		case ev.Kind == ChangeUpdated || ev.Kind == ChangeReadFlag:
			if p.opts.IncludeUpdated {
				todo = append(todo, ev)
			}
		case ev.Kind == ChangeDeleted:
			if p.opts.IncludeDeleted {
				todo = append(todo, ev)
			}
		default:
			todo = append(todo, ev)
		}
	}
	if !p.opts.SummaryOnly {
		if err := p.fetch(ctx, f, todo); err != nil {
			return err
		}
	}
	p.deliverMu.Lock()
	defer p.deliverMu.Unlock()
	for _, ev := range todo {
		id := ev.identity()
		if f.recent.has[id] { // the same message twice in one page
			continue
		}
		if err := ctx.Err(); err != nil {
			// Stopping: what was delivered is committed, the rest of the page comes again next time.
			return err
		}
		if err := h(ctx, ev); err != nil {
			// Record what was delivered before this event, and not the page's new sync state.
			if cerr := p.commit(ctx, f); cerr != nil {
				return errors.Join(&HandlerError{Event: ev, Err: err}, cerr)
			}
			return &HandlerError{Event: ev, Err: err}
		}
		f.recent.add(id)
		f.noteReceived(ev)
		if err := p.commit(ctx, f); err != nil {
			return err
		}
	}
	f.st.SyncState = state
	if last {
		f.st.Phase, f.st.ResyncFrom = "", time.Time{}
	}
	return p.commit(ctx, f)
}

// noteReceived moves the folder's high-water mark up to a new message's received time.
func (f *watchedFolder) noteReceived(ev *MailEvent) {
	if ev.Kind == ChangeCreated && ev.Received.After(f.st.HighWater) {
		f.st.HighWater = ev.Received
	}
}

// fetch reads the full messages of created and updated events with MailService.Get, in batches of
// PollerOptions.BatchSize, Concurrency at a time.
// Items that are gone by now keep a nil Message; any other failure to read one is the page's error, so that no
// event is committed without its message.
func (p *Poller) fetch(ctx context.Context, f *watchedFolder, evs []*MailEvent) error {
	var ids []string
	for _, ev := range evs {
		if ev.Kind == ChangeCreated || ev.Kind == ChangeUpdated {
			ids = append(ids, ev.ItemID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	msgs, err := f.c.Mail().WithBatch(BatchOptions{Size: p.opts.BatchSize, Concurrency: p.opts.Concurrency}).Get(ctx, ids...)
	var be *BatchError
	if err != nil && !errors.As(err, &be) {
		return err
	}
	if be != nil {
		// A message that is gone (deleted or moved since the change) is delivered without its Message. Any
		// other failure (a message the server could not give, an answer that could not be read) fails the page
		// before anything of it is committed: its events come again on the next call.
		for _, fe := range be.Failed {
			if !errors.Is(fe.Err, ErrItemNotFound) {
				return fmt.Errorf("ews: reading the message of a change: %w", be)
			}
		}
	}
	byID := make(map[string]*Message, len(msgs))
	for _, m := range msgs {
		byID[m.ID] = m
	}
	for _, ev := range evs {
		if ev.Kind == ChangeCreated || ev.Kind == ChangeUpdated {
			ev.Message = byID[ev.ItemID]
		}
	}
	return nil
}

// event turns a sync change into a MailEvent.
func (f *watchedFolder) event(c *soap.SyncChange) *MailEvent {
	ev := &MailEvent{Mailbox: f.c.Mailbox(), Folder: f.folder}
	switch c.Kind() {
	case soap.SyncCreate:
		ev.Kind = ChangeCreated
	case soap.SyncUpdate:
		ev.Kind = ChangeUpdated
	case soap.SyncReadFlagChange:
		ev.Kind, ev.IsRead = ChangeReadFlag, c.IsRead
	case soap.SyncDelete:
		ev.Kind = ChangeDeleted
	default:
		return nil
	}
	if id := c.ID(); id != nil {
		ev.ItemID, ev.ChangeKey = id.ID, id.ChangeKey
	}
	if ev.ItemID == "" {
		return nil
	}
	if it := c.Item(); it != nil {
		ev.InternetMessageID = strings.TrimSpace(it.InternetMessageID)
		ev.Subject = it.Subject
		if it.From != nil {
			ev.From, ev.FromName = it.From.Mailbox.EmailAddress, it.From.Mailbox.Name
		}
		ev.Received = it.DateTimeReceived.Time
		ev.IsRead = it.IsRead
		ev.ItemClass = it.ItemClass
		ev.HasAttachments = it.HasAttachments
		ev.Size = it.Size
	}
	return ev
}

// report passes an error Watch recovers from to OnError.
func (p *Poller) report(err error) {
	if p.opts.OnError != nil && err != nil {
		p.opts.OnError(err)
	}
}
