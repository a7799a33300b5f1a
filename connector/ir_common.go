package connector

import (
	"context"
	"strings"

	"github.com/ewsgo/ews"
)

// onMailbox returns the client for the mailbox parameter: c itself when it is empty, else a client for that
// mailbox sharing c's connections (ews.Client.ForMailbox).
func onMailbox(c *ews.Client, mailbox string) (*ews.Client, error) {
	mailbox = strings.TrimSpace(mailbox)
	if mailbox == "" {
		return c, nil
	}
	mc, err := c.ForMailbox(mailbox)
	if err != nil {
		return nil, paramErr("mailbox", "parameter %q: %q is not an email address", "mailbox", mailbox)
	}
	return mc, nil
}

// firstMessage resolves a message_id parameter to one ItemId (the first copy of an Internet Message-ID, looked up
// in every mail folder).
func firstMessage(ctx context.Context, c *ews.Client, ref string) (string, error) {
	ids, err := resolveMessage(ctx, c, "message_id", ref, ews.FolderRef{}, "the mailbox's mail folders")
	if err != nil {
		return "", err
	}
	return ids[0], nil
}
