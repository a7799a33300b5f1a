package ews

import (
	"context"
	"fmt"
	"strings"
)

// recover is Recover over EWS. Exchange 2007 has no Recoverable Items folders in EWS: there it is refused before
// any request for them.
func (s ewsMail) recover(ctx context.Context, to FolderRef, ids ...string) ([]Moved, error) {
	if err := checkRefs(ids); err != nil {
		return nil, err
	}
	if err := to.check("to"); err != nil {
		return nil, err
	}
	if err := s.c.requireFeature(ctx, featDumpsterFolders, "Recover (the Recoverable Items folders)"); err != nil {
		return nil, err
	}
	return s.recoverMessages(ctx, to, ids, parseRef)
}

// recover is Recover over Graph: the same steps, through the graph wire's FindByMessageID and Move.
func (s graphMail) recover(ctx context.Context, to FolderRef, ids ...string) ([]Moved, error) {
	if len(ids) == 0 {
		return nil, inputErr("ids", "no message given")
	}
	return s.recoverMessages(ctx, to, ids, graphRef)
}

// recoverMessages finds the Message-IDs among ids in the Recoverable Items (FindByMessageID) and moves the
// messages to to (the Inbox by default); parse checks a reference for the wire in use.
func (s *MailService) recoverMessages(ctx context.Context, to FolderRef, ids []string, parse func(field, s string) (refKind, string, error)) ([]Moved, error) {
	if err := to.check("to"); err != nil {
		return nil, err
	}
	if to.IsZero() {
		to = Inbox
	}
	var itemIDs []string
	refOf := map[string]string{}
	for i, ref := range ids {
		kind, v, err := parse(fmt.Sprintf("ids[%d]", i), ref)
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
