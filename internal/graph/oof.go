package graph

import (
	"context"
	"net/http"
)

// Graph v1.0 automatic replies: GET /users/{id}/mailboxSettings/automaticRepliesSetting and PATCH
// /users/{id}/mailboxSettings with an automaticRepliesSetting (permission MailboxSettings.ReadWrite).

// AutomaticRepliesSetting is Graph's automaticRepliesSetting. Status is disabled, alwaysEnabled or scheduled;
// ExternalAudience none, contactsOnly or all.
type AutomaticRepliesSetting struct {
	Status                 string            `json:"status"`
	ExternalAudience       string            `json:"externalAudience"`
	ScheduledStartDateTime *DateTimeTimeZone `json:"scheduledStartDateTime,omitempty"`
	ScheduledEndDateTime   *DateTimeTimeZone `json:"scheduledEndDateTime,omitempty"`
	InternalReplyMessage   string            `json:"internalReplyMessage"`
	ExternalReplyMessage   string            `json:"externalReplyMessage"`
}

// GetAutomaticReplies returns the mailbox's automatic replies.
func (c *Client) GetAutomaticReplies(ctx context.Context) (*AutomaticRepliesSetting, error) {
	return getOne[AutomaticRepliesSetting](ctx, c, &request{method: http.MethodGet,
		path: c.user + "/mailboxSettings/automaticRepliesSetting", idempotent: true})
}

// SetAutomaticReplies replaces the mailbox's automatic replies (PATCH mailboxSettings). Idempotent.
func (c *Client) SetAutomaticReplies(ctx context.Context, s AutomaticRepliesSetting) error {
	_, err := c.do(ctx, &request{method: http.MethodPatch, path: c.user + "/mailboxSettings",
		body: map[string]any{"automaticRepliesSetting": s}, idempotent: true})
	return err
}
