package ews

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/graph"
)

// The Microsoft Graph side of OOFService: mailboxSettings' automaticRepliesSetting (internal/graph/oof.go),
// with the states and audiences of the EWS wire mapped one to one.

var (
	oofStateToGraph    = map[OOFState]string{OOFDisabled: "disabled", OOFEnabled: "alwaysEnabled", OOFScheduled: "scheduled"}
	oofAudienceToGraph = map[OOFAudience]string{OOFAudienceNone: "none", OOFAudienceKnown: "contactsOnly", OOFAudienceAll: "all"}
)

func (s *OOFService) graphGet(ctx context.Context) (*OOFSettings, error) {
	g, err := s.c.graph.GetAutomaticReplies(ctx)
	if err != nil {
		return nil, s.c.graphErr("get automatic replies", err, nil)
	}
	o := &OOFSettings{InternalReply: g.InternalReplyMessage, ExternalReply: g.ExternalReplyMessage}
	for k, v := range oofStateToGraph {
		if strings.EqualFold(v, g.Status) {
			o.State = k
		}
	}
	for k, v := range oofAudienceToGraph {
		if strings.EqualFold(v, g.ExternalAudience) {
			o.ExternalAudience = k
		}
	}
	if o.State == "" {
		return nil, fmt.Errorf("%w: automaticRepliesSetting has the status %q", ErrMalformedResponse, g.Status)
	}
	if o.ExternalAudience == "" {
		o.ExternalAudience = OOFAudienceNone
	}
	for _, p := range []struct {
		d  *graph.DateTimeTimeZone
		to *time.Time
	}{{g.ScheduledStartDateTime, &o.Start}, {g.ScheduledEndDateTime, &o.End}} {
		if p.d == nil {
			continue
		}
		t, err := p.d.Time()
		if err != nil {
			return nil, fmt.Errorf("%w: automaticRepliesSetting: %v", ErrMalformedResponse, err)
		}
		*p.to = inLoc(t, s.c.cfg.Location)
	}
	return o, nil
}

// graphSet sends o, already checked by Set.
func (s *OOFService) graphSet(ctx context.Context, o OOFSettings) error {
	g := graph.AutomaticRepliesSetting{Status: oofStateToGraph[o.State], ExternalAudience: oofAudienceToGraph[o.ExternalAudience],
		InternalReplyMessage: o.InternalReply, ExternalReplyMessage: o.ExternalReply}
	if !o.Start.IsZero() && o.End.After(o.Start) {
		st, _ := graph.NewDateTimeTimeZone(o.Start, "UTC")
		en, _ := graph.NewDateTimeTimeZone(o.End, "UTC")
		g.ScheduledStartDateTime, g.ScheduledEndDateTime = &st, &en
	}
	return s.c.graphErr("update automatic replies", s.c.graph.SetAutomaticReplies(ctx, g), nil)
}
