package ews

import "context"

// callOnce sends a request that changes the mailbox. Temporary: the reliability work replaces it with a version
// that retries only when the request certainly did not reach the server; delete this file when main has it.
func (c *Client) callOnce(ctx context.Context, req, resp any) error { return c.call(ctx, req, resp) }
