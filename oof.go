package ews

import (
	"context"
	"fmt"
	"time"

	"github.com/ewsgo/ews/internal/soap"
)

// OOFService reads and sets a mailbox's out-of-office (automatic reply) settings.
type OOFService struct{ c *Client }

// OOF returns the service for the client's mailbox's out-of-office settings.
func (c *Client) OOF() *OOFService { return &OOFService{c: c} }

// OOFState says whether automatic replies are sent.
type OOFState string

// Out-of-office states.
const (
	OOFDisabled  OOFState = "Disabled"
	OOFEnabled   OOFState = "Enabled"
	OOFScheduled OOFState = "Scheduled" // between Start and End
)

// OOFAudience says which outside senders get the external reply.
type OOFAudience string

// External audiences.
const (
	OOFAudienceNone  OOFAudience = "None"
	OOFAudienceKnown OOFAudience = "Known" // senders in the mailbox's contacts
	OOFAudienceAll   OOFAudience = "All"
)

// OOFSettings are a mailbox's automatic replies.
type OOFSettings struct {
	State OOFState
	// ExternalAudience is who outside the organization gets ExternalReply; the zero value is None.
	ExternalAudience OOFAudience
	// Start and End bound a Scheduled reply (ignored otherwise).
	Start, End time.Time
	// InternalReply is sent to senders in the organization, ExternalReply to the others (HTML or text).
	InternalReply string
	ExternalReply string
}

// Get returns the mailbox's out-of-office settings (GetUserOofSettings).
func (s *OOFService) Get(ctx context.Context) (*OOFSettings, error) {
	if s.c.graph != nil {
		return s.graphGet(ctx)
	}
	resp, err := doOne(ctx, s.c, &soap.GetUserOofSettings{Mailbox: soap.OofMailbox{Address: s.c.mailbox}})
	if err != nil {
		return nil, err
	}
	o := resp.OofSettings
	if o == nil {
		return nil, fmt.Errorf("%w: GetUserOofSettings returned no OofSettings", ErrMalformedResponse)
	}
	return &OOFSettings{State: OOFState(o.OofState), ExternalAudience: OOFAudience(o.ExternalAudience),
		Start: inLoc(o.StartTime.Time, s.c.cfg.Location), End: inLoc(o.EndTime.Time, s.c.cfg.Location),
		InternalReply: o.InternalReply, ExternalReply: o.ExternalReply}, nil
}

// Set replaces the mailbox's out-of-office settings (SetUserOofSettings). A Scheduled state needs Start before
// End.
func (s *OOFService) Set(ctx context.Context, o OOFSettings) error {
	switch o.State {
	case OOFDisabled, OOFEnabled, OOFScheduled:
	default:
		return inputErr("OOFSettings.State", "%q is not Disabled, Enabled or Scheduled", string(o.State))
	}
	if o.ExternalAudience == "" {
		o.ExternalAudience = OOFAudienceNone
	}
	switch o.ExternalAudience {
	case OOFAudienceNone, OOFAudienceKnown, OOFAudienceAll:
	default:
		return inputErr("OOFSettings.ExternalAudience", "%q is not None, Known or All", string(o.ExternalAudience))
	}
	if o.State == OOFScheduled && (o.Start.IsZero() || !o.End.After(o.Start)) {
		return inputErr("OOFSettings.End", "a Scheduled reply needs Start before End")
	}
	for f, v := range map[string]string{"OOFSettings.InternalReply": o.InternalReply, "OOFSettings.ExternalReply": o.ExternalReply} {
		if p := textProblem(v); p != "" {
			return inputErr(f, "%s", p)
		}
	}
	if s.c.graph != nil {
		return s.graphSet(ctx, o)
	}
	req := &soap.SetUserOofSettings{Mailbox: soap.OofMailbox{Address: s.c.mailbox}, UserOofSettings: soap.UserOofSettingsReq{
		OofState: string(o.State), ExternalAudience: string(o.ExternalAudience),
		InternalReply: &soap.ReplyBody{Message: o.InternalReply}, ExternalReply: &soap.ReplyBody{Message: o.ExternalReply}}}
	if !o.Start.IsZero() && o.End.After(o.Start) {
		req.UserOofSettings.Duration = &soap.OofDuration{StartTime: o.Start.UTC().Format(time.RFC3339), EndTime: o.End.UTC().Format(time.RFC3339)}
	}
	_, err := doOne(ctx, s.c, req)
	return err
}
