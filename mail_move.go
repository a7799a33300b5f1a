package ews

import (
	"context"
	"fmt"

	"github.com/ewsgo/ews/internal/soap"
)

// Moved is one message that Move or Copy acted on.
type Moved struct {
	// Ref is the message reference as the caller gave it.
	Ref string
	// ID is the message's ItemId before the operation.
	ID string
	// NewID is the ItemId of the message in the target folder (a moved message gets a new id). It is empty when
	// the server does not return one: before Exchange 2010 SP1, or for a move to another mailbox.
	NewID string
}

// move is Move over EWS.
func (s ewsMail) move(ctx context.Context, to FolderRef, ids ...string) ([]Moved, error) {
	return s.moveCopy(ctx, to, ids, false)
}

// copy is Copy over EWS.
func (s ewsMail) copy(ctx context.Context, to FolderRef, ids ...string) ([]Moved, error) {
	return s.moveCopy(ctx, to, ids, true)
}

func (s *MailService) moveCopy(ctx context.Context, to FolderRef, ids []string, copyItems bool) ([]Moved, error) {
	o, err := s.batchOptions()
	if err != nil {
		return nil, err
	}
	if err := checkRefs(ids); err != nil {
		return nil, err
	}
	dest, err := s.c.wireFolder(ctx, "to", to)
	if err != nil {
		return nil, err
	}
	res := &batchResult{total: len(ids)}
	targets, err := s.resolve(ctx, ids, res)
	if err != nil {
		return nil, err
	}
	newIDs := make([]string, len(targets))
	done := make([]bool, len(targets))
	var returnIDs *bool
	if s.c.versionAtLeast("Exchange2010_SP1") {
		returnIDs = Ptr(true)
	}
	eachBatch(ctx, s.c, o, targets, res, func(ctx context.Context, lo int, batch []target) ([]error, error) {
		itemIDs := make([]soap.ItemID, len(batch))
		for i, t := range batch {
			itemIDs[i] = soap.ItemID{ID: t.id}
		}
		var msgs []soap.ItemInfoResponseMessage
		var req soap.Operation
		if copyItems {
			cp := &soap.CopyItem{ToFolderID: dest, ItemIDs: itemIDs, ReturnNewItemIDs: returnIDs}
			resp, err := do(ctx, s.c, cp)
			if err != nil {
				return nil, err
			}
			req, msgs = cp, resp.ResponseMessages
		} else {
			mv := &soap.MoveItem{ToFolderID: dest, ItemIDs: itemIDs, ReturnNewItemIDs: returnIDs}
			resp, err := do(ctx, s.c, mv)
			if err != nil {
				return nil, err
			}
			req, msgs = mv, resp.ResponseMessages
		}
		errs := make([]error, len(batch))
		for i := range msgs {
			if errs[i] = s.c.itemErr(req, &msgs[i].ResponseMessage); errs[i] != nil {
				continue
			}
			done[lo+i] = true
			if items := msgs[i].Items.Items; len(items) == 1 && items[0].ItemID != nil {
				newIDs[lo+i] = items[0].ItemID.ID
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

// delete is Delete over EWS.
func (s ewsMail) delete(ctx context.Context, opts DeleteOptions, ids ...string) error {
	how, err := opts.How.check()
	if err != nil {
		return err
	}
	o, err := s.batchOptions()
	if err != nil {
		return err
	}
	res := &batchResult{total: len(ids)}
	targets, err := s.resolve(ctx, ids, res)
	if err != nil {
		return err
	}
	s.c.deleteItems(ctx, o, targets, res, &soap.DeleteItem{DeleteType: how})
	return res.err()
}

// checkRefs checks message references without sending anything.
func checkRefs(refs []string) error {
	if len(refs) == 0 {
		return inputErr("ids", "no message given")
	}
	for i, r := range refs {
		if _, _, err := parseRef(fmt.Sprintf("ids[%d]", i), r); err != nil {
			return err
		}
	}
	return nil
}
