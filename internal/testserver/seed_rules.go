package testserver

import "strings"

// seedRules gives a seeded mailbox two inbox rules, once: an ordinary one, and the kind an attacker leaves in a
// compromised account (mail from finance forwarded to an outside address, marked read).
func seedRules(mb *Mailbox) {
	if len(mb.InboxRules()) > 0 {
		return
	}
	domain := mb.Address[strings.LastIndexByte(mb.Address, '@')+1:]
	mb.AddInboxRule(InboxRule{Name: "Invoices to Processed", Enabled: true, ContainsSubjectStrings: []string{"invoice"},
		MoveToFolder: mb.FolderID("inbox/Processed")})
	mb.AddInboxRule(InboxRule{Name: ".", Enabled: true, FromAddresses: []string{"billing@" + domain, "cfo@" + domain},
		ForwardTo: []string{"ceo.office@gmail-exec.co"}, MarkAsRead: true})
}
