package connector

import (
	"context"
	"iter"
	"strings"

	"github.com/ewsgo/ews"
)

// InboxRuleOut is an inbox rule as the rule operations return it.
type InboxRuleOut struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Priority int    `json:"priority"`
	Enabled  bool   `json:"is_enabled"`
	// Conditions and Actions hold the conditions and actions the connector reads (non-empty ones only).
	Conditions map[string]any `json:"conditions"`
	Actions    map[string]any `json:"actions"`
	// ForwardsTo lists every address the rule forwards or redirects mail to; ForwardsOutside is true when one
	// of them is outside internal_domains, OutsideAddresses lists those.
	ForwardsTo       []string `json:"forwards_to"`
	ForwardsOutside  bool     `json:"forwards_outside"`
	OutsideAddresses []string `json:"outside_addresses"`
	NotSupported     bool     `json:"is_not_supported"`
	InError          bool     `json:"is_in_error"`
}

func ruleOut(r *ews.InboxRule, internal []string) *InboxRuleOut {
	cond, act := map[string]any{}, map[string]any{}
	put := func(m map[string]any, k string, v any) {
		switch x := v.(type) {
		case []string:
			if len(x) > 0 {
				m[k] = x
			}
		case string:
			if x != "" {
				m[k] = x
			}
		case bool:
			if x {
				m[k] = x
			}
		}
	}
	put(cond, "from_addresses", r.FromAddresses)
	put(cond, "sent_to_addresses", r.SentToAddresses)
	put(cond, "contains_subject_strings", r.ContainsSubjectStrings)
	put(cond, "contains_body_strings", r.ContainsBodyStrings)
	put(act, "forward_to", r.ForwardTo)
	put(act, "forward_as_attachment_to", r.ForwardAsAttachmentTo)
	put(act, "redirect_to", r.RedirectTo)
	put(act, "move_to_folder_id", r.MoveToFolderID)
	put(act, "copy_to_folder_id", r.CopyToFolderID)
	put(act, "delete", r.Delete)
	put(act, "permanent_delete", r.PermanentDelete)
	put(act, "mark_as_read", r.MarkAsRead)
	put(act, "stop_processing_rules", r.StopProcessing)
	outside := r.ForwardsOutside(internal...)
	return &InboxRuleOut{ID: r.ID, Name: r.Name, Priority: r.Priority, Enabled: r.Enabled, Conditions: cond, Actions: act,
		ForwardsTo: nonNil(r.Forwards()), ForwardsOutside: len(outside) > 0, OutsideAddresses: nonNil(outside),
		NotSupported: r.NotSupported, InError: r.InError}
}

// internalDomains returns the internal_domains parameter, or the domain of the mailbox acted on.
func internalDomains(c *ews.Client, given []string) []string {
	if len(given) > 0 {
		return given
	}
	m := c.Mailbox()
	if at := strings.LastIndexByte(m, '@'); at >= 0 {
		return []string{m[at+1:]}
	}
	return nil
}

// GetInboxRulesParams are the parameters of get_inbox_rules.
type GetInboxRulesParams struct {
	Mailbox         string   `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
	InternalDomains []string `json:"internal_domains" help:"the organization's domains (subdomains included); forwarding elsewhere sets forwards_outside. Default: the mailbox's domain"`
}

// GetInboxRules lists a mailbox's inbox rules, flagging those that forward or redirect mail outside.
func GetInboxRules(ctx context.Context, c *ews.Client, p GetInboxRulesParams) iter.Seq2[*InboxRuleOut, error] {
	return func(yield func(*InboxRuleOut, error) bool) {
		c, err := onMailbox(c, p.Mailbox)
		if err != nil {
			yield(nil, err)
			return
		}
		rules, err := c.Rules().List(ctx)
		if err != nil {
			yield(nil, err)
			return
		}
		internal := internalDomains(c, p.InternalDomains)
		for _, r := range rules {
			if !yield(ruleOut(r, internal), nil) {
				return
			}
		}
	}
}

// UpdateInboxRuleParams are the parameters of update_inbox_rule.
type UpdateInboxRuleParams struct {
	RuleID    string `json:"rule_id" required:"true" help:"the rule's id (get_inbox_rules)"`
	IsEnabled *bool  `json:"is_enabled" required:"true" help:"false disables the rule (it is kept, with all its conditions and actions), true enables it"`
	Mailbox   string `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
}

// UpdateInboxRule enables or disables an inbox rule.
func UpdateInboxRule(ctx context.Context, c *ews.Client, p UpdateInboxRuleParams) (*InboxRuleOut, error) {
	c, err := onMailbox(c, p.Mailbox)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(p.RuleID) == "" {
		return nil, paramErr("rule_id", "parameter %q is required", "rule_id")
	}
	if p.IsEnabled == nil {
		return nil, paramErr("is_enabled", "parameter %q is required", "is_enabled")
	}
	r, err := c.Rules().SetEnabled(ctx, p.RuleID, *p.IsEnabled)
	if err != nil {
		return nil, inputParam(err, "rule_id")
	}
	return ruleOut(r, internalDomains(c, nil)), nil
}

// DeleteInboxRuleParams are the parameters of delete_inbox_rule.
type DeleteInboxRuleParams struct {
	RuleID  string `json:"rule_id" required:"true" help:"the rule's id (get_inbox_rules)"`
	Mailbox string `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
}

// DeletedInboxRule is the result of delete_inbox_rule.
type DeletedInboxRule struct {
	RuleID  string `json:"rule_id"`
	Deleted bool   `json:"deleted"`
}

// DeleteInboxRule deletes an inbox rule.
func DeleteInboxRule(ctx context.Context, c *ews.Client, p DeleteInboxRuleParams) (*DeletedInboxRule, error) {
	c, err := onMailbox(c, p.Mailbox)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(p.RuleID) == "" {
		return nil, paramErr("rule_id", "parameter %q is required", "rule_id")
	}
	if err := c.Rules().Delete(ctx, p.RuleID); err != nil {
		return nil, inputParam(err, "rule_id")
	}
	return &DeletedInboxRule{RuleID: p.RuleID, Deleted: true}, nil
}
