// Package triage is an example of a program outside the ews module that uses it: it moves phishing reports to
// a folder and notifies the SOC. Its tests (triage_test.go) run it against ewstest's fake server.
package triage

import (
	"context"
	"fmt"
	"strings"

	"github.com/ewsgo/ews"
)

// Triage moves every unread message of the inbox from a domain in blocked to Inbox/Phishing, marks it read,
// and sends one summary to soc. It returns how many it moved.
func Triage(ctx context.Context, c *ews.Client, blocked []string, soc string) (int, error) {
	var subjects []string
	var ids []string
	for m, err := range c.Mail().Unread(ctx, ews.UnreadOptions{Folder: ews.Inbox}) {
		if err != nil {
			return 0, err
		}
		for _, d := range blocked {
			if strings.HasSuffix(strings.ToLower(m.From.Email), "@"+d) {
				ids = append(ids, m.ID)
				subjects = append(subjects, m.Subject)
			}
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	if err := c.Mail().MarkRead(ctx, ids...); err != nil {
		return 0, err
	}
	if _, err := c.Mail().Move(ctx, ews.FolderByPath("Inbox/Phishing"), ids...); err != nil {
		return 0, err
	}
	_, err := c.Mail().Send(ctx, ews.Draft{To: []string{soc}, Subject: fmt.Sprintf("Triage: %d phishing", len(ids)),
		Body: strings.Join(subjects, "\n")})
	return len(ids), err
}
