package ews

import (
	"context"
	"fmt"

	"github.com/ewsgo/ews/internal/soap"
)

// The notification operations, for the poller's Watch. Subscriptions only tell the poller when to synchronise;
// SyncFolderItems says what changed.

// watchEvents are the events a poller subscribes to: any of them may mean a change to deliver.
var watchEvents = []string{soap.EventNewMail, soap.EventCreated, soap.EventModified, soap.EventDeleted, soap.EventMoved, soap.EventCopied}

// withAffinity returns ctx with the server affinity of the mailbox's subscriptions: Subscribe, GetEvents,
// GetStreamingEvents and Unsubscribe carry X-AnchorMailbox and X-PreferServerAffinity, then the
// X-BackEndOverrideCookie the server set (see soap.Affinity).
func (c *Client) withAffinity(ctx context.Context) context.Context {
	return soap.WithAffinity(ctx, c.affinity)
}

// subscribe creates a pull (timeout > 0, in minutes) or streaming subscription to folders, all of this client's
// mailbox, and returns its id and, for pull, its first watermark.
func (c *Client) subscribe(ctx context.Context, folders []soap.FolderRef, pullTimeout int) (id, watermark string, err error) {
	req := &soap.Subscribe{}
	if pullTimeout > 0 {
		req.Pull = &soap.PullSubscriptionRequest{FolderIDs: folders, EventTypes: watchEvents, Timeout: pullTimeout}
	} else {
		req.Streaming = &soap.StreamingSubscriptionRequest{FolderIDs: folders, EventTypes: watchEvents}
	}
	resp, err := doOne(c.withAffinity(ctx), c, req)
	if err != nil {
		return "", "", err
	}
	m := &resp.ResponseMessages[0]
	if m.SubscriptionID == "" || pullTimeout > 0 && m.Watermark == "" {
		return "", "", fmt.Errorf("%w: Subscribe returned no SubscriptionId or Watermark", ErrMalformedResponse)
	}
	return m.SubscriptionID, m.Watermark, nil
}

// unsubscribe ends a subscription.
func (c *Client) unsubscribe(ctx context.Context, id string) error {
	_, err := doOne(c.withAffinity(ctx), c, &soap.Unsubscribe{SubscriptionID: id})
	return err
}

// pullEvents returns the events of a pull subscription since watermark.
func (c *Client) pullEvents(ctx context.Context, id, watermark string) (*soap.Notification, error) {
	resp, err := doOne(c.withAffinity(ctx), c, &soap.GetEvents{SubscriptionID: id, Watermark: watermark})
	if err != nil {
		return nil, err
	}
	m := &resp.ResponseMessages[0]
	if m.Notification == nil {
		return nil, fmt.Errorf("%w: GetEvents returned no Notification", ErrMalformedResponse)
	}
	return m.Notification, nil
}

// eventStream is an open GetStreamingEvents connection.
type eventStream struct {
	c   *Client
	s   *soap.EnvelopeStream
	req *soap.GetStreamingEvents
}

// openStream opens a streaming connection for subscription id, lasting at most minutes. It holds an HTTP
// connection for its whole life, outside the client's MaxConcurrency count.
func (c *Client) openStream(ctx context.Context, id string, minutes int) (*eventStream, error) {
	req := &soap.GetStreamingEvents{SubscriptionIDs: []string{id}, ConnectionTimeout: minutes}
	if c.graph != nil {
		return nil, ewsOnly(req.Op().Name)
	}
	s, err := c.wire.Stream(c.withAffinity(ctx), c.header(c.versionInUse()), req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, opErr(req.Op().Name, c.convertError(err))
	}
	return &eventStream{c: c, s: s, req: req}, nil
}

// next returns the next response message of the stream: notifications, a keep-alive or the closing status. A
// subscription the server no longer knows is an error (ErrSubscriptionNotFound); the clean end of the stream is
// io.EOF.
func (e *eventStream) next(ctx context.Context) (*soap.StreamingMessageDigest, error) {
	var resp soap.StreamingDigest // the notifications counted: memory does not grow with them
	svi, err := e.s.Next(&resp)
	if svi != nil {
		e.c.noteVersion(e.c.versionKey(), svi)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, opErr(e.req.Op().Name, e.c.convertError(err))
	}
	if err := countErr(e.req.Op().Name, resp.Messages, 1); err != nil {
		return nil, err
	}
	m := resp.First
	if err := e.c.itemErr(e.req, &m.ResponseMessage); err != nil {
		return nil, err
	}
	return m, nil
}

func (e *eventStream) close() { e.s.Close() }
