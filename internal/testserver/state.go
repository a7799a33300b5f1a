package testserver

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"
)

// StatePath is the path of the state endpoint (WithStateEndpoint).
const StatePath = "/testserver/state"

// WithStateEndpoint serves GET StatePath: the server's mailboxes as JSON (see State), so that tests written in
// other languages (the exchangelib and ews-javascript-api witnesses in .ci/witness) can check what an operation
// changed without trusting their own client. The endpoint asks for the Basic credentials of one of the server's
// users, like EWS itself.
func WithStateEndpoint() Option { return func(s *Server) { s.stateEndpoint = true } }

// State is a snapshot of every mailbox of the server.
type State struct {
	Mailboxes []MailboxState `json:"mailboxes"`
}

// MailboxState is one mailbox: its folders, each with its items.
type MailboxState struct {
	Address string        `json:"address"`
	Folders []FolderState `json:"folders"`
}

// FolderState is one folder. Path is the display-name path from the top of the information store
// ("Inbox/Phishing", "Deleted Items"); folders outside it start with "/" ("/Recoverable Items/Deletions").
type FolderState struct {
	Path          string      `json:"path"`
	Distinguished string      `json:"distinguished,omitempty"`
	Class         string      `json:"class,omitempty"`
	Items         []ItemState `json:"items"`
}

// ItemState is what a witness checks of an item.
type ItemState struct {
	ID                string            `json:"id"`
	ItemClass         string            `json:"itemClass"`
	Subject           string            `json:"subject"`
	Body              string            `json:"body"`
	BodyType          string            `json:"bodyType"`
	IsRead            bool              `json:"isRead"`
	IsDraft           bool              `json:"isDraft"`
	Importance        string            `json:"importance,omitempty"`
	Categories        []string          `json:"categories,omitempty"`
	From              string            `json:"from,omitempty"`
	To                []string          `json:"to,omitempty"`
	Cc                []string          `json:"cc,omitempty"`
	Bcc               []string          `json:"bcc,omitempty"`
	Attachments       []AttachmentState `json:"attachments,omitempty"`
	Start             *time.Time        `json:"start,omitempty"`
	End               *time.Time        `json:"end,omitempty"`
	IsAllDayEvent     bool              `json:"isAllDayEvent,omitempty"`
	Location          string            `json:"location,omitempty"`
	LegacyFreeBusy    string            `json:"legacyFreeBusyStatus,omitempty"`
	ReminderIsSet     bool              `json:"reminderIsSet,omitempty"`
	ReminderMinutes   int               `json:"reminderMinutesBeforeStart,omitempty"`
	RequiredAttendees []string          `json:"requiredAttendees,omitempty"`
	OptionalAttendees []string          `json:"optionalAttendees,omitempty"`
	Recurrence        *Recurrence       `json:"recurrence,omitempty"`
	DisplayName       string            `json:"displayName,omitempty"`
	EmailAddresses    map[string]string `json:"emailAddresses,omitempty"`
}

// AttachmentState is one attachment of an item.
type AttachmentState struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType,omitempty"`
	Size        int    `json:"size"`
	IsInline    bool   `json:"isInline,omitempty"`
}

// State returns a snapshot of every mailbox.
func (s *Server) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st State
	addrs := make([]string, 0, len(s.mailboxes))
	for a := range s.mailboxes {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	for _, a := range addrs {
		st.Mailboxes = append(st.Mailboxes, s.mailboxes[a].stateLocked())
	}
	return st
}

func (mb *Mailbox) stateLocked() MailboxState {
	ms := MailboxState{Address: mb.Address}
	top := mb.dist["msgfolderroot"]
	var path func(f *Folder) string
	path = func(f *Folder) string {
		if f.ID == top {
			return ""
		}
		if f.ParentID == "" {
			return "/"
		}
		p := path(mb.folders[f.ParentID])
		switch {
		case p == "":
			return f.DisplayName
		case p == "/":
			return "/" + f.DisplayName
		}
		return p + "/" + f.DisplayName
	}
	byFolder := map[string][]ItemState{}
	for _, id := range mb.order {
		if it, ok := mb.items[id]; ok {
			byFolder[it.FolderID] = append(byFolder[it.FolderID], it.state())
		}
	}
	for _, f := range mb.folders {
		if f.ID == top || f.ParentID == "" {
			continue
		}
		items := byFolder[f.ID]
		if items == nil {
			items = []ItemState{}
		}
		ms.Folders = append(ms.Folders, FolderState{Path: path(f), Distinguished: f.Distinguished, Class: f.FolderClass,
			Items: items})
	}
	sort.Slice(ms.Folders, func(i, j int) bool { return ms.Folders[i].Path < ms.Folders[j].Path })
	return ms
}

func (it *Item) state() ItemState {
	emails := func(as []Address) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.Email)
		}
		return out
	}
	attendees := func(as []Attendee) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.Email)
		}
		return out
	}
	st := ItemState{ID: it.ID, ItemClass: it.ItemClass, Subject: it.Subject, Body: it.Body,
		BodyType: orDefault(it.BodyType, "Text"), IsRead: it.IsRead, IsDraft: it.IsDraft, Importance: it.Importance,
		Categories: it.Categories, From: it.From.Email, To: emails(it.To), Cc: emails(it.Cc), Bcc: emails(it.Bcc),
		Location: it.Location, IsAllDayEvent: it.IsAllDayEvent, LegacyFreeBusy: it.LegacyFreeBusyStatus,
		ReminderIsSet: it.ReminderIsSet, ReminderMinutes: it.ReminderMinutes,
		RequiredAttendees: attendees(it.RequiredAttendees), OptionalAttendees: attendees(it.OptionalAttendees),
		Recurrence: it.Recurrence, DisplayName: it.DisplayName, EmailAddresses: it.EmailAddresses}
	if !it.Start.IsZero() {
		t := it.Start
		st.Start = &t
	}
	if !it.End.IsZero() {
		t := it.End
		st.End = &t
	}
	for _, a := range it.Attachments {
		size := a.Size
		if size == 0 {
			size = len(a.Content)
		}
		st.Attachments = append(st.Attachments, AttachmentState{Name: a.Name, ContentType: a.ContentType, Size: size, IsInline: a.IsInline})
	}
	return st
}

// serveState answers GET StatePath (WithStateEndpoint).
func (s *Server) serveState(w http.ResponseWriter, r *http.Request) {
	if !s.stateEndpoint {
		http.NotFound(w, r)
		return
	}
	user, pass, ok := r.BasicAuth()
	authorized := false
	if ok {
		s.mu.Lock()
		for _, u := range s.users {
			if strings.EqualFold(u.Username, user) && u.Password == pass {
				authorized = true
			}
		}
		s.mu.Unlock()
	}
	if !authorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="testserver"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	_ = enc.Encode(s.State())
}

func init() { extraHandlers[StatePath] = func(s *Server) http.HandlerFunc { return s.serveState } }
