package ews

import "context"

// callOnce sends a request that changes the mailbox, without retries. Temporary: the reliability branch adds the
// real one to client.go; delete this file when main has it.
func (c *Client) callOnce(ctx context.Context, req, resp any) error { return c.call(ctx, req, resp) }
