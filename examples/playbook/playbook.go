package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/ewsgo/ews"
)

// Input is what the playbook is started with: the user's report in the SOC mailbox, where to look, and the
// account the analyst suspects.
type Input struct {
	// Report is the report message in the client's (the SOC's) mailbox: an ItemId or Internet Message-ID. The
	// phishing message is attached to it as an item attachment.
	Report string
	// Mailboxes are searched, every mail folder of each.
	Mailboxes []string
	// Quarantine is the folder (below the top of each mailbox) the copies are moved to; created when missing.
	Quarantine string
	// Compromised is the mailbox whose inbox rules are checked for forwarding outside InternalDomains.
	Compromised     string
	InternalDomains []string
}

// Report is what the playbook did, item by item.
type Report struct {
	Phish struct {
		Sender, Subject, MessageID string
		Attachments                []string // name and SHA-256 of each file the phishing message carried
	}
	MailboxesSearched int
	MailboxesFailed   map[string]string
	// Items has one entry per copy found: where it was, and whether it was moved.
	Items []ItemOutcome
	// RulesDisabled lists the inbox rules of the compromised mailbox that forwarded outside and were turned off.
	RulesDisabled []RuleOutcome
}

// ItemOutcome is one copy of the phishing message.
type ItemOutcome struct {
	Mailbox, Folder, ID, NewID string
	Status                     string // moved, failed
	Error                      string `json:",omitempty"`
}

// RuleOutcome is one inbox rule the playbook disabled.
type RuleOutcome struct {
	Mailbox, RuleID, Name string
	ForwardsTo            []string
}

// run is the playbook: open the reported message, find its copies everywhere, move them to quarantine, and
// turn off the compromised account's forwarding rules.
func run(ctx context.Context, c *ews.Client, in Input) (*Report, error) {
	rep := &Report{MailboxesFailed: map[string]string{}}

	// 1. Open the report: the phishing message is the attached item.
	atts, err := c.Mail().GetAttachments(ctx, in.Report, ews.AttachmentOptions{MaxDepth: 3})
	if err != nil {
		return nil, fmt.Errorf("opening the report: %w", err)
	}
	var phish *ews.AttachmentData
	for _, a := range atts {
		if a.IsItem && a.Message != nil {
			phish = a
			break
		}
	}
	if phish == nil {
		return nil, errors.New("the report has no attached message")
	}
	m := phish.Message
	rep.Phish.Sender, rep.Phish.Subject, rep.Phish.MessageID = m.From.Email, m.Subject, m.InternetMessageID
	for _, a := range phish.Attachments {
		if !a.IsItem && a.SHA256 != "" {
			rep.Phish.Attachments = append(rep.Phish.Attachments, a.Name+" "+a.SHA256)
		}
	}

	// 2. Search every mail folder of every mailbox for its sender and subject.
	found := map[string][]*ews.Found{}
	search := ews.SearchAllOptions{SearchOptions: ews.SearchOptions{Sender: rep.Phish.Sender, Subject: rep.Phish.Subject}}
	for f, err := range c.SearchMailboxes(ctx, in.Mailboxes, ews.SearchMailboxesOptions{Search: search, Concurrency: 8}) {
		var me *ews.MailboxError
		switch {
		case errors.As(err, &me):
			rep.MailboxesFailed[me.Mailbox] = me.Err.Error()
		case err != nil:
			return rep, err
		case strings.EqualFold(f.Folder, in.Quarantine):
			// already quarantined by an earlier run
		default:
			found[f.Mailbox] = append(found[f.Mailbox], f)
		}
	}
	rep.MailboxesSearched = len(in.Mailboxes) - len(rep.MailboxesFailed)

	// 3. Move every copy to the quarantine folder of its mailbox, one Move per mailbox, reporting each item.
	var mu sync.Mutex
	mailboxes := make([]string, 0, len(found))
	for mb := range found {
		mailboxes = append(mailboxes, mb)
	}
	sort.Strings(mailboxes)
	for _, r := range c.FanOut(ctx, mailboxes, 8, func(ctx context.Context, mc *ews.Client) error {
		copies := found[mc.Mailbox()]
		out := quarantine(ctx, mc, in.Quarantine, copies)
		mu.Lock()
		rep.Items = append(rep.Items, out...)
		mu.Unlock()
		return nil
	}) {
		if r.Err != nil {
			rep.MailboxesFailed[r.Mailbox] = r.Err.Error()
		}
	}
	sort.Slice(rep.Items, func(i, j int) bool {
		a, b := rep.Items[i], rep.Items[j]
		return a.Mailbox < b.Mailbox || a.Mailbox == b.Mailbox && a.Folder < b.Folder
	})

	// 4. The compromised account: turn off every rule that forwards or redirects outside.
	if in.Compromised != "" {
		mc, err := c.ForMailbox(in.Compromised)
		if err != nil {
			return rep, err
		}
		rules, err := mc.Rules().List(ctx)
		if err != nil {
			return rep, fmt.Errorf("inbox rules of %s: %w", in.Compromised, err)
		}
		for _, r := range rules {
			outside := r.ForwardsOutside(in.InternalDomains...)
			if len(outside) == 0 || !r.Enabled {
				continue
			}
			if _, err := mc.Rules().SetEnabled(ctx, r.ID, false); err != nil {
				return rep, fmt.Errorf("disabling rule %q of %s: %w", r.Name, in.Compromised, err)
			}
			rep.RulesDisabled = append(rep.RulesDisabled, RuleOutcome{Mailbox: in.Compromised, RuleID: r.ID, Name: r.Name, ForwardsTo: outside})
		}
	}
	return rep, nil
}

// quarantine moves the copies found in one mailbox to its quarantine folder (created when missing).
func quarantine(ctx context.Context, mc *ews.Client, folder string, copies []*ews.Found) []ItemOutcome {
	out := make([]ItemOutcome, len(copies))
	ids := make([]string, len(copies))
	for i, f := range copies {
		out[i] = ItemOutcome{Mailbox: mc.Mailbox(), Folder: f.Folder, ID: f.ID, Status: "failed"}
		ids[i] = f.ID
	}
	fail := func(err error) []ItemOutcome {
		for i := range out {
			out[i].Error = err.Error()
		}
		return out
	}
	if _, err := mc.CreateFolder(ctx, ews.MsgFolderRoot, folder); err != nil && !errors.Is(err, ews.ErrFolderExists) {
		return fail(err)
	}
	moved, err := mc.Mail().Move(ctx, ews.FolderByPath(folder), ids...)
	var be *ews.BatchError
	if err != nil && !errors.As(err, &be) {
		return fail(err)
	}
	byID := map[string]int{}
	for i, id := range ids {
		byID[id] = i
	}
	for _, m := range moved {
		i := byID[m.ID]
		out[i].Status, out[i].NewID = "moved", m.NewID
	}
	if be != nil {
		for _, f := range be.Failed {
			if i, ok := byID[f.ID]; ok {
				out[i].Error = f.Err.Error()
			}
		}
	}
	return out
}
