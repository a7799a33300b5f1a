package ews

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ewsgo/ews/internal/soap"
)

// RulesService reads and changes a mailbox's server-side inbox rules: the rules an attacker with a stolen password
// sets up to forward mail out or hide replies. It needs Exchange 2010 SP1 or later; on Exchange 2007 every call
// fails with an error matching ErrInvalidServerVersion before the rules are sent for.
type RulesService struct{ c *Client }

// Rules returns the service for the client's mailbox's inbox rules.
func (c *Client) Rules() *RulesService { return &RulesService{c: c} }

// InboxRule is a server-side inbox rule with the conditions and actions a playbook looks at. Other conditions
// and actions the rule has are kept, so that a rule written back (SetEnabled) loses nothing.
type InboxRule struct {
	ID       string
	Name     string
	Priority int
	Enabled  bool
	// NotSupported marks rules Outlook made that EWS cannot represent; InError rules the server cannot run.
	NotSupported bool
	InError      bool

	// Conditions.
	FromAddresses          []string
	SentToAddresses        []string
	ContainsSubjectStrings []string
	ContainsBodyStrings    []string

	// Actions.
	ForwardTo             []string
	ForwardAsAttachmentTo []string
	RedirectTo            []string
	MoveToFolderID        string
	CopyToFolderID        string
	Delete                bool
	PermanentDelete       bool
	MarkAsRead            bool
	StopProcessing        bool

	raw soap.Rule
}

// Forwards returns every address the rule sends mail to: forward, forward as attachment and redirect.
func (r *InboxRule) Forwards() []string {
	var out []string
	out = append(out, r.ForwardTo...)
	out = append(out, r.ForwardAsAttachmentTo...)
	return append(out, r.RedirectTo...)
}

// ForwardsOutside returns the addresses the rule forwards or redirects mail to whose domain is not one of
// internal (nor a subdomain of one), the classic sign of a compromised account. Addresses without a domain
// (Exchange legacy DNs) are internal.
func (r *InboxRule) ForwardsOutside(internal ...string) []string {
	var out []string
	for _, a := range r.Forwards() {
		if !isInternal(a, internal) {
			out = append(out, a)
		}
	}
	return out
}

func isInternal(addr string, internal []string) bool {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return true
	}
	d := strings.ToLower(strings.TrimSpace(addr[at+1:]))
	for _, in := range internal {
		in = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(in), "@"))
		if in != "" && (d == in || strings.HasSuffix(d, "."+in)) {
			return true
		}
	}
	return false
}

// List returns the mailbox's inbox rules by priority.
func (s *RulesService) List(ctx context.Context) ([]*InboxRule, error) {
	if s.c.graph != nil {
		return s.graphList(ctx)
	}
	resp, err := doOne(ctx, s.c, &soap.GetInboxRules{MailboxSmtpAddress: s.c.mailbox})
	if err != nil {
		return nil, err
	}
	m := &resp.Messages[0]
	out := make([]*InboxRule, 0, len(m.InboxRules))
	for _, r := range m.InboxRules {
		out = append(out, ruleFromWire(r))
	}
	return out, nil
}

// Get returns the rule with the given id, or an *Error with code ErrorInboxRulesValidationError (RuleNotFound).
func (s *RulesService) Get(ctx context.Context, id string) (*InboxRule, error) {
	if err := checkRuleID(id); err != nil {
		return nil, err
	}
	rules, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		if r.ID == id {
			return r, nil
		}
	}
	return nil, &Error{Code: ErrInboxRulesValidation.Code, Message: fmt.Sprintf("RuleNotFound: no inbox rule has the id %q", id)}
}

// SetEnabled turns a rule on or off, keeping all its conditions and actions (UpdateInboxRules with the whole
// rule, as Exchange requires; over Graph a PATCH of isEnabled). It returns the rule as written.
func (s *RulesService) SetEnabled(ctx context.Context, id string, enabled bool) (*InboxRule, error) {
	if s.c.graph != nil {
		if err := checkRuleID(id); err != nil {
			return nil, err
		}
		return s.graphSetEnabled(ctx, id, enabled)
	}
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	req := &soap.RuleRequest{RuleID: r.raw.RuleID, DisplayName: r.raw.DisplayName, Priority: r.raw.Priority, IsEnabled: enabled,
		Conditions: r.raw.Conditions, Exceptions: r.raw.Exceptions, Actions: r.raw.Actions}
	if err := s.update(ctx, soap.RuleOperation{Set: req}); err != nil {
		return nil, err
	}
	r.Enabled = enabled
	r.raw.IsEnabled = enabled
	return r, nil
}

// Delete deletes a rule.
func (s *RulesService) Delete(ctx context.Context, id string) error {
	if err := checkRuleID(id); err != nil {
		return err
	}
	if s.c.graph != nil {
		return s.graphDelete(ctx, id)
	}
	return s.update(ctx, soap.RuleOperation{DeleteID: id})
}

// update sends one rule operation (a Set may be retried; a Delete is not sent twice).
func (s *RulesService) update(ctx context.Context, op soap.RuleOperation) error {
	req := &soap.UpdateInboxRules{MailboxSmtpAddress: s.c.mailbox, Operations: []soap.RuleOperation{op}}
	resp, err := do(ctx, s.c, req)
	if err != nil {
		return err
	}
	m := &resp.Messages[0]
	err = s.c.itemErr(req, m)
	var e *Error
	if errors.As(err, &e) && len(m.RuleOperationErrors) > 0 {
		var parts []string
		for _, oe := range m.RuleOperationErrors {
			for _, ve := range oe.ValidationErrors {
				parts = append(parts, fmt.Sprintf("%s: %s (%s %q)", ve.ErrorCode, ve.ErrorMessage, ve.FieldURI, ve.FieldValue))
			}
		}
		e.Message = strings.TrimSpace(e.Message + " " + strings.Join(parts, "; "))
	}
	return err
}

func checkRuleID(id string) error {
	if strings.TrimSpace(id) == "" {
		return inputErr("id", "is empty")
	}
	if p := textProblem(id); p != "" {
		return inputErr("id", "%s", p)
	}
	return nil
}

func ruleFromWire(r soap.Rule) *InboxRule {
	out := &InboxRule{ID: r.RuleID, Name: r.DisplayName, Priority: r.Priority, Enabled: r.IsEnabled,
		NotSupported: r.IsNotSupported, InError: r.IsInError, raw: r}
	addrs := func(n *soap.XMLNode) []string {
		var l []string
		if n == nil {
			return nil
		}
		for i := range n.Nodes {
			if a := n.Nodes[i].Child("EmailAddress"); a != nil {
				l = append(l, strings.TrimSpace(a.Text))
			}
		}
		return l
	}
	strs := func(n *soap.XMLNode) []string {
		var l []string
		if n == nil {
			return nil
		}
		for i := range n.Nodes {
			l = append(l, strings.TrimSpace(n.Nodes[i].Text))
		}
		return l
	}
	boolOf := func(n *soap.XMLNode) bool { return n != nil && strings.TrimSpace(n.Text) == "true" }
	folderOf := func(n *soap.XMLNode) string {
		if n == nil || len(n.Nodes) == 0 {
			return ""
		}
		for _, a := range n.Nodes[0].Attrs {
			if a.Name.Local == "Id" {
				return a.Value
			}
		}
		return ""
	}
	c := r.Conditions
	out.FromAddresses = addrs(c.Child("FromAddresses"))
	out.SentToAddresses = addrs(c.Child("SentToAddresses"))
	out.ContainsSubjectStrings = strs(c.Child("ContainsSubjectStrings"))
	out.ContainsBodyStrings = strs(c.Child("ContainsBodyStrings"))
	a := r.Actions
	out.ForwardTo = addrs(a.Child("ForwardToRecipients"))
	out.ForwardAsAttachmentTo = addrs(a.Child("ForwardAsAttachmentToRecipients"))
	out.RedirectTo = addrs(a.Child("RedirectToRecipients"))
	out.MoveToFolderID = folderOf(a.Child("MoveToFolder"))
	out.CopyToFolderID = folderOf(a.Child("CopyToFolder"))
	out.Delete = boolOf(a.Child("Delete"))
	out.PermanentDelete = boolOf(a.Child("PermanentDelete"))
	out.MarkAsRead = boolOf(a.Child("MarkAsRead"))
	out.StopProcessing = boolOf(a.Child("StopProcessingRules"))
	return out
}
