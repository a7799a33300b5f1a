package ews

import (
	"context"

	"github.com/ewsgo/ews/internal/soap"
)

// markRead is MarkRead over EWS.
func (s ewsMail) markRead(ctx context.Context, ids ...string) error {
	return s.mark(ctx, ids, true)
}

// markUnread is MarkUnread over EWS.
func (s ewsMail) markUnread(ctx context.Context, ids ...string) error {
	return s.mark(ctx, ids, false)
}

func (s *MailService) mark(ctx context.Context, ids []string, read bool) error {
	o, err := s.batchOptions()
	if err != nil {
		return err
	}
	res := &batchResult{total: len(ids)}
	targets, err := s.resolve(ctx, ids, res)
	if err != nil {
		return err
	}
	eachBatch(ctx, s.c, o, targets, res, func(ctx context.Context, _ int, batch []target) ([]error, error) {
		return s.updateRead(ctx, batch, read)
	})
	return res.err()
}

// updateRead sets message:IsRead on a batch with one UpdateItem. Setting a property again is harmless, so the
// request may be retried.
func (s *MailService) updateRead(ctx context.Context, batch []target, read bool) ([]error, error) {
	req := &soap.UpdateItem{ConflictResolution: "AutoResolve", MessageDisposition: "SaveOnly",
		ItemChanges: make([]soap.ItemChange, len(batch))}
	if read && s.c.versionAtLeast("Exchange2013_SP1") {
		req.SuppressReadReceipts = Ptr(true)
	}
	for i, t := range batch {
		req.ItemChanges[i] = soap.ItemChange{ItemID: soap.ItemID{ID: t.id}, Updates: []soap.Update{
			{Path: soap.Path{FieldURI: "message:IsRead"}, Item: &soap.Message{IsRead: Ptr(read)}},
		}}
	}
	resp, err := do(ctx, s.c, req)
	if err != nil {
		return nil, err
	}
	errs := make([]error, len(batch))
	for i := range resp.ResponseMessages {
		errs[i] = s.c.itemErr(req, &resp.ResponseMessages[i].ResponseMessage)
	}
	return errs, nil
}
