package ews

import (
	"context"
	"fmt"
	"strings"
)

// Recover moves deleted messages back out of the Recoverable Items (the dumpster, where soft-deleted mail and
// mail deleted from Deleted Items goes) to a folder (the zero value is the Inbox), undoing a wrong purge, and
// returns their new ids. The messages are ItemIds, or Internet Message-IDs looked up in the Recoverable Items
// deletions (every copy there is recovered). List what can be recovered with Search in
// RecoverableItemsDeletions. Messages that fail are reported in a *BatchError; the others are moved.
//
// Exchange 2007 keeps its dumpster out of EWS (its schema has no Recoverable Items folders): there Recover
// fails with an error matching ErrInvalidServerVersion before anything is moved.
func (s *MailService) Recover(ctx context.Context, to FolderRef, ids ...string) ([]Moved, error) {
	if err := checkRefs(ids); err != nil {
		return nil, err
	}
	if err := to.check("to"); err != nil {
		return nil, err
	}
	if err := s.c.requireFeature(ctx, featDumpsterFolders, "Recover (the Recoverable Items folders)"); err != nil {
		return nil, err
	}
	if to.IsZero() {
		to = Inbox
	}
	var itemIDs []string
	refOf := map[string]string{}
	for i, ref := range ids {
		kind, v, err := parseRef(fmt.Sprintf("ids[%d]", i), ref)
		if err != nil {
			return nil, err
		}
		if kind != refMessageID {
			itemIDs = append(itemIDs, v)
			refOf[v] = ref
			continue
		}
		found, err := s.FindByMessageID(ctx, v, RecoverableItemsDeletions)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, &Error{Code: ErrItemNotFound.Code, Message: fmt.Sprintf("no message with Internet Message-ID %s in the Recoverable Items", strings.TrimSpace(ref))}
		}
		for _, m := range found {
			itemIDs = append(itemIDs, m.ID)
			refOf[m.ID] = ref
		}
	}
	moved, err := s.Move(ctx, to, itemIDs...)
	for i := range moved {
		if r, ok := refOf[moved[i].ID]; ok {
			moved[i].Ref = r
		}
	}
	return moved, err
}
