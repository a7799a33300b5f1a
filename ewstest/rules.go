package ewstest

import "github.com/ewsgo/ews/internal/testserver"

// InboxRule is a server-side rule of a mailbox's Inbox, as GetInboxRules returns it: its conditions and
// actions. A rule that forwards or redirects to an outside domain is the classic sign of a compromised account.
type InboxRule struct {
	// ID is the rule id, set by the server (ignored when seeding).
	ID string
	// Name is the rule's display name.
	Name string
	// Priority orders the rules (1 runs first); 0 puts a seeded rule last.
	Priority int
	Enabled  bool

	// ContainsSubjectStrings, FromAddresses and SentToAddresses are the rule's conditions.
	ContainsSubjectStrings []string
	FromAddresses          []string
	SentToAddresses        []string

	// Delete, ForwardAsAttachmentTo, ForwardTo, MarkAsRead, MoveToFolder (a folder id), RedirectTo and
	// StopProcessing are the rule's actions.
	Delete                bool
	ForwardAsAttachmentTo []string
	ForwardTo             []string
	MarkAsRead            bool
	MoveToFolder          string
	RedirectTo            []string
	StopProcessing        bool
}

// AddInboxRule adds a rule to the mailbox and returns its id.
func (m *Mailbox) AddInboxRule(r InboxRule) string {
	return m.mb.AddInboxRule(testserver.InboxRule(r))
}

// InboxRules returns the mailbox's rules in priority order, as the server holds them now (after the client
// under test disabled or deleted some, for instance).
func (m *Mailbox) InboxRules() []InboxRule {
	var out []InboxRule
	for _, r := range m.mb.InboxRules() {
		out = append(out, InboxRule(r))
	}
	return out
}
