package ews

import (
	"context"
	"fmt"

	"github.com/ewsgo/ews/internal/soap"
)

// findByMessageID is FindByMessageID over EWS.
func (s ewsMail) findByMessageID(ctx context.Context, messageID string, folders ...FolderRef) ([]*Message, error) {
	mid, err := normalizeMessageID("messageID", messageID)
	if err != nil {
		return nil, err
	}
	for i, f := range folders {
		if err := f.check(fmt.Sprintf("folders[%d]", i)); err != nil {
			return nil, err
		}
	}
	var refs []soap.FolderRef
	if len(folders) == 0 {
		if refs, err = s.mailFolders(ctx); err != nil {
			return nil, err
		}
	} else {
		for i, f := range folders {
			ref, err := s.c.wireFolder(ctx, fmt.Sprintf("folders[%d]", i), f)
			if err != nil {
				return nil, fmt.Errorf("folders[%d]: %w", i, err)
			}
			refs = append(refs, ref)
		}
	}
	found, err := s.findByMessageIDs(ctx, []string{mid}, refs)
	if err != nil {
		return nil, err
	}
	ids := found[mid]
	if len(ids) == 0 {
		return nil, nil
	}
	targets := make([]target, len(ids))
	for i, id := range ids {
		targets[i] = target{pos: i, ref: mid, id: id}
	}
	var out []*Message
	shape := s.messageShape()
	for lo := 0; lo < len(targets); lo += DefaultBatchSize {
		batch := targets[lo:min(lo+DefaultBatchSize, len(targets))]
		items, errs, err := s.getItems(ctx, batch, shape)
		if err != nil {
			return nil, err
		}
		for i, it := range items {
			if errs[i] != nil {
				if isErr(errs[i], ErrItemNotFound) {
					continue // deleted since it was found
				}
				return nil, &ItemError{Ref: mid, ID: batch[i].id, Err: errs[i]}
			}
			out = append(out, messageFromWire(it, s.c.cfg.Location))
		}
	}
	return out, nil
}
