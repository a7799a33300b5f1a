package ews

import (
	"context"
	"fmt"
	"strings"

	"github.com/ewsgo/ews/internal/soap"
)

// FlagStatus is a message's follow-up flag (Exchange 2013 and later).
type FlagStatus string

// Flag states.
const (
	FlagNotFlagged FlagStatus = "NotFlagged"
	FlagFlagged    FlagStatus = "Flagged"
	FlagComplete   FlagStatus = "Complete"
)

// MessageUpdate holds the changes MailService.Update makes; the zero value of a field leaves the property alone.
type MessageUpdate struct {
	// Categories replaces the message's categories; a non-nil empty slice removes them all.
	Categories []string
	// Flag sets the follow-up flag (Exchange 2013 and later).
	Flag FlagStatus
	// Importance sets the importance.
	Importance Importance
	// IsRead sets the read state (without a read receipt, from Exchange 2013 SP1 on).
	IsRead *bool
}

// update is Update over EWS.
func (s ewsMail) update(ctx context.Context, u MessageUpdate, ids ...string) error {
	updates, err := s.c.messageUpdates(ctx, u)
	if err != nil {
		return err
	}
	o, err := s.batchOptions()
	if err != nil {
		return err
	}
	if err := checkRefs(ids); err != nil {
		return err
	}
	res := &batchResult{total: len(ids)}
	targets, err := s.resolve(ctx, ids, res)
	if err != nil {
		return err
	}
	eachBatch(ctx, s.c, o, targets, res, func(ctx context.Context, _ int, batch []target) ([]error, error) {
		req := &soap.UpdateItem{ConflictResolution: "AutoResolve", MessageDisposition: "SaveOnly",
			ItemChanges: make([]soap.ItemChange, len(batch))}
		if u.IsRead != nil && *u.IsRead && s.c.versionAtLeast("Exchange2013_SP1") {
			req.SuppressReadReceipts = Ptr(true)
		}
		for i, t := range batch {
			req.ItemChanges[i] = soap.ItemChange{ItemID: soap.ItemID{ID: t.id}, Updates: updates}
		}
		resp, err := do(ctx, s.c, req)
		if err != nil {
			return nil, err
		}
		errs := make([]error, len(batch))
		for i := range resp.ResponseMessages {
			errs[i] = s.c.itemErr(req, &resp.ResponseMessages[i])
		}
		return errs, nil
	})
	return res.err()
}

// messageUpdates checks u and returns its updates, in schema order of the properties.
func (c *Client) messageUpdates(ctx context.Context, u MessageUpdate) ([]soap.Update, error) {
	var out []soap.Update
	if u.Categories != nil {
		for i, cat := range u.Categories {
			if strings.TrimSpace(cat) == "" {
				return nil, inputErr(fmt.Sprintf("MessageUpdate.Categories[%d]", i), "is empty")
			}
			if p := textProblem(cat); p != "" {
				return nil, inputErr(fmt.Sprintf("MessageUpdate.Categories[%d]", i), "%s", p)
			}
		}
		if len(u.Categories) == 0 {
			out = append(out, soap.Update{Path: soap.Path{FieldURI: "item:Categories"}})
		} else {
			out = append(out, soap.Update{Path: soap.Path{FieldURI: "item:Categories"}, Item: &soap.Message{Categories: &soap.Strings{Strings: u.Categories}}})
		}
	}
	switch u.Importance {
	case "":
	case ImportanceLow, ImportanceNormal, ImportanceHigh:
		out = append(out, soap.Update{Path: soap.Path{FieldURI: "item:Importance"}, Item: &soap.Message{Importance: string(u.Importance)}})
	default:
		return nil, inputErr("MessageUpdate.Importance", "%q is not Low, Normal or High", string(u.Importance))
	}
	switch u.Flag {
	case "":
	case FlagNotFlagged, FlagFlagged, FlagComplete:
		if err := c.requireVersion(ctx, "Exchange2013", "setting the follow-up flag"); err != nil {
			return nil, err
		}
		out = append(out, soap.Update{Path: soap.Path{FieldURI: "item:Flag"}, Item: &soap.Message{Flag: &soap.Flag{FlagStatus: string(u.Flag)}}})
	default:
		return nil, inputErr("MessageUpdate.Flag", "%q is not NotFlagged, Flagged or Complete", string(u.Flag))
	}
	if u.IsRead != nil {
		out = append(out, soap.Update{Path: soap.Path{FieldURI: "message:IsRead"}, Item: &soap.Message{IsRead: Ptr(*u.IsRead)}})
	}
	if len(out) == 0 {
		return nil, inputErr("MessageUpdate", "changes nothing")
	}
	return out, nil
}

// requireVersion returns an error matching ErrInvalidServerVersion when the server is older than min. When the
// server's version is not known yet it is learnt first, with one GetFolder of the Inbox.
func (c *Client) requireVersion(ctx context.Context, min, what string) error {
	if _, known := c.currentVersion(); !known {
		if _, err := c.GetFolder(ctx, Inbox); err != nil {
			return err
		}
	}
	if c.versionAtLeast(min) {
		return nil
	}
	v, _ := c.currentVersion()
	return &Error{Code: ErrInvalidServerVersion.Code, Message: fmt.Sprintf("%s needs %s or later; the server speaks %s", what, strings.Replace(min, "Exchange", "Exchange ", 1), v)}
}
