package ews

import (
	"context"
	"errors"
)

// graphDeleteByID is the Delete of the calendar and contacts services over Graph: the ids checked and
// deduplicated as over EWS (idTargets), translated when they are EWS ids, and deleted one at a time with del.
// A failure is the item's (in the *BatchError) unless the context ended or del refused the call as a whole
// (ErrNotSupportedByBackend), which ends it.
func (c *Client) graphDeleteByID(ctx context.Context, ids []string, del func(ctx context.Context, id string) error) error {
	targets, err := idTargets(ids)
	if err != nil {
		return err
	}
	refs := make([]string, len(targets))
	for k, t := range targets {
		refs[k] = t.ref
	}
	gids, err := c.graphIDs(ctx, refs)
	if err != nil {
		return err
	}
	res := &batchResult{total: len(ids)}
	for k, t := range targets {
		if err := del(ctx, gids[k]); err != nil {
			if ctx.Err() != nil || errors.Is(err, ErrNotSupportedByBackend) {
				return err
			}
			res.fail(t.pos, t.ref, gids[k], err)
		}
	}
	return res.err()
}
