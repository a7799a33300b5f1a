package ews

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ewsgo/ews/internal/graph"
)

// The Microsoft Graph side of RulesService: the inbox's messageRules (internal/graph/rules.go). Rules read over
// Graph have the same InboxRule shape as over EWS; a rule that is not there is the same
// ErrInboxRulesValidation (RuleNotFound) error.

func ruleNotFound(id string) *Error {
	return &Error{Code: ErrInboxRulesValidation.Code, Message: fmt.Sprintf("RuleNotFound: no inbox rule has the id %q", id)}
}

func (s *RulesService) graphList(ctx context.Context) ([]*InboxRule, error) {
	rules, err := s.c.graph.ListMessageRules(ctx)
	if err != nil {
		return nil, s.c.graphErr("list message rules", err, nil)
	}
	out := make([]*InboxRule, 0, len(rules))
	for i := range rules {
		out = append(out, ruleFromGraph(&rules[i]))
	}
	return out, nil
}

func (s *RulesService) graphSetEnabled(ctx context.Context, id string, enabled bool) (*InboxRule, error) {
	if _, err := s.Get(ctx, id); err != nil { // the same RuleNotFound as over EWS
		return nil, err
	}
	r, err := s.c.graph.SetMessageRuleEnabled(ctx, id, enabled)
	if err != nil {
		return nil, ruleErr(s.c.graphErr("update message rule", err, ruleNotFound(id)))
	}
	return ruleFromGraph(r), nil
}

func (s *RulesService) graphDelete(ctx context.Context, id string) error {
	return ruleErr(s.c.graphErr("delete message rule", s.c.graph.DeleteMessageRule(ctx, id), ruleNotFound(id)))
}

// ruleErr names RuleNotFound in a rule's 404, as UpdateInboxRules' validation error does over EWS.
func ruleErr(err error) error {
	var e *Error
	if errors.As(err, &e) && e.Code == ErrInboxRulesValidation.Code && !strings.HasPrefix(e.Message, "RuleNotFound") {
		e.Message = "RuleNotFound: " + e.Message
	}
	return err
}

func recipientAddrs(rs []graph.Recipient) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.EmailAddress.Address)
	}
	return out
}

func ruleFromGraph(r *graph.MessageRule) *InboxRule {
	out := &InboxRule{ID: r.ID, Name: r.DisplayName, Priority: r.Sequence, Enabled: r.IsEnabled, InError: r.HasError}
	if c := r.Conditions; c != nil {
		out.FromAddresses = recipientAddrs(c.FromAddresses)
		out.SentToAddresses = recipientAddrs(c.SentToAddresses)
		out.ContainsSubjectStrings = c.SubjectContains
		out.ContainsBodyStrings = c.BodyContains
	}
	if a := r.Actions; a != nil {
		out.ForwardTo = recipientAddrs(a.ForwardTo)
		out.ForwardAsAttachmentTo = recipientAddrs(a.ForwardAsAttachmentTo)
		out.RedirectTo = recipientAddrs(a.RedirectTo)
		out.MoveToFolderID = a.MoveToFolder
		out.CopyToFolderID = a.CopyToFolder
		out.Delete = a.Delete
		out.PermanentDelete = a.PermanentDelete
		out.MarkAsRead = a.MarkAsRead
		out.StopProcessing = a.StopProcessingRules
	}
	return out
}
