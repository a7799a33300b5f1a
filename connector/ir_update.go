package connector

import (
	"context"

	"github.com/ewsgo/ews"
)

// UpdateEmailParams are the parameters of update_email.
type UpdateEmailParams struct {
	MessageID       string   `json:"message_id" required:"true" help:"the message: its EWS ItemId, or its Internet Message-ID (looked up in every mail folder; every copy is updated)"`
	Categories      []string `json:"categories" help:"categories that replace the message's own, comma-separated or a JSON list"`
	ClearCategories bool     `json:"clear_categories" help:"remove every category"`
	Flag            string   `json:"flag" choices:"Flagged|Complete|NotFlagged" help:"follow-up flag (Exchange 2013 and later)"`
	Importance      string   `json:"importance" choices:"Low|Normal|High" help:"importance"`
	IsRead          *bool    `json:"is_read" help:"read state (marking read sends no read receipt from Exchange 2013 SP1 on)"`
	Mailbox         string   `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
}

// UpdatedEmail is the result of update_email: the message_id parameter, the ItemIds updated, and what was set.
type UpdatedEmail struct {
	MessageID  string   `json:"message_id"`
	IDs        []string `json:"ids"`
	Categories []string `json:"categories,omitempty"`
	Flag       string   `json:"flag,omitempty"`
	Importance string   `json:"importance,omitempty"`
	IsRead     *bool    `json:"is_read,omitempty"`
}

// updateEmailFields maps the SDK's MessageUpdate fields to the parameters of update_email.
var updateEmailFields = map[string]string{"MessageUpdate": "categories", "MessageUpdate.Categories": "categories",
	"MessageUpdate.Flag": "flag", "MessageUpdate.Importance": "importance"}

// UpdateEmail sets categories, flag, importance and read state of a message in one call.
func UpdateEmail(ctx context.Context, c *ews.Client, p UpdateEmailParams) (*UpdatedEmail, error) {
	c, err := onMailbox(c, p.Mailbox)
	if err != nil {
		return nil, err
	}
	u := ews.MessageUpdate{Categories: p.Categories, Flag: ews.FlagStatus(p.Flag), Importance: ews.Importance(p.Importance), IsRead: p.IsRead}
	if p.ClearCategories {
		if len(p.Categories) > 0 {
			return nil, paramErr("clear_categories", "parameter %q: give categories or clear_categories, not both", "clear_categories")
		}
		u.Categories = []string{}
	}
	if u.Categories == nil && u.Flag == "" && u.Importance == "" && u.IsRead == nil {
		return nil, paramErr("categories", "nothing to update: give categories, clear_categories, flag, importance or is_read")
	}
	ids, err := resolveMessage(ctx, c, "message_id", p.MessageID, ews.FolderRef{}, "the mailbox's mail folders")
	if err != nil {
		return nil, err
	}
	if err := c.Mail().Update(ctx, u, ids...); err != nil {
		return nil, inputParamOf(err, "message_id", updateEmailFields)
	}
	return &UpdatedEmail{MessageID: p.MessageID, IDs: ids, Categories: u.Categories, Flag: p.Flag, Importance: p.Importance, IsRead: p.IsRead}, nil
}
