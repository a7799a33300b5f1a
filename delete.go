package ews

import (
	"context"
	"fmt"

	"github.com/ewsgo/ews/internal/soap"
)

// DeleteType says how Delete deletes.
type DeleteType string

// Delete types.
const (
	// MoveToDeletedItems moves items to the Deleted Items folder (items already there are soft-deleted). It is
	// the zero value of DeleteOptions.How.
	MoveToDeletedItems DeleteType = "MoveToDeletedItems"
	// SoftDelete moves items to the Recoverable Items (dumpster), from where they can be recovered.
	SoftDelete DeleteType = "SoftDelete"
	// HardDelete removes items for good (they cannot be recovered by the user).
	HardDelete DeleteType = "HardDelete"
)

// check returns the DeleteType of a request.
func (t DeleteType) check() (string, error) {
	switch t {
	case "":
		return string(MoveToDeletedItems), nil
	case HardDelete, SoftDelete, MoveToDeletedItems:
		return string(t), nil
	}
	return "", inputErr("DeleteOptions.How", "%q is not a delete type (MoveToDeletedItems, SoftDelete or HardDelete)", string(t))
}

// DeleteOptions says how the Delete of every service (MailService, CalendarService, ContactsService) deletes.
type DeleteOptions struct {
	// How is the kind of deletion; the zero value is MoveToDeletedItems.
	How DeleteType
	// SendCancellations, for CalendarService.Delete, says whether the attendees of a meeting you organize are
	// told; the zero value sends the cancellation to all and saves a copy. It is ignored for events without
	// attendees, and by the other services.
	SendCancellations Invitations
}

// deleteItems deletes targets with DeleteItem (req holds the request's attributes), in batches as o says, and
// records the failures in res. From Exchange 2013 SP1 on it suppresses read receipts.
func (c *Client) deleteItems(ctx context.Context, o BatchOptions, targets []target, res *batchResult, req *soap.DeleteItem) {
	if c.versionAtLeast("Exchange2013_SP1") {
		req.SuppressReadReceipts = Ptr(true)
	}
	eachBatch(ctx, c, o, targets, res, func(ctx context.Context, _ int, batch []target) ([]error, error) {
		r := *req
		r.ItemIDs = make([]soap.ItemID, len(batch))
		for i, t := range batch {
			r.ItemIDs[i] = soap.ItemID{ID: t.id}
		}
		resp, err := do(ctx, c, &r)
		if err != nil {
			return nil, err
		}
		errs := make([]error, len(batch))
		for i := range resp.ResponseMessages {
			errs[i] = c.itemErr(&r, &resp.ResponseMessages[i])
		}
		return errs, nil
	})
}

// idTargets checks ItemIds given to a service's Delete and returns them as targets, each once, without sending
// anything.
func idTargets(ids []string) ([]target, error) {
	if len(ids) == 0 {
		return nil, inputErr("ids", "no item given")
	}
	out := make([]target, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		field := fmt.Sprintf("ids[%d]", i)
		if id == "" {
			return nil, phraseErr(field, "is empty")
		}
		if err := checkText(field, id); err != nil {
			return nil, err
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, target{pos: i, ref: id, id: id})
		}
	}
	return out, nil
}

// deleteByID is the Delete of the calendar and contacts services: ItemIds only, in batches of DefaultBatchSize.
func (c *Client) deleteByID(ctx context.Context, ids []string, req *soap.DeleteItem) error {
	targets, err := idTargets(ids)
	if err != nil {
		return err
	}
	res := &batchResult{total: len(ids)}
	c.deleteItems(ctx, BatchOptions{Size: DefaultBatchSize, Concurrency: 1}, targets, res, req)
	return res.err()
}
