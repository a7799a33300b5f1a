package ews

import (
	"context"

	"github.com/ewsgo/ews/internal/soap"
)

// JunkOptions say what MailService.MarkAsJunk does.
type JunkOptions struct {
	// NotJunk reverses it: the messages go back to the Inbox and their senders off the blocked senders list.
	NotJunk bool
	// KeepInPlace leaves the messages where they are (only the blocked senders list changes).
	KeepInPlace bool
}

// markAsJunk is MarkAsJunk over EWS.
func (s ewsMail) markAsJunk(ctx context.Context, opts JunkOptions, ids ...string) ([]Moved, error) {
	o, err := s.batchOptions()
	if err != nil {
		return nil, err
	}
	if err := checkRefs(ids); err != nil {
		return nil, err
	}
	if err := s.c.requireVersion(ctx, "Exchange2013", "MarkAsJunk"); err != nil {
		return nil, err
	}
	res := &batchResult{total: len(ids)}
	targets, err := s.resolve(ctx, ids, res)
	if err != nil {
		return nil, err
	}
	newIDs := make([]string, len(targets))
	done := make([]bool, len(targets))
	eachBatch(ctx, s.c, o, targets, res, func(ctx context.Context, lo int, batch []target) ([]error, error) {
		req := &soap.MarkAsJunk{IsJunk: !opts.NotJunk, MoveItem: !opts.KeepInPlace, ItemIDs: make([]soap.ItemID, len(batch))}
		for i, t := range batch {
			req.ItemIDs[i] = soap.ItemID{ID: t.id}
		}
		resp, err := do(ctx, s.c, req)
		if err != nil {
			return nil, err
		}
		errs := make([]error, len(batch))
		for i := range resp.ResponseMessages {
			m := &resp.ResponseMessages[i]
			if errs[i] = s.c.itemErr(req, m); errs[i] != nil {
				continue
			}
			done[lo+i] = true
			if m.MovedItemID != nil {
				newIDs[lo+i] = m.MovedItemID.ID
			}
		}
		return errs, nil
	})
	var out []Moved
	for i, t := range targets {
		if done[i] {
			out = append(out, Moved{Ref: t.ref, ID: t.id, NewID: newIDs[i]})
		}
	}
	return out, res.err()
}
