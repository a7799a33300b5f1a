package ews

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ewsgo/ews/internal/graph"
)

// Polling over Microsoft Graph: a Poller's folder is synchronised with message delta
// (GET /mailFolders/{id}/messages/delta) instead of SyncFolderItems, with the same state, delivery and
// exactly-once rules (poll.go's deliverEvents). PollState.SyncState holds the link to continue from: the
// @odata.nextLink of the page last delivered while a round goes on, its @odata.deltaLink once the round is done.
// Both are durable cursors (going back to a link gives its changes again), so committing the link only after a
// page's events are delivered gives the same at-least-once delivery with duplicates removed by PollState.Recent.
//
// A synchronization reset (Graph answers 410 Gone or syncStateNotFound for a link it no longer knows) is
// handled as EWS's ErrorInvalidSyncStateData: the folder is synchronised again from the start in the "resync"
// phase, where a message received before the last one delivered (PollState.HighWater) or already in Recent is
// taken as delivered, and only the others are delivered. A state written by the EWS backend (a SyncFolderItems
// state, not a Graph link) is taken the same way, so a program can switch backend and keep its state file.
//
// Graph's delta does not tell a new message from a changed one: with IncludeUpdated, a message whose identity
// is in PollState.Recent is a ChangeUpdated, any other a ChangeCreated (a change to a message delivered longer
// ago than RecentIDs deliveries comes as ChangeCreated); ChangeReadFlag is not told apart from ChangeUpdated.
// Without IncludeUpdated and IncludeDeleted, the delta asks for created messages only (changeType=created).
// MailEvent.ItemClass is "IPM.Note" and MailEvent.Size is 0: Graph's message has neither.

// graphDeltaSelect are the properties a MailEvent summarises.
var graphDeltaSelect = []string{"id", "changeKey", "subject", "receivedDateTime", "hasAttachments", "from",
	"internetMessageId", "isRead"}

// graphSyncFolder synchronises one folder to the end of a delta round, page by page.
func (p *Poller) graphSyncFolder(ctx context.Context, f *watchedFolder, h MailHandler) error {
	c := f.c
	folder, err := c.graphFolder(ctx, "PollerOptions.Folders", f.folder)
	if err != nil {
		return err
	}
	opts := graph.DeltaOptions{Select: graphDeltaSelect, MaxPageSize: p.opts.PageSize}
	if !p.opts.IncludeUpdated && !p.opts.IncludeDeleted {
		opts.ChangeType = "created"
	}
	resync := func(why error) error {
		p.report(fmt.Errorf("ews: %s: %w", f.key, why))
		f.st.SyncState = ""
		if f.st.Phase == "" {
			f.st.Phase, f.st.ResyncFrom = phaseResync, f.st.HighWater
		}
		p.deliverMu.Lock()
		defer p.deliverMu.Unlock()
		return p.commit(ctx, f)
	}
	if st := f.st.SyncState; st != "" && !strings.HasPrefix(st, c.cfg.GraphEndpoint+"/") {
		if err := resync(errors.New("the poll state is not a Graph delta link (written by the ews backend?), synchronising again")); err != nil {
			return err
		}
	}
	guard := &progressGuard{what: "message delta of " + f.key}
	for {
		var page *graph.DeltaPage
		if f.st.SyncState == "" {
			page, err = c.graph.MessageDelta(ctx, folder, opts)
		} else {
			page, err = c.graph.NextDelta(ctx, f.st.SyncState, p.opts.PageSize)
		}
		if err != nil {
			if errors.Is(err, graph.ErrSyncReset) && f.st.SyncState != "" {
				if err := resync(fmt.Errorf("the delta synchronization was reset by Graph, synchronising again: %w: %w", ErrInvalidSyncStateData, err)); err != nil {
					return err
				}
				continue
			}
			return c.graphErr("message delta", err, ErrFolderNotFound)
		}
		evs := make([]*MailEvent, 0, len(page.Value))
		for i := range page.Value {
			if ev := f.graphEvent(&page.Value[i], opts.ChangeType != "" || f.st.Phase != ""); ev != nil {
				evs = append(evs, ev)
			}
		}
		next, last := page.NextLink, false
		if next == "" {
			next, last = page.DeltaLink, true
		}
		progress := len(evs) > 0 && next != f.st.SyncState
		if err := p.deliverEvents(ctx, f, evs, next, last, h); err != nil {
			return err
		}
		if last {
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

// graphEvent turns a delta entry into a MailEvent; allCreated takes every message entry as a new one (a
// round of created messages only, a baseline, a re-synchronisation).
func (f *watchedFolder) graphEvent(d *graph.DeltaMessage, allCreated bool) *MailEvent {
	if d.ID == "" {
		return nil
	}
	ev := &MailEvent{Mailbox: f.c.Mailbox(), Folder: f.folder, ItemID: d.ID, ChangeKey: d.ChangeKey}
	if d.Removed != nil {
		ev.Kind = ChangeDeleted
		return ev
	}
	m := &d.Message
	ev.Kind = ChangeCreated
	ev.InternetMessageID = strings.TrimSpace(m.InternetMessageID)
	if !allCreated && f.recent.has[ev.identity()] {
		ev.Kind = ChangeUpdated
	}
	ev.Subject = m.Subject
	ev.ItemClass = "IPM.Note"
	if m.From != nil {
		ev.From, ev.FromName = m.From.EmailAddress.Address, m.From.EmailAddress.Name
	}
	if m.ReceivedDateTime != nil {
		ev.Received = *m.ReceivedDateTime
	}
	ev.IsRead = m.IsRead != nil && *m.IsRead
	ev.HasAttachments = m.HasAttachments != nil && *m.HasAttachments
	return ev
}
