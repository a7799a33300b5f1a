package ews

import "context"

// rawCall sends a hand-written envelope through the client's transport, for tests of malformed requests.
func (c *Client) rawCall(ctx context.Context, payload []byte) error {
	_, err := c.wire.DoRaw(ctx, payload, nil)
	return c.convertError(err)
}
