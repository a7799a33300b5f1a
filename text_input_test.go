package ews

import (
	"context"
	"errors"
	"iter"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// Text XML 1.0 cannot carry, given to every public entry point that sends user text: each must refuse it with an
// error naming the field, before any request (encoding/xml would otherwise send U+FFFD in its place). The same
// call with clean text must get as far as the server, so that "no request" means the check stopped it.

// badTexts are values XML cannot carry: controls, invalid UTF-8, a lone surrogate, the two noncharacters.
var badTexts = []string{"\x01", "\x00", "\x1b", "\xff", "\xed\xa0\x80", "\ufffe", "\uffff"}

// seqErr runs an iterator to its end and returns its first error.
func seqErr[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

// textEntryPoint is one field of one public call; run makes the call with v inside the field's value.
type textEntryPoint struct {
	field string
	query bool // the error is a *QueryError about the query key field, not an *InputError
	run   func(ctx context.Context, c *Client, v string) error
}

func textEntryPoints(eventID, contactID, stateDir string) []textEntryPoint {
	bob := []string{"bob@example.com"}
	send := func(edit func(*Draft, string)) func(context.Context, *Client, string) error {
		return func(ctx context.Context, c *Client, v string) error {
			d := Draft{To: bob, Subject: "s"}
			edit(&d, v)
			_, err := c.Mail().Send(ctx, d)
			return err
		}
	}
	search := func(o func(string) SearchOptions) func(context.Context, *Client, string) error {
		return func(ctx context.Context, c *Client, v string) error { return seqErr(c.Mail().Search(ctx, o(v))) }
	}
	start := time.Date(2024, 7, 16, 10, 0, 0, 0, time.UTC)
	create := func(edit func(*NewEvent, string)) func(context.Context, *Client, string) error {
		return func(ctx context.Context, c *Client, v string) error {
			ev := NewEvent{Subject: "s", Start: start, End: start.Add(time.Hour)}
			edit(&ev, v)
			_, err := c.Calendar().Create(ctx, ev, EventCreateOptions{SendInvitations: SendToNone})
			return err
		}
	}
	update := func(ch func(string) EventChanges) func(context.Context, *Client, string) error {
		return func(ctx context.Context, c *Client, v string) error {
			return c.Calendar().Update(ctx, eventID, ch(v), EventUpdateOptions{SendUpdates: SendToNone})
		}
	}
	contact := func(edit func(*Contact, string)) func(context.Context, *Client, string) error {
		return func(ctx context.Context, c *Client, v string) error {
			ct := Contact{GivenName: "g"}
			edit(&ct, v)
			_, err := c.Contacts().Create(ctx, ct, ContactCreateOptions{})
			return err
		}
	}
	change := func(ch func(string) ContactChanges) func(context.Context, *Client, string) error {
		return func(ctx context.Context, c *Client, v string) error {
			return c.Contacts().Update(ctx, contactID, ch(v))
		}
	}
	return []textEntryPoint{
		// Mail: Send.
		{"Draft.Subject", false, send(func(d *Draft, v string) { d.Subject = "re: " + v })},
		{"Draft.Body", false, send(func(d *Draft, v string) { d.Body = "body " + v })},
		{"Draft.Body", false, send(func(d *Draft, v string) { d.Body, d.HTML = "<p>"+v+"</p>", true })},
		{"Draft.Categories[1]", false, send(func(d *Draft, v string) { d.Categories = []string{"a", "b" + v} })},
		{"Draft.To[1]", false, send(func(d *Draft, v string) { d.To = []string{"carol@example.com", "Bob " + v + " <bob@example.com>"} })},
		{"Draft.Cc[0]", false, send(func(d *Draft, v string) { d.Cc = []string{`"a` + v + `"@example.com`} })},
		{"Draft.Bcc[0]", false, send(func(d *Draft, v string) { d.Bcc = []string{`"Eve` + v + `" <eve@example.com>`} })},
		{"Draft.ReplyTo[0]", false, send(func(d *Draft, v string) { d.ReplyTo = []string{"r" + v + "@example.com"} })},
		{"Draft.Attachments[0].Name", false, send(func(d *Draft, v string) { d.Attachments = []Attachment{{Name: "a" + v + ".txt", Content: []byte("x")}} })},
		{"Draft.Attachments[0].ContentType", false, send(func(d *Draft, v string) {
			d.Attachments = []Attachment{{Name: "a.txt", ContentType: "text/plain" + v, Content: []byte("x")}}
		})},
		{"Draft.Attachments[1].ContentID", false, send(func(d *Draft, v string) {
			d.Attachments = []Attachment{{Name: "a.txt"}, {Name: "logo.png", ContentID: "logo" + v, Inline: true}}
		})},
		{"Draft.InternetMessageID", false, send(func(d *Draft, v string) { d.InternetMessageID = "<a" + v + "@example.com>" })},
		{"Draft.CopyFolder", false, send(func(d *Draft, v string) { d.CopyFolder = FolderByPath("Sent Items/x" + v) })},
		// Mail: searches, references, folders.
		{"SearchOptions.Subject", false, search(func(v string) SearchOptions { return SearchOptions{Subject: "invoice " + v} })},
		{"SearchOptions.Body", false, search(func(v string) SearchOptions { return SearchOptions{Body: v} })},
		{"SearchOptions.Sender", false, search(func(v string) SearchOptions { return SearchOptions{Sender: "bob" + v + "@example.com"} })},
		{"SearchOptions.Folder", false, search(func(v string) SearchOptions { return SearchOptions{Folder: FolderByPath("Inbox/Phish" + v)} })},
		{"SearchOptions.Folder", false, search(func(v string) SearchOptions { return SearchOptions{Folder: ParseFolder("Phish" + v)} })},
		{"subject__icontains", true, search(func(v string) SearchOptions { return SearchOptions{Query: Where("subject__icontains", "x"+v)} })},
		{"categories__contains", true, search(func(v string) SearchOptions {
			return SearchOptions{Query: Field("categories").Contains([]string{"a", v})}
		})},
		{"UnreadOptions.Folder", false, func(ctx context.Context, c *Client, v string) error {
			return seqErr(c.Mail().Unread(ctx, UnreadOptions{Folder: FolderByID("AAMkAGI2" + v)}))
		}},
		{"messageID", false, func(ctx context.Context, c *Client, v string) error {
			_, err := c.Mail().FindByMessageID(ctx, "<x"+v+"@example.com>")
			return err
		}},
		{"folders[1]", false, func(ctx context.Context, c *Client, v string) error {
			_, err := c.Mail().FindByMessageID(ctx, "<x@example.com>", FolderByPath("Inbox/a"), FolderByPath("Inbox/b"+v))
			return err
		}},
		{"ids[1]", false, func(ctx context.Context, c *Client, v string) error {
			return c.Mail().MarkRead(ctx, "<a@example.com>", "<b"+v+"@example.com>")
		}},
		{"to", false, func(ctx context.Context, c *Client, v string) error {
			_, err := c.Mail().Move(ctx, FolderByPath("Inbox/Phish"+v), "<a@example.com>")
			return err
		}},
		{"folder", false, func(ctx context.Context, c *Client, v string) error {
			_, err := c.GetFolder(ctx, ParseFolder("Inbox/Reported "+v))
			return err
		}},
		{"parent", false, func(ctx context.Context, c *Client, v string) error {
			_, err := c.ListFolders(ctx, FolderByPath("Reported"+v), false)
			return err
		}},
		{"PollerOptions.Folders[0]", false, func(ctx context.Context, c *Client, v string) error {
			_, err := c.PollOnce(ctx, PollOnceOptions{Folder: FolderByPath("Inbox/P" + v), StateFile: filepath.Join(stateDir, "poll-"+strings.ToValidUTF8(v, "_"))})
			return err
		}},
		// Calendar.
		{"NewEvent.Subject", false, create(func(e *NewEvent, v string) { e.Subject = v })},
		{"NewEvent.Location", false, create(func(e *NewEvent, v string) { e.Location = "Room " + v })},
		{"NewEvent.Body", false, create(func(e *NewEvent, v string) { e.Body = v })},
		{"NewEvent.BodyHTML", false, create(func(e *NewEvent, v string) { e.BodyHTML = "<b>" + v + "</b>" })},
		{"NewEvent.Categories[0]", false, create(func(e *NewEvent, v string) { e.Categories = []string{v} })},
		{"NewEvent.Required[0]", false, create(func(e *NewEvent, v string) { e.Required = []string{"Bob" + v + " <bob@example.com>"} })},
		{"NewEvent.Optional[1]", false, create(func(e *NewEvent, v string) { e.Optional = []string{"a@example.com", "o" + v + "@example.com"} })},
		{"NewEvent.Resources[0]", false, create(func(e *NewEvent, v string) { e.Resources = []string{`"Room` + v + `" <room@example.com>`} })},
		{"EventCreateOptions.Folder", false, func(ctx context.Context, c *Client, v string) error {
			_, err := c.Calendar().Create(ctx, NewEvent{Subject: "s", Start: start, End: start.Add(time.Hour)},
				EventCreateOptions{Folder: FolderByPath("Calendar/Team" + v)})
			return err
		}},
		{"EventChanges.Subject", false, update(func(v string) EventChanges { return EventChanges{Subject: Ptr(v)} })},
		{"EventChanges.Location", false, update(func(v string) EventChanges { return EventChanges{Location: Ptr("L" + v)} })},
		{"EventChanges.Body", false, update(func(v string) EventChanges { return EventChanges{Body: Ptr(v)} })},
		{"EventChanges.BodyHTML", false, update(func(v string) EventChanges { return EventChanges{BodyHTML: Ptr(v)} })},
		{"EventChanges.Categories[0]", false, update(func(v string) EventChanges { return EventChanges{Categories: []string{v}} })},
		{"EventChanges.Required[0]", false, update(func(v string) EventChanges { return EventChanges{Required: []string{"B" + v + " <b@example.com>"}} })},
		{"id", false, func(ctx context.Context, c *Client, v string) error {
			return c.Calendar().Update(ctx, eventID+v, EventChanges{Subject: Ptr("s")}, EventUpdateOptions{})
		}},
		{"id", false, func(ctx context.Context, c *Client, v string) error {
			_, err := c.Calendar().Get(ctx, "AAMk"+v)
			return err
		}},
		{"ids[0]", false, func(ctx context.Context, c *Client, v string) error {
			return c.Calendar().Delete(ctx, DeleteOptions{}, "AAMk"+v)
		}},
		{"RespondOptions.Message", false, func(ctx context.Context, c *Client, v string) error {
			return c.Calendar().Accept(ctx, eventID, RespondOptions{Message: "see you " + v})
		}},
		{"RespondOptions.Message", false, func(ctx context.Context, c *Client, v string) error {
			return c.Calendar().TentativelyAccept(ctx, eventID, RespondOptions{Message: v})
		}},
		{"RespondOptions.Message", false, func(ctx context.Context, c *Client, v string) error {
			return c.Calendar().Decline(ctx, eventID, RespondOptions{Message: v, DontSend: true})
		}},
		{"message", false, func(ctx context.Context, c *Client, v string) error {
			return c.Calendar().Cancel(ctx, eventID, "cancelled "+v)
		}},
		{"EventListOptions.Folder", false, func(ctx context.Context, c *Client, v string) error {
			return seqErr(c.Calendar().List(ctx, start, start.Add(time.Hour), EventListOptions{Folder: FolderByPath("Calendar/" + v)}))
		}},
		// Contacts.
		{"Contact.DisplayName", false, contact(func(ct *Contact, v string) { ct.DisplayName = v })},
		{"Contact.GivenName", false, contact(func(ct *Contact, v string) { ct.GivenName = "J" + v })},
		{"Contact.Surname", false, contact(func(ct *Contact, v string) { ct.Surname = v })},
		{"Contact.FileAs", false, contact(func(ct *Contact, v string) { ct.FileAs = v })},
		{"Contact.CompanyName", false, contact(func(ct *Contact, v string) { ct.CompanyName = v })},
		{"Contact.JobTitle", false, contact(func(ct *Contact, v string) { ct.JobTitle = v })},
		{"Contact.Department", false, contact(func(ct *Contact, v string) { ct.Department = v })},
		{"Contact.Notes", false, contact(func(ct *Contact, v string) { ct.Notes = "notes\n" + v })},
		{"Contact.Categories[0]", false, contact(func(ct *Contact, v string) { ct.Categories = []string{v} })},
		{"Contact.EmailAddresses[0]", false, contact(func(ct *Contact, v string) { ct.EmailAddresses = []string{"j" + v + "@example.com"} })},
		{"Contact.Phones[MobilePhone]", false, contact(func(ct *Contact, v string) { ct.Phones = map[PhoneKey]string{PhoneMobile: "+49 " + v} })},
		{"Contact.Addresses[Home].City", false, contact(func(ct *Contact, v string) {
			ct.Addresses = map[AddressKey]PhysicalAddress{AddressHome: {Street: "Main St", City: v}}
		})},
		{"ContactCreateOptions.Folder", false, func(ctx context.Context, c *Client, v string) error {
			_, err := c.Contacts().Create(ctx, Contact{GivenName: "g"}, ContactCreateOptions{Folder: FolderByPath("Contacts/" + v)})
			return err
		}},
		{"ContactChanges.DisplayName", false, change(func(v string) ContactChanges { return ContactChanges{DisplayName: Ptr(v)} })},
		{"ContactChanges.Surname", false, change(func(v string) ContactChanges { return ContactChanges{Surname: Ptr(v)} })},
		{"ContactChanges.JobTitle", false, change(func(v string) ContactChanges { return ContactChanges{JobTitle: Ptr(v)} })},
		{"ContactChanges.Notes", false, change(func(v string) ContactChanges { return ContactChanges{Notes: Ptr(v)} })},
		{"ContactChanges.Categories[1]", false, change(func(v string) ContactChanges { return ContactChanges{Categories: []string{"a", v}} })},
		{"ContactChanges.EmailAddresses[0]", false, change(func(v string) ContactChanges {
			return ContactChanges{EmailAddresses: []string{`"` + v + `"@example.com`}}
		})},
		{"ContactChanges.Phones[BusinessPhone]", false, change(func(v string) ContactChanges {
			return ContactChanges{Phones: map[PhoneKey]string{PhoneBusiness: v}}
		})},
		{"ContactChanges.Addresses[Business].Street", false, change(func(v string) ContactChanges {
			return ContactChanges{Addresses: map[AddressKey]PhysicalAddress{AddressBusiness: {Street: v}}}
		})},
		{"id", false, func(ctx context.Context, c *Client, v string) error {
			return c.Contacts().Update(ctx, contactID+v, ContactChanges{Surname: Ptr("s")})
		}},
		{"id", false, func(ctx context.Context, c *Client, v string) error {
			_, err := c.Contacts().Get(ctx, "AAMk"+v)
			return err
		}},
		{"ids[0]", false, func(ctx context.Context, c *Client, v string) error {
			return c.Contacts().Delete(ctx, DeleteOptions{}, "AAMk"+v)
		}},
		{"name", false, func(ctx context.Context, c *Client, v string) error {
			_, err := c.Contacts().ResolveNames(ctx, "smi"+v, ResolveOptions{})
			return err
		}},
		{"ResolveOptions.Folder", false, func(ctx context.Context, c *Client, v string) error {
			_, err := c.Contacts().ResolveNames(ctx, "smith", ResolveOptions{Folder: FolderByPath("Contacts/" + v)})
			return err
		}},
		{"ExpandDL address", false, func(ctx context.Context, c *Client, v string) error {
			_, err := c.Contacts().ExpandDL(ctx, "team"+v+"@example.com")
			return err
		}},
		{"ContactListOptions.Folder", false, func(ctx context.Context, c *Client, v string) error {
			return seqErr(c.Contacts().List(ctx, ContactListOptions{Folder: FolderByPath("Contacts/" + v)}))
		}},
	}
}

func TestTextXMLCannotCarry(t *testing.T) {
	srv, c := setup(t)
	ctx := testCtx(t)
	start := time.Date(2024, 7, 16, 10, 0, 0, 0, time.UTC)
	eventID, err := c.Calendar().Create(ctx, NewEvent{Subject: "e", Start: start, End: start.Add(time.Hour)}, EventCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	contactID, err := c.Contacts().Create(ctx, Contact{GivenName: "Jane"}, ContactCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ep := range textEntryPoints(eventID, contactID, t.TempDir()) {
		state := mailboxState(srv)
		for _, v := range badTexts {
			n := len(srv.Requests())
			err := ep.run(ctx, c, v)
			if got := len(srv.Requests()) - n; got != 0 {
				t.Errorf("%s with %q: %d requests were sent before the error %v", ep.field, v, got, err)
			}
			if err == nil {
				t.Errorf("%s with %q: no error", ep.field, v)
				continue
			}
			if !strings.Contains(err.Error(), "XML cannot carry") && !strings.Contains(err.Error(), "not valid UTF-8") {
				t.Errorf("%s with %q: error %q does not say what is wrong", ep.field, v, err)
			}
			if ep.query {
				var qe *QueryError
				if !errors.As(err, &qe) || qe.Field != ep.field || !strings.Contains(err.Error(), ep.field) {
					t.Errorf("%s with %q: err = %v (%T), want a *QueryError about %s", ep.field, v, err, err, ep.field)
				}
				continue
			}
			var ie *InputError
			if !errors.As(err, &ie) || !errors.Is(err, ErrInvalidInput) || ie.Field != ep.field || !strings.Contains(err.Error(), ep.field) {
				t.Errorf("%s with %q: err = %v (%T), want an *InputError about %s", ep.field, v, err, err, ep.field)
			}
			if strings.HasSuffix(ep.field, "Folder") || strings.HasPrefix(ep.field, "folder") || ep.field == "to" || ep.field == "parent" ||
				strings.HasPrefix(ep.field, "PollerOptions.Folders") {
				if !errors.Is(err, ErrInvalidFolder) {
					t.Errorf("%s with %q: err = %v does not match ErrInvalidFolder", ep.field, v, err)
				}
			}
		}
		if got := mailboxState(srv); got != state {
			t.Errorf("%s: the refused calls changed the mailbox:\n%s\nbecame\n%s", ep.field, state, got)
		}
		// Clean text gets past the checks and reaches the server (which may still refuse it).
		n := len(srv.Requests())
		err := ep.run(ctx, c, "ok")
		var ie *InputError
		var qe *QueryError
		if errors.As(err, &ie) || errors.As(err, &qe) {
			t.Errorf("%s with clean text: %v", ep.field, err)
		}
		if len(srv.Requests()) == n {
			t.Errorf("%s with clean text sent no request (err %v), so the test proves nothing", ep.field, err)
		}
	}
}

// mailboxState lists the items (id and change key) of the default mailbox's folders that the calls could change.
func mailboxState(srv *testserver.Server) string {
	var b strings.Builder
	for _, f := range []string{"inbox", "sentitems", "drafts", "deleteditems", "calendar", "contacts"} {
		b.WriteString(f + ":")
		for _, it := range srv.Default().Items(f) {
			b.WriteString(" " + it.ID + "/" + it.ChangeKey)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// A name that is clean text but decodes (RFC 2047) to text XML cannot carry is refused too.
func TestTextEncodedWordName(t *testing.T) {
	srv, c := setup(t)
	ctx := testCtx(t)
	for _, tc := range []struct {
		field string
		run   func(addr string) error
	}{
		{"Draft.To[0]", func(a string) error { _, err := c.Mail().Send(ctx, Draft{To: []string{a}}); return err }},
		{"NewEvent.Required[0]", func(a string) error {
			s := time.Date(2024, 7, 16, 10, 0, 0, 0, time.UTC)
			_, err := c.Calendar().Create(ctx, NewEvent{Subject: "s", Start: s, End: s.Add(time.Hour), Required: []string{a}}, EventCreateOptions{})
			return err
		}},
	} {
		for _, a := range []string{"=?utf-8?q?Bob=01?= <bob@example.com>", "=?utf-8?b?Qm9i/w==?= <bob@example.com>"} {
			n := len(srv.Requests())
			err := tc.run(a)
			wantInputErr(t, err, tc.field)
			if !strings.Contains(err.Error(), "decoded name") {
				t.Errorf("%s %q: error %q does not say the decoded name is at fault", tc.field, a, err)
			}
			if len(srv.Requests()) != n {
				t.Errorf("%s %q: requests were sent", tc.field, a)
			}
		}
	}
	if got := srv.Default().Items("sentitems"); len(got) != 0 {
		t.Errorf("sent items hold %d messages", len(got))
	}
}
