package testserver

import (
	"net/http"
	"sort"
	"strings"
)

// The mailbox's calendars over Graph ("List calendars", "Get calendar"): GET /users/{id}/calendars lists every
// calendar folder of the mailbox (the EWS side's folders of class IPF.Appointment, the default Calendar and the
// calendars made over EWS below it or elsewhere), flat, as Graph lists the calendars of all calendar groups;
// GET /calendar and /calendars/{id} give one. Ids are the folders' ids, so a calendar folder made over EWS is a
// calendar over Graph.

func init() { graphRoutes = append(graphRoutes, (*graphCall).calendarsRoute) }

func (g *graphCall) calendarsRoute(mb *Mailbox, rest []string) (*graphAnswer, *graphError, bool) {
	if g.method != http.MethodGet || len(rest) > 2 || rest[0] != "calendars" && rest[0] != "calendar" ||
		rest[0] == "calendar" && len(rest) != 1 {
		return nil, nil, false
	}
	// $select as Graph answers it: the properties selected and the id (a property a calendar lacks: 400).
	sel, gE := selectProps(g.query.Get("$select"), calendarProps, "calendar")
	if gE != nil {
		return nil, gE, true
	}
	cal := func(f *Folder) map[string]any { return project(calendarJSON(mb, f), sel) }
	switch {
	case len(rest) == 1 && rest[0] == "calendars":
		var cals []*Folder
		for _, f := range mb.folders {
			if isCalendarFolder(f) {
				cals = append(cals, f)
			}
		}
		sort.Slice(cals, func(i, j int) bool {
			if a, b := cals[i].Distinguished == "calendar", cals[j].Distinguished == "calendar"; a != b {
				return a
			}
			return cals[i].ID < cals[j].ID
		})
		values := make([]any, len(cals))
		for i, f := range cals {
			values[i] = cal(f)
		}
		a, e := g.pageOf(values, 10, "users('"+mb.Address+"')/calendars")
		return a, e, true
	case len(rest) == 1 && rest[0] == "calendar":
		return &graphAnswer{status: http.StatusOK, json: cal(mb.folders[mb.dist["calendar"]])}, nil, true
	case len(rest) == 2 && rest[0] == "calendars":
		f := mb.folders[rest[1]]
		if f == nil || !isCalendarFolder(f) {
			return nil, errNotFound(), true
		}
		return &graphAnswer{status: http.StatusOK, json: cal(f)}, nil, true
	}
	return nil, nil, false
}

// isCalendarFolder reports whether f is a calendar: a folder of class IPF.Appointment (or a subclass).
func isCalendarFolder(f *Folder) bool { return strings.HasPrefix(f.FolderClass, "IPF.Appointment") }

// calendarJSON is Graph's calendar resource of a calendar folder.
func calendarJSON(mb *Mailbox, f *Folder) map[string]any {
	def := f.Distinguished == "calendar"
	return map[string]any{"id": f.ID, "name": f.DisplayName, "color": "auto", "hexColor": "", "changeKey": f.ChangeKey,
		"isDefaultCalendar": def, "isRemovable": !def, "canShare": true, "canViewPrivateItems": true, "canEdit": true,
		"allowedOnlineMeetingProviders": []string{"teamsForBusiness"}, "defaultOnlineMeetingProvider": "teamsForBusiness",
		"isTallyingResponses": true, "owner": map[string]any{"name": mb.DisplayName, "address": mb.Address}}
}

// calendarProps are the properties of calendarJSON, which $select may name.
var calendarProps = map[string]bool{"id": true, "name": true, "color": true, "hexColor": true, "changeKey": true,
	"isDefaultCalendar": true, "isRemovable": true, "canShare": true, "canViewPrivateItems": true, "canEdit": true,
	"allowedOnlineMeetingProviders": true, "defaultOnlineMeetingProvider": true, "isTallyingResponses": true,
	"owner": true}

// project keeps the id and the selected members of a resource (all of them when sel is nil).
func project(m map[string]any, sel map[string]bool) map[string]any {
	if sel == nil {
		return m
	}
	out := map[string]any{"id": m["id"]}
	for k, v := range m {
		if sel[k] {
			out[k] = v
		}
	}
	return out
}
