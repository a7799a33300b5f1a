package testserver

import (
	"encoding/json"
	"net/http"
	"time"
)

// Graph automatic replies over the same settings as GetUserOofSettings/SetUserOofSettings:
// GET /users/{id}/mailboxSettings[/automaticRepliesSetting] and PATCH /users/{id}/mailboxSettings with an
// automaticRepliesSetting (Microsoft Graph v1.0). Graph's status and audience names map to EWS's:
// disabled/alwaysEnabled/scheduled to Disabled/Enabled/Scheduled, none/contactsOnly/all to None/Known/All.

func init() { graphRoutes = append(graphRoutes, (*graphCall).oofRoute) }

var (
	oofStateGraph    = map[string]string{"Disabled": "disabled", "Enabled": "alwaysEnabled", "Scheduled": "scheduled"}
	oofAudienceGraph = map[string]string{"None": "none", "Known": "contactsOnly", "All": "all"}
)

func reverse(m map[string]string, v string) (string, bool) {
	for k, x := range m {
		if x == v {
			return k, true
		}
	}
	return "", false
}

func (g *graphCall) oofRoute(mb *Mailbox, rest []string) (*graphAnswer, *graphError, bool) {
	if rest[0] != "mailboxSettings" || len(rest) > 2 || len(rest) == 2 && rest[1] != "automaticRepliesSetting" {
		return nil, nil, false
	}
	switch {
	case g.method == http.MethodGet && len(rest) == 2:
		return &graphAnswer{status: http.StatusOK, json: g.oofJSON(mb)}, nil, true
	case g.method == http.MethodGet:
		return &graphAnswer{status: http.StatusOK, json: map[string]any{"automaticRepliesSetting": g.oofJSON(mb), "timeZone": "UTC"}}, nil, true
	case g.method == http.MethodPatch && len(rest) == 1:
		a, e := g.patchOof(mb)
		return a, e, true
	}
	return nil, gerr(http.StatusMethodNotAllowed, "BadRequest", "Unsupported request %s %s.", g.method, g.path), true
}

func (g *graphCall) oofJSON(mb *Mailbox) map[string]any {
	o := mb.oofLocked()
	start, end := o.Start, o.End
	if start.IsZero() { // as over EWS: a window of a day from now
		start = g.srv.now()
		end = start.Add(24 * time.Hour)
	}
	dt := func(t time.Time) map[string]any {
		return map[string]any{"dateTime": t.UTC().Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"}
	}
	return map[string]any{"status": oofStateGraph[o.State], "externalAudience": oofAudienceGraph[o.ExternalAudience],
		"scheduledStartDateTime": dt(start), "scheduledEndDateTime": dt(end),
		"internalReplyMessage": o.InternalReply, "externalReplyMessage": o.ExternalReply}
}

type graphDTZ struct {
	DateTime string `json:"dateTime"`
	TimeZone string `json:"timeZone"`
}

func (g *graphCall) patchOof(mb *Mailbox) (*graphAnswer, *graphError) {
	var b struct {
		AutomaticRepliesSetting *struct {
			Status                 *string   `json:"status"`
			ExternalAudience       *string   `json:"externalAudience"`
			ScheduledStartDateTime *graphDTZ `json:"scheduledStartDateTime"`
			ScheduledEndDateTime   *graphDTZ `json:"scheduledEndDateTime"`
			InternalReplyMessage   *string   `json:"internalReplyMessage"`
			ExternalReplyMessage   *string   `json:"externalReplyMessage"`
		} `json:"automaticRepliesSetting"`
	}
	if err := json.Unmarshal(g.body, &b); err != nil || b.AutomaticRepliesSetting == nil {
		return nil, gerr(http.StatusBadRequest, "UnableToDeserializePostBody", "Were unable to deserialize the request body.")
	}
	s := b.AutomaticRepliesSetting
	o := mb.oofLocked()
	var ok bool
	if s.Status != nil {
		if o.State, ok = reverse(oofStateGraph, *s.Status); !ok {
			return nil, gerr(http.StatusBadRequest, "UnableToDeserializePostBody", "Cannot read the value of property 'status'.")
		}
	}
	if s.ExternalAudience != nil {
		if o.ExternalAudience, ok = reverse(oofAudienceGraph, *s.ExternalAudience); !ok {
			return nil, gerr(http.StatusBadRequest, "UnableToDeserializePostBody", "Cannot read the value of property 'externalAudience'.")
		}
	}
	for _, p := range []struct {
		d  *graphDTZ
		to *time.Time
	}{{s.ScheduledStartDateTime, &o.Start}, {s.ScheduledEndDateTime, &o.End}} {
		if p.d == nil {
			continue
		}
		t, _, gE := zoneTime(p.d.DateTime, p.d.TimeZone)
		if gE != nil {
			return nil, gE
		}
		*p.to = t.UTC()
	}
	if s.InternalReplyMessage != nil {
		o.InternalReply = *s.InternalReplyMessage
	}
	if s.ExternalReplyMessage != nil {
		o.ExternalReply = *s.ExternalReplyMessage
	}
	if o.State == "Scheduled" && (o.Start.IsZero() || !o.End.After(o.Start)) {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidScheduledOofDuration", "The scheduled out-of-office duration is invalid.")
	}
	mb.oof = &o
	return &graphAnswer{status: http.StatusOK, json: map[string]any{"automaticRepliesSetting": g.oofJSON(mb)}}, nil
}
