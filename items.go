package ews

import (
	"context"
	"errors"
	"fmt"

	"github.com/ewsgo/ews/internal/soap"
)

// getBatch is the most items one GetItem asks for.
const getBatch = 100

// getItemBatch fetches ids with one GetItem and returns, per id and in the order of ids, the item or its
// error. The error return is for the request as a whole.
func (c *Client) getItemBatch(ctx context.Context, ids []string, shape soap.ItemShape) ([]*soap.Item, []error, error) {
	return c.getItemBatchInto(ctx, ids, shape, new(soap.GetItemResponse))
}

// getItemBatchInto is getItemBatch decoding into resp (the items returned point into it).
func (c *Client) getItemBatchInto(ctx context.Context, ids []string, shape soap.ItemShape, resp *soap.GetItemResponse) ([]*soap.Item, []error, error) {
	req := &soap.GetItem{ItemShape: shape, ItemIDs: make([]soap.ItemID, len(ids))}
	for i, id := range ids {
		req.ItemIDs[i] = soap.ItemID{ID: id}
	}
	if err := doInto(ctx, c, req, resp); err != nil {
		return nil, nil, err
	}
	items := make([]*soap.Item, len(ids))
	errs := make([]error, len(ids))
	for i := range resp.ResponseMessages {
		m := &resp.ResponseMessages[i]
		if err := c.itemErr(req, &m.ResponseMessage); err != nil {
			errs[i] = err
			continue
		}
		if len(m.Items.Items) != 1 {
			errs[i] = &OpError{Op: "GetItem", Err: fmt.Errorf("%w: %d items for one id", ErrMalformedResponse, len(m.Items.Items))}
			continue
		}
		if d := m.Items.Items[0].DecodeError; d != "" {
			// Only this item could not be read; its neighbours were.
			errs[i] = &OpError{Op: "GetItem", Err: fmt.Errorf("%w: item %s: %s", ErrMalformedResponse, ids[i], d)}
			continue
		}
		items[i] = &m.Items.Items[0]
	}
	return items, errs, nil
}

// getTyped fetches items by id, getBatch at a time and in the order of ids, checks that each is a want
// element (e.g. "CalendarItem", "Contact"; what names it in errors) and hands it to each. With skipMissing, ids the server no longer
// has (deleted since they were listed) are left out instead of failing.
func (c *Client) getTyped(ctx context.Context, ids []string, shape soap.ItemShape, want, what string, skipMissing bool, each func(*soap.Item)) error {
	for len(ids) > 0 {
		n := min(len(ids), getBatch)
		items, errs, err := c.getItemBatch(ctx, ids[:n], shape)
		if err != nil {
			return err
		}
		for i, it := range items {
			if errs[i] != nil {
				if skipMissing && errors.Is(errs[i], ErrItemNotFound) {
					continue
				}
				return errs[i]
			}
			if it.XMLName.Local != want {
				return fmt.Errorf("ews: item %s is a %s, not %s", ids[i], it.XMLName.Local, what)
			}
			each(it)
		}
		ids = ids[n:]
	}
	return nil
}

// createWithID creates the one item of req and returns its id.
func (c *Client) createWithID(ctx context.Context, req *soap.CreateItem) (string, error) {
	resp, err := doOne(ctx, c, req)
	if err != nil {
		return "", err
	}
	m := &resp.ResponseMessages[0]
	if len(m.Items.Items) != 1 || m.Items.Items[0].ItemID == nil {
		return "", &OpError{Op: "CreateItem", Err: fmt.Errorf("%w: no item id", ErrMalformedResponse)}
	}
	return m.Items.Items[0].ItemID.ID, nil
}
