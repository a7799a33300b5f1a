package graph

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// Graph v1.0 inbox rules: GET, PATCH and DELETE /users/{id}/mailFolders/inbox/messageRules (Microsoft's
// messageRule, messageRulePredicates and messageRuleActions; permission MailboxSettings.ReadWrite).

// MessageRulePredicates is Graph's messageRulePredicates: the conditions the services read.
type MessageRulePredicates struct {
	SubjectContains []string    `json:"subjectContains,omitempty"`
	BodyContains    []string    `json:"bodyContains,omitempty"`
	FromAddresses   []Recipient `json:"fromAddresses,omitempty"`
	SentToAddresses []Recipient `json:"sentToAddresses,omitempty"`
}

// MessageRuleActions is Graph's messageRuleActions: the actions the services read.
type MessageRuleActions struct {
	ForwardTo             []Recipient `json:"forwardTo,omitempty"`
	ForwardAsAttachmentTo []Recipient `json:"forwardAsAttachmentTo,omitempty"`
	RedirectTo            []Recipient `json:"redirectTo,omitempty"`
	MoveToFolder          string      `json:"moveToFolder,omitempty"`
	CopyToFolder          string      `json:"copyToFolder,omitempty"`
	Delete                bool        `json:"delete,omitempty"`
	PermanentDelete       bool        `json:"permanentDelete,omitempty"`
	MarkAsRead            bool        `json:"markAsRead,omitempty"`
	StopProcessingRules   bool        `json:"stopProcessingRules,omitempty"`
}

// MessageRule is Graph's messageRule.
type MessageRule struct {
	ID          string                 `json:"id"`
	DisplayName string                 `json:"displayName"`
	Sequence    int                    `json:"sequence"`
	IsEnabled   bool                   `json:"isEnabled"`
	HasError    bool                   `json:"hasError"`
	IsReadOnly  bool                   `json:"isReadOnly"`
	Conditions  *MessageRulePredicates `json:"conditions,omitempty"`
	Actions     *MessageRuleActions    `json:"actions,omitempty"`
}

func (c *Client) rulesPath() string { return c.user + "/mailFolders/inbox/messageRules" }

// ListMessageRules returns the inbox rules of the mailbox, every page.
func (c *Client) ListMessageRules(ctx context.Context) ([]MessageRule, error) {
	return getAll[MessageRule](ctx, c, &request{method: http.MethodGet, path: c.rulesPath(), idempotent: true})
}

// SetMessageRuleEnabled turns a rule on or off (PATCH isEnabled; Graph keeps the other properties) and returns
// the rule as Graph stored it. Idempotent: the same PATCH may be sent again.
func (c *Client) SetMessageRuleEnabled(ctx context.Context, id string, enabled bool) (*MessageRule, error) {
	if id == "" {
		return nil, errors.New("graph: the rule id is empty")
	}
	return getOne[MessageRule](ctx, c, &request{method: http.MethodPatch, path: c.rulesPath() + "/" + url.PathEscape(id),
		body: map[string]bool{"isEnabled": enabled}, idempotent: true})
}

// DeleteMessageRule deletes a rule. Not idempotent (a second DELETE answers 404).
func (c *Client) DeleteMessageRule(ctx context.Context, id string) error {
	if id == "" {
		return errors.New("graph: the rule id is empty")
	}
	_, err := c.do(ctx, &request{method: http.MethodDelete, path: c.rulesPath() + "/" + url.PathEscape(id)})
	return err
}
