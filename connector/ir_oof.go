package connector

import (
	"context"
	"time"

	"github.com/ewsgo/ews"
)

// OOFOut is a mailbox's out-of-office settings as get_oof and set_oof return them.
type OOFOut struct {
	Mailbox          string    `json:"mailbox"`
	State            string    `json:"state"`
	ExternalAudience string    `json:"external_audience"`
	Start            time.Time `json:"start"`
	End              time.Time `json:"end"`
	InternalReply    string    `json:"internal_reply"`
	ExternalReply    string    `json:"external_reply"`
}

// GetOOFParams are the parameters of get_oof.
type GetOOFParams struct {
	Mailbox string `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
}

// GetOOF returns a mailbox's out-of-office settings.
func GetOOF(ctx context.Context, c *ews.Client, p GetOOFParams) (*OOFOut, error) {
	c, err := onMailbox(c, p.Mailbox)
	if err != nil {
		return nil, err
	}
	o, err := c.OOF().Get(ctx)
	if err != nil {
		return nil, err
	}
	return &OOFOut{Mailbox: c.Mailbox(), State: string(o.State), ExternalAudience: string(o.ExternalAudience), Start: o.Start,
		End: o.End, InternalReply: o.InternalReply, ExternalReply: o.ExternalReply}, nil
}

// SetOOFParams are the parameters of set_oof.
type SetOOFParams struct {
	State            string    `json:"state" required:"true" choices:"Disabled|Enabled|Scheduled" help:"Enabled: replies now; Scheduled: between start and end"`
	ExternalAudience string    `json:"external_audience" choices:"None|Known|All" default:"None" help:"outside senders who get external_reply"`
	Start            time.Time `json:"start" help:"start of a Scheduled reply"`
	End              time.Time `json:"end" help:"end of a Scheduled reply"`
	InternalReply    string    `json:"internal_reply" help:"reply to senders in the organization (text or HTML)"`
	ExternalReply    string    `json:"external_reply" help:"reply to outside senders (text or HTML)"`
	Mailbox          string    `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`
}

// setOOFFields maps the SDK's OOFSettings fields to the parameters of set_oof.
var setOOFFields = map[string]string{"OOFSettings.State": "state", "OOFSettings.ExternalAudience": "external_audience",
	"OOFSettings.End": "end", "OOFSettings.InternalReply": "internal_reply", "OOFSettings.ExternalReply": "external_reply"}

// SetOOF sets a mailbox's out-of-office settings and returns them as the server then reports them.
func SetOOF(ctx context.Context, c *ews.Client, p SetOOFParams) (*OOFOut, error) {
	mc, err := onMailbox(c, p.Mailbox)
	if err != nil {
		return nil, err
	}
	o := ews.OOFSettings{State: ews.OOFState(p.State), ExternalAudience: ews.OOFAudience(orDefault(p.ExternalAudience, "None")),
		Start: p.Start, End: p.End, InternalReply: p.InternalReply, ExternalReply: p.ExternalReply}
	if err := mc.OOF().Set(ctx, o); err != nil {
		return nil, inputParamOf(err, "state", setOOFFields)
	}
	return GetOOF(ctx, c, GetOOFParams{Mailbox: p.Mailbox})
}
