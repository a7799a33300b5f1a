package testserver

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ewsgo/ews/internal/wintz"
)

// The Graph calendar over the same calendars as EWS: POST /users/{id}/events and /calendars/{id}/events (meeting
// requests to the attendees, as Graph always sends them), GET /events and /events/{id}, GET /calendarView (and under
// /calendar/ or /calendars/{id}/) with the recurring series expanded by the EWS side's expansion (the same
// occurrence ids), POST /events/{id}/accept, tentativelyAccept, decline and cancel (202 Accepted), DELETE
// /events/{id}. Times are written in UTC, or in the zone of Prefer: outlook.timezone. The fake expands daily
// and weekly series only, as its EWS side; other patterns are refused with 400 (a fake's limit, not Graph's).

func init() { graphRoutes = append(graphRoutes, (*graphCall).calendarRoute) }

// preference returns the value of a Prefer preference (outlook.timezone="X" gives X), or "".
func (g *graphCall) preference(name string) string {
	for _, h := range g.header.Values("Prefer") {
		for _, p := range strings.Split(h, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, name) {
				return strings.Trim(v, `"`)
			}
		}
	}
	return ""
}

// pageOf answers one page of a collection with $top (default def, at most 1000) and $skip; the next page's
// link repeats the query with $skip advanced.
func (g *graphCall) pageOf(values []any, def int, context string) (*graphAnswer, *graphError) {
	top, skip := def, 0
	if v := g.query.Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return nil, gerr(http.StatusBadRequest, "ErrorInvalidUrlQuery", "Invalid $top value '%s'.", v)
		}
		top = n
	}
	if v := g.query.Get("$skip"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, gerr(http.StatusBadRequest, "ErrorInvalidUrlQuery", "Invalid $skip value '%s'.", v)
		}
		skip = n
	}
	skip = min(skip, len(values))
	end := min(skip+top, len(values))
	page := append([]any{}, values[skip:end]...)
	out := map[string]any{"@odata.context": g.srv.GraphURL() + GraphPath + "/$metadata#" + context, "value": page}
	if end < len(values) {
		next := url.Values{}
		for k, v := range g.query {
			next[k] = v
		}
		next.Set("$skip", strconv.Itoa(end))
		next.Set("$top", strconv.Itoa(top))
		out["@odata.nextLink"] = g.srv.GraphURL() + GraphPath + g.path + "?" + strings.ReplaceAll(next.Encode(), "+", "%20")
	}
	return &graphAnswer{status: http.StatusOK, json: out}, nil
}

func (g *graphCall) calendarRoute(mb *Mailbox, rest []string) (*graphAnswer, *graphError, bool) {
	m := g.method
	switch {
	case rest[0] == "calendar" && len(rest) >= 2:
		// /calendar/events..., /calendar/calendarView: the default calendar.
		return g.calendarRoute(mb, rest[1:])
	case rest[0] == "calendars" && len(rest) >= 3:
		f := mb.folders[rest[1]]
		if f == nil || f.FolderClass != "IPF.Appointment" {
			return nil, errNotFound(), true
		}
		if rest[2] == "calendarView" && len(rest) == 3 && m == http.MethodGet {
			a, e := g.calendarView(mb, f)
			return a, e, true
		}
		if rest[2] == "events" && len(rest) == 3 && m == http.MethodPost {
			a, e := g.createEvent(mb, f)
			return a, e, true
		}
		return nil, nil, false
	case rest[0] == "calendarView" && len(rest) == 1 && m == http.MethodGet:
		a, e := g.calendarView(mb, mb.folders[mb.dist["calendar"]])
		return a, e, true
	case rest[0] == "events" && len(rest) == 1 && m == http.MethodPost:
		a, e := g.createEvent(mb, nil)
		return a, e, true
	case rest[0] == "events" && len(rest) == 1 && m == http.MethodGet:
		a, e := g.listEvents(mb)
		return a, e, true
	case rest[0] == "events" && len(rest) >= 2:
		it := mb.items[rest[1]]
		if it == nil || it.Kind() != "calendar" {
			return nil, errNotFound(), true
		}
		a, e := g.event(mb, it, rest[2:])
		return a, e, true
	}
	return nil, nil, false
}

// zone is the time zone of the answer's times: Prefer: outlook.timezone, or UTC.
func (g *graphCall) zone() (*time.Location, string) {
	if tz := g.preference("outlook.timezone"); tz != "" {
		if loc, err := wintz.Location(tz); err == nil {
			return loc, tz
		}
	}
	return time.UTC, "UTC"
}

var (
	showAsOf = map[string]string{"Free": "free", "Tentative": "tentative", "Busy": "busy", "OOF": "oof",
		"WorkingElsewhere": "workingElsewhere", "NoData": "unknown"}
	responseOf = map[string]string{"Organizer": "organizer", "Accept": "accepted", "Tentative": "tentativelyAccepted",
		"Decline": "declined", "NoResponseReceived": "notResponded", "Unknown": "none", "": "none"}
	weekdayNames = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}
)

func inverse(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[v] = k
	}
	return out
}

var freeBusyOf = inverse(showAsOf)

// eventProps are the event properties the fake serves, for $select.
var eventProps = map[string]bool{"id": true, "changeKey": true, "createdDateTime": true, "lastModifiedDateTime": true,
	"categories": true, "subject": true, "body": true, "bodyPreview": true, "importance": true, "sensitivity": true,
	"start": true, "end": true, "originalStartTimeZone": true, "originalEndTimeZone": true, "isAllDay": true,
	"isCancelled": true, "isOrganizer": true, "isReminderOn": true, "reminderMinutesBeforeStart": true,
	"responseRequested": true, "showAs": true, "type": true, "seriesMasterId": true, "iCalUId": true, "location": true,
	"locations": true, "attendees": true, "organizer": true, "responseStatus": true, "recurrence": true,
	"hasAttachments": true, "webLink": true, "allowNewTimeProposals": true, "isOnlineMeeting": true}

func selectEvent(v string) (map[string]bool, *graphError) {
	if v == "" {
		return nil, nil
	}
	sel := map[string]bool{}
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if !eventProps[p] {
			return nil, gerr(http.StatusBadRequest, "RequestBroker--ParseUri", "Could not find a property named '%s' on type 'microsoft.graph.event'.", p)
		}
		sel[p] = true
	}
	return sel, nil
}

func dateTimeJSON(t time.Time, loc *time.Location, zone string) map[string]any {
	return map[string]any{"dateTime": t.In(loc).Format("2006-01-02T15:04:05.0000000"), "timeZone": zone}
}

// eventJSON is the event resource of a calendar item; sel, if not nil, keeps only those properties.
func eventJSON(mb *Mailbox, it *Item, loc *time.Location, zone string, sel map[string]bool) map[string]any {
	typ := "singleInstance"
	switch {
	case it.Recurrence != nil:
		typ = "seriesMaster"
	case it.MasterID != "" && it.version > 0:
		typ = "exception"
	case it.MasterID != "":
		typ = "occurrence"
	}
	ctype := "text"
	if it.BodyType == "HTML" {
		ctype = "html"
	}
	preview := it.Body
	if ctype == "html" {
		preview = htmlToText(preview)
	}
	if r := []rune(preview); len(r) > 255 {
		preview = string(r[:255])
	}
	attendees := []any{}
	for _, group := range []struct {
		typ string
		as  []Attendee
	}{{"required", it.RequiredAttendees}, {"optional", it.OptionalAttendees}, {"resource", it.Resources}} {
		for _, a := range group.as {
			attendees = append(attendees, map[string]any{"type": group.typ,
				"status":       map[string]any{"response": responseOf[a.Response], "time": "0001-01-01T00:00:00Z"},
				"emailAddress": map[string]any{"name": a.Name, "address": a.Email}})
		}
	}
	location := map[string]any{"displayName": it.Location, "locationType": "default", "uniqueIdType": "unknown"}
	locations := []any{}
	if it.Location != "" {
		location["uniqueId"] = it.Location
		location["uniqueIdType"] = "private"
		locations = append(locations, location)
	}
	origZone := orDefault(it.StartTimeZone, "UTC")
	var seriesMaster, recurrence any
	if it.MasterID != "" {
		seriesMaster = it.MasterID
	}
	if it.Recurrence != nil {
		recurrence = recurrenceJSON(it)
	}
	showAs := showAsOf[it.LegacyFreeBusyStatus]
	if showAs == "" {
		showAs = "busy"
	}
	cats := append([]string{}, it.Categories...)
	ev := map[string]any{
		"@odata.etag":                `W/"` + it.ChangeKey + `"`,
		"id":                         it.ID,
		"createdDateTime":            graphTime(it.DateTimeCreated),
		"lastModifiedDateTime":       graphTime(it.LastModifiedTime),
		"changeKey":                  it.ChangeKey,
		"categories":                 cats,
		"originalStartTimeZone":      origZone,
		"originalEndTimeZone":        orDefault(it.EndTimeZone, origZone),
		"iCalUId":                    it.UID,
		"reminderMinutesBeforeStart": it.ReminderMinutes,
		"isReminderOn":               it.ReminderIsSet,
		"hasAttachments":             it.HasAttachments(),
		"subject":                    it.Subject,
		"bodyPreview":                preview,
		"importance":                 strings.ToLower(orDefault(it.Importance, "Normal")),
		"sensitivity":                strings.ToLower(orDefault(it.Sensitivity, "Normal")),
		"isAllDay":                   it.IsAllDayEvent,
		"isCancelled":                it.IsCancelled,
		"isOrganizer":                isOrganizer(mb, it),
		"responseRequested":          true,
		"seriesMasterId":             seriesMaster,
		"showAs":                     showAs,
		"type":                       typ,
		"webLink":                    "https://outlook.office365.com/owa/?itemid=" + url.QueryEscape(it.ID) + "&exvsurl=1&path=/calendar/item",
		"onlineMeetingUrl":           nil,
		"isOnlineMeeting":            false,
		"onlineMeetingProvider":      "unknown",
		"allowNewTimeProposals":      true,
		"responseStatus":             map[string]any{"response": responseOf[it.MyResponseType], "time": "0001-01-01T00:00:00Z"},
		"body":                       map[string]any{"contentType": ctype, "content": it.Body},
		"start":                      dateTimeJSON(it.Start, loc, zone),
		"end":                        dateTimeJSON(it.End, loc, zone),
		"location":                   location,
		"locations":                  locations,
		"recurrence":                 recurrence,
		"attendees":                  attendees,
		"organizer":                  recipientJSON(it.Organizer),
		"onlineMeeting":              nil,
	}
	if sel == nil {
		return ev
	}
	out := map[string]any{"@odata.etag": ev["@odata.etag"], "id": it.ID}
	for p := range sel {
		out[p] = ev[p]
	}
	return out
}

func recurrenceJSON(it *Item) map[string]any {
	rec := it.Recurrence
	days := []any{}
	for _, d := range rec.DaysOfWeek {
		days = append(days, weekdayNames[d])
	}
	pattern := map[string]any{"type": strings.ToLower(rec.Pattern), "interval": max(1, rec.Interval), "month": 0,
		"dayOfMonth": 0, "firstDayOfWeek": "sunday", "index": "first", "daysOfWeek": days}
	start := rec.Start
	if start.IsZero() {
		start = it.Start
	}
	rng := map[string]any{"type": "noEnd", "startDate": start.Format(time.DateOnly), "endDate": "0001-01-01",
		"recurrenceTimeZone": orDefault(it.StartTimeZone, "UTC"), "numberOfOccurrences": 0}
	switch {
	case rec.Count > 0:
		rng["type"], rng["numberOfOccurrences"] = "numbered", rec.Count
	case !rec.End.IsZero():
		rng["type"], rng["endDate"] = "endDate", rec.End.Format(time.DateOnly)
	}
	return map[string]any{"pattern": pattern, "range": rng}
}

// calendarView serves GET .../calendarView?startDateTime=&endDateTime=: the single events, occurrences and
// exceptions of folder f overlapping the window, by start, 10 a page unless $top says otherwise.
func (g *graphCall) calendarView(mb *Mailbox, f *Folder) (*graphAnswer, *graphError) {
	sv, ev := g.query.Get("startDateTime"), g.query.Get("endDateTime")
	if sv == "" || ev == "" {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.")
	}
	start, err1 := parseGraphInstant(sv)
	end, err2 := parseGraphInstant(ev)
	if err1 != nil || err2 != nil {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidParameter", "The value '%s' of parameter 'StartDateTime' or 'EndDateTime' is invalid.", sv+"', '"+ev)
	}
	if !end.After(start) {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidParameter", "The parameter 'EndDateTime' must be later than 'StartDateTime'.")
	}
	sel, gE := selectEvent(g.query.Get("$select"))
	if gE != nil {
		return nil, gE
	}
	var items []*Item
	for _, it := range mb.itemsInLocked(f.ID) {
		if it.Kind() == "calendar" && it.MasterID == "" {
			items = append(items, it)
		}
	}
	items = expandCalendarView(&request{srv: g.srv, mailbox: mb}, mb, items, start, end)
	sort.SliceStable(items, func(i, j int) bool { return items[i].Start.Before(items[j].Start) })
	loc, zone := g.zone()
	values := make([]any, 0, len(items))
	for _, it := range items {
		values = append(values, eventJSON(mb, it, loc, zone, sel))
	}
	return g.pageOf(values, 10, "users('"+url.PathEscape(mb.Address)+"')/calendarView")
}

// parseGraphInstant reads startDateTime/endDateTime: ISO 8601 with an offset, or without one meaning UTC.
func parseGraphInstant(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02T15:04:05.9999999", s, time.UTC)
}

// listEvents serves GET /events: the single events and series masters of the default calendar.
func (g *graphCall) listEvents(mb *Mailbox) (*graphAnswer, *graphError) {
	sel, gE := selectEvent(g.query.Get("$select"))
	if gE != nil {
		return nil, gE
	}
	loc, zone := g.zone()
	values := []any{}
	for _, it := range mb.itemsInLocked(mb.dist["calendar"]) {
		if it.Kind() == "calendar" && it.MasterID == "" {
			values = append(values, eventJSON(mb, it, loc, zone, sel))
		}
	}
	return g.pageOf(values, 10, "users('"+url.PathEscape(mb.Address)+"')/events")
}

// graphEventBody is the request body of POST /events.
type graphEventBody struct {
	Subject string `json:"subject"`
	Body    *struct {
		ContentType string `json:"contentType"`
		Content     string `json:"content"`
	} `json:"body"`
	Start, End *struct {
		DateTime string `json:"dateTime"`
		TimeZone string `json:"timeZone"`
	}
	Location *struct {
		DisplayName string `json:"displayName"`
	} `json:"location"`
	Attendees []struct {
		Type         string `json:"type"`
		EmailAddress struct {
			Name    string `json:"name"`
			Address string `json:"address"`
		} `json:"emailAddress"`
	} `json:"attendees"`
	Categories                 []string `json:"categories"`
	Importance                 string   `json:"importance"`
	Sensitivity                string   `json:"sensitivity"`
	ShowAs                     string   `json:"showAs"`
	IsAllDay                   bool     `json:"isAllDay"`
	IsReminderOn               *bool    `json:"isReminderOn"`
	ReminderMinutesBeforeStart *int     `json:"reminderMinutesBeforeStart"`
	Recurrence                 *struct {
		Pattern struct {
			Type       string   `json:"type"`
			Interval   int      `json:"interval"`
			DaysOfWeek []string `json:"daysOfWeek"`
		} `json:"pattern"`
		Range struct {
			Type                string `json:"type"`
			StartDate           string `json:"startDate"`
			EndDate             string `json:"endDate"`
			NumberOfOccurrences int    `json:"numberOfOccurrences"`
		} `json:"range"`
	} `json:"recurrence"`
}

func capitalized(s string) string {
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// zoneTime reads a dateTimeTimeZone and returns the instant and the zone as EWS keeps it (a Windows id).
func zoneTime(dateTime, zone string) (time.Time, string, *graphError) {
	loc, id := time.UTC, "UTC"
	if zone != "" && !strings.EqualFold(zone, "UTC") {
		l, err := wintz.Location(zone)
		if err != nil {
			return time.Time{}, "", gerr(http.StatusBadRequest, "TimeZoneNotSupportedException", "A valid TimeZone value must be specified. The following TimeZone value is not supported: '%s'.", zone)
		}
		loc, id = l, zone
		if w, ok := wintz.WindowsIDForName(zone); ok {
			id = w
		}
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05.9999999", strings.TrimSuffix(dateTime, "Z"), loc)
	if err != nil {
		return time.Time{}, "", gerr(http.StatusBadRequest, "UnableToDeserializePostBody", "Cannot convert the literal '%s' to the expected type 'Edm.DateTime'.", dateTime)
	}
	return t, id, nil
}

// createEvent serves POST /events: 201 Created with the event. Meeting requests go to the attendees that are
// mailboxes of this server, and a copy to Sent Items, as Outlook does.
func (g *graphCall) createEvent(mb *Mailbox, target *Folder) (*graphAnswer, *graphError) {
	var b graphEventBody
	if err := json.Unmarshal(g.body, &b); err != nil {
		return nil, gerr(http.StatusBadRequest, "UnableToDeserializePostBody", "Were unable to deserialize the request body.")
	}
	if b.Start == nil || b.End == nil {
		return nil, gerr(http.StatusBadRequest, "ErrorInvalidRequest", "Your request can't be completed. The event must have a start and an end.")
	}
	it := Item{ItemClass: "IPM.Appointment", Subject: b.Subject, Categories: b.Categories, IsAllDayEvent: b.IsAllDay,
		Importance: capitalized(b.Importance), Sensitivity: capitalized(b.Sensitivity), ReminderIsSet: true, ReminderMinutes: 15}
	var gE *graphError
	if it.Start, it.StartTimeZone, gE = zoneTime(b.Start.DateTime, b.Start.TimeZone); gE != nil {
		return nil, gE
	}
	if it.End, it.EndTimeZone, gE = zoneTime(b.End.DateTime, b.End.TimeZone); gE != nil {
		return nil, gE
	}
	if b.IsAllDay {
		loc, _ := wintz.Location(orDefault(it.StartTimeZone, "UTC"))
		if loc == nil {
			loc = time.UTC
		}
		for _, t := range []time.Time{it.Start, it.End} {
			if h, m, s := t.In(loc).Clock(); h != 0 || m != 0 || s != 0 {
				return nil, gerr(http.StatusBadRequest, "ErrorInvalidRequest", "Your request can't be completed. If the event is an all-day event, the start and end times must be at midnight and in the same time zone.")
			}
		}
	}
	if b.Body != nil {
		it.Body = b.Body.Content
		if strings.EqualFold(b.Body.ContentType, "html") {
			it.BodyType = "HTML"
		}
	}
	if b.Location != nil {
		it.Location = b.Location.DisplayName
	}
	if b.ShowAs != "" {
		if it.LegacyFreeBusyStatus = freeBusyOf[b.ShowAs]; it.LegacyFreeBusyStatus == "" {
			return nil, gerr(http.StatusBadRequest, "UnableToDeserializePostBody", "Requested value '%s' was not found for freeBusyStatus.", b.ShowAs)
		}
	}
	if b.IsReminderOn != nil {
		it.ReminderIsSet = *b.IsReminderOn
	}
	if b.ReminderMinutesBeforeStart != nil {
		it.ReminderMinutes = *b.ReminderMinutesBeforeStart
	}
	for _, a := range b.Attendees {
		at := Attendee{Address: Address{Name: a.EmailAddress.Name, Email: a.EmailAddress.Address}}
		switch a.Type {
		case "optional":
			it.OptionalAttendees = append(it.OptionalAttendees, at)
		case "resource":
			it.Resources = append(it.Resources, at)
		default:
			it.RequiredAttendees = append(it.RequiredAttendees, at)
		}
	}
	if rec := b.Recurrence; rec != nil {
		r := &Recurrence{Interval: rec.Pattern.Interval}
		switch rec.Pattern.Type {
		case "daily":
			r.Pattern = "Daily"
		case "weekly":
			r.Pattern = "Weekly"
			for _, d := range rec.Pattern.DaysOfWeek {
				i := indexOf(weekdayNames, strings.ToLower(d))
				if i < 0 {
					return nil, gerr(http.StatusBadRequest, "UnableToDeserializePostBody", "Requested value '%s' was not found for dayOfWeek.", d)
				}
				r.DaysOfWeek = append(r.DaysOfWeek, time.Weekday(i))
			}
		default:
			return nil, gerr(http.StatusBadRequest, "ErrorInvalidRecurrence", "The fake server expands daily and weekly recurrences only, not %q.", rec.Pattern.Type)
		}
		var err error
		if r.Start, err = time.Parse(time.DateOnly, rec.Range.StartDate); err != nil {
			return nil, gerr(http.StatusBadRequest, "ErrorInvalidRecurrence", "The recurrence range has no valid startDate.")
		}
		switch rec.Range.Type {
		case "endDate":
			if r.End, err = time.Parse(time.DateOnly, rec.Range.EndDate); err != nil {
				return nil, gerr(http.StatusBadRequest, "ErrorInvalidRecurrence", "The recurrence range has no valid endDate.")
			}
		case "numbered":
			r.Count = rec.Range.NumberOfOccurrences
		case "noEnd":
		default:
			return nil, gerr(http.StatusBadRequest, "ErrorInvalidRecurrence", "The recurrence range type '%s' is not valid.", rec.Range.Type)
		}
		it.Recurrence = r
	}
	stored, ec := storeEventLocked(&request{srv: g.srv, mailbox: mb}, mb, target, it, "SendToAllAndSaveCopy")
	if ec != nil {
		return nil, gerr(http.StatusBadRequest, ec.code, "%s", ec.text)
	}
	loc, zone := g.zone()
	return &graphAnswer{status: http.StatusCreated, json: eventJSON(mb, stored, loc, zone, nil)}, nil
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// event serves the requests on one event: GET, DELETE, and the actions accept, tentativelyAccept, decline and
// cancel.
func (g *graphCall) event(mb *Mailbox, it *Item, rest []string) (*graphAnswer, *graphError) {
	r := &request{srv: g.srv, mailbox: mb}
	switch {
	case len(rest) == 0 && g.method == http.MethodGet:
		sel, gE := selectEvent(g.query.Get("$select"))
		if gE != nil {
			return nil, gE
		}
		loc, zone := g.zone()
		return &graphAnswer{status: http.StatusOK, json: eventJSON(mb, it, loc, zone, sel)}, nil
	case len(rest) == 0 && g.method == http.MethodPatch:
		if gE := patchEvent(it, g.body); gE != nil {
			return nil, gE
		}
		mb.touchLocked(it)
		updateCalendarEvent(r, mb, it, "SendToAllAndSaveCopy")
		loc, zone := g.zone()
		return &graphAnswer{status: http.StatusOK, json: eventJSON(mb, it, loc, zone, nil)}, nil
	case len(rest) == 0 && g.method == http.MethodDelete:
		if it.MasterID != "" {
			// One occurrence: the series remembers it is gone.
			if master := mb.items[it.MasterID]; master != nil {
				markOccurrenceDeleted(master, occurrenceIndex(it.ID))
				mb.touchLocked(master)
			}
			mb.removeLocked(it)
			return &graphAnswer{status: http.StatusNoContent}, nil
		}
		deleteCalendarEvent(r, mb, it, "SendToAllAndSaveCopy")
		g.moveLocked(mb, it, mb.dist["deleteditems"])
		return &graphAnswer{status: http.StatusNoContent}, nil
	case len(rest) == 1 && g.method == http.MethodPost:
		var b struct {
			Comment      string `json:"comment"`
			SendResponse *bool  `json:"sendResponse"`
		}
		if len(g.body) > 0 {
			if err := json.Unmarshal(g.body, &b); err != nil {
				return nil, gerr(http.StatusBadRequest, "UnableToDeserializePostBody", "Were unable to deserialize the request body.")
			}
		}
		response := map[string]string{"accept": "Accept", "tentativelyAccept": "Tentative", "decline": "Decline"}[rest[0]]
		switch {
		case response != "":
			verb := meetingResponses[response].verb
			switch {
			case isOrganizer(mb, it):
				return nil, gerr(http.StatusBadRequest, "ErrorCalendarIsOrganizerFor"+verb, "Your request can't be completed. You can't respond to a meeting you organized.")
			case it.IsCancelled:
				return nil, gerr(http.StatusBadRequest, "ErrorCalendarIsCancelledFor"+verb, "Your request can't be completed. The meeting was cancelled.")
			}
			disposition := "SendAndSaveCopy"
			if b.SendResponse != nil && !*b.SendResponse {
				disposition = ""
			}
			respondLocked(r, mb, it, response, b.Comment, "Text", disposition)
			return &graphAnswer{status: http.StatusAccepted}, nil
		case rest[0] == "cancel":
			if !isOrganizer(mb, it) {
				return nil, gerr(http.StatusBadRequest, "ErrorAccessDenied", "Your request can't be completed. You need to be an organizer to cancel a meeting.")
			}
			if it.MasterID != "" {
				if master := mb.items[it.MasterID]; master != nil {
					markOccurrenceDeleted(master, occurrenceIndex(it.ID))
					mb.touchLocked(master)
				}
				mb.removeLocked(it)
				return &graphAnswer{status: http.StatusAccepted}, nil
			}
			if it.UID == "" {
				it.UID = uidFor(it.ID)
			}
			var body *node
			if b.Comment != "" {
				body = &node{Text: b.Comment, Attrs: []xml.Attr{{Name: xml.Name{Local: "BodyType"}, Value: "Text"}}}
			}
			r.sendCancellations(mb, it, true, body)
			if it.Recurrence != nil {
				for _, o := range storedOccurrencesLocked(mb, it) {
					delete(mb.items, o.ID)
					mb.gen++
				}
			}
			g.moveLocked(mb, it, mb.dist["deleteditems"])
			return &graphAnswer{status: http.StatusAccepted}, nil
		}
	}
	return nil, gerr(http.StatusBadRequest, "BadRequest", "Unsupported request %s %s.", g.method, g.path)
}

// patchEvent applies the body of PATCH /events/{id} to it; on an error it leaves it unchanged.
func patchEvent(it *Item, body []byte) *graphError {
	var p map[string]json.RawMessage
	if err := json.Unmarshal(body, &p); err != nil {
		return gerr(http.StatusBadRequest, "UnableToDeserializePostBody", "Were unable to deserialize the request body.")
	}
	n := it.clone()
	bad := func(k string) *graphError {
		return gerr(http.StatusBadRequest, "UnableToDeserializePostBody", "Cannot read the value of property '%s'.", k)
	}
	for k, v := range p {
		switch k {
		case "subject", "showAs", "sensitivity", "importance":
			var s string
			if json.Unmarshal(v, &s) != nil {
				return bad(k)
			}
			switch k {
			case "subject":
				n.Subject = s
			case "showAs":
				if n.LegacyFreeBusyStatus = freeBusyOf[s]; n.LegacyFreeBusyStatus == "" {
					return gerr(http.StatusBadRequest, "UnableToDeserializePostBody", "Requested value '%s' was not found for freeBusyStatus.", s)
				}
			case "sensitivity":
				n.Sensitivity = capitalized(s)
			case "importance":
				n.Importance = capitalized(s)
			}
		case "body":
			var b struct{ ContentType, Content string }
			if json.Unmarshal(v, &b) != nil {
				return bad(k)
			}
			n.Body, n.BodyType = b.Content, "Text"
			if strings.EqualFold(b.ContentType, "html") {
				n.BodyType = "HTML"
			}
		case "start", "end":
			var d struct{ DateTime, TimeZone string }
			if json.Unmarshal(v, &d) != nil {
				return bad(k)
			}
			t, zone, gE := zoneTime(d.DateTime, d.TimeZone)
			if gE != nil {
				return gE
			}
			if k == "start" {
				n.Start, n.StartTimeZone = t, zone
			} else {
				n.End, n.EndTimeZone = t, zone
			}
		case "isAllDay", "isReminderOn":
			var b bool
			if json.Unmarshal(v, &b) != nil {
				return bad(k)
			}
			if k == "isAllDay" {
				n.IsAllDayEvent = b
			} else {
				n.ReminderIsSet = b
			}
		case "reminderMinutesBeforeStart":
			if json.Unmarshal(v, &n.ReminderMinutes) != nil {
				return bad(k)
			}
		case "location":
			var l struct{ DisplayName string }
			if json.Unmarshal(v, &l) != nil {
				return bad(k)
			}
			n.Location = l.DisplayName
		case "categories":
			n.Categories = nil
			if json.Unmarshal(v, &n.Categories) != nil {
				return bad(k)
			}
		case "attendees":
			var as []struct {
				Type         string
				EmailAddress struct{ Name, Address string }
			}
			if json.Unmarshal(v, &as) != nil {
				return bad(k)
			}
			// An attendee who stays keeps the answer given.
			known := map[string]string{}
			for _, a := range attendeesOf(it) {
				known[strings.ToLower(a.Email)] = a.Response
			}
			n.RequiredAttendees, n.OptionalAttendees, n.Resources = nil, nil, nil
			for _, a := range as {
				at := Attendee{Address: Address{Name: a.EmailAddress.Name, Email: a.EmailAddress.Address},
					Response: orDefault(known[strings.ToLower(a.EmailAddress.Address)], "Unknown")}
				switch a.Type {
				case "optional":
					n.OptionalAttendees = append(n.OptionalAttendees, at)
				case "resource":
					n.Resources = append(n.Resources, at)
				default:
					n.RequiredAttendees = append(n.RequiredAttendees, at)
				}
			}
		default:
			return gerr(http.StatusBadRequest, "ErrorInvalidProperty", "The fake server cannot update the event property '%s'.", k)
		}
	}
	if n.End.Before(n.Start) {
		return gerr(http.StatusBadRequest, "ErrorCalendarEndDateIsEarlierThanStartDate", "EndDate is earlier than StartDate")
	}
	id, ck, version := it.ID, it.ChangeKey, it.version
	*it = n
	it.ID, it.ChangeKey, it.version = id, ck, version
	return nil
}
