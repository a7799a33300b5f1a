package ews

import (
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

// XML injection through every value a caller supplies: each value is sent through the public API, must be stored
// verbatim by the server (which parses the request as XML, so an unescaped value would change the element tree
// or fail to parse), and read back verbatim. No request body may carry the injected markup raw.

// injectionValues would end their element, open another, or end a CDATA section if written unescaped.
var injectionValues = []string{
	`</t:Subject><t:Foo>`,
	`a]]>b`,
	`<![CDATA[x]]>`,
	`x"/><t:Exists/>&amp;'`,
}

// injectedMarkup is what a request must never carry raw: encoding/xml escapes < and > in text and attributes.
var injectedMarkup = []string{"<t:Foo>", "<t:Exists/>", "<![CDATA[", "]]>"}

// evilAddress returns an address whose display name is v and, unless plainBox, whose local part is v too (quoted,
// as RFC 5322 allows), at domain.
func evilAddress(v, local, domain string) (text string, want testserver.Address) {
	if local == "" {
		local = v
	}
	a := mail.Address{Name: v, Address: local + "@" + domain}
	return a.String(), testserver.Address{Name: v, Email: local + "@" + domain}
}

// evilMessageID returns a Message-ID that carries as much of v as a Message-ID may (no angle brackets or spaces
// inside) and ends in "]]>".
func evilMessageID(v string) string {
	return "<" + strings.NewReplacer("<", "", ">", "", " ", "").Replace(v) + `&amp;"'@evil.example]]>`
}

// pathOf escapes a folder name for FolderByPath.
func pathOf(names ...string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.ReplaceAll(n, "/", `\/`)
	}
	return strings.Join(out, "/")
}

func TestInjectionStoredVerbatim(t *testing.T) {
	cases := []struct {
		paths string // the values the case covers
		run   func(t *testing.T, srv *testserver.Server, c *Client, v string)
	}{
		{"Send: subject, body, categories, To/Cc/ReplyTo names and addresses, attachment name and type, Message-ID", testSendInjection},
		{"Send through a draft: attachment name and type (CreateAttachment)", testDraftAttachmentInjection},
		{"Search: Subject, Body, Sender filters and query values", testSearchInjection},
		{"Message-ID references and folder names: FindByMessageID, Move and Delete by Message-ID, paths", testMessageIDInjection},
		{"Calendar: subject, location, body, categories, attendees (CreateEvent, UpdateEvent)", testEventInjection},
		{"Meeting responses and cancellations: message bodies", testRespondInjection},
		{"Contacts: every text field (Create, Update), ResolveNames", testContactInjection},
	}
	for _, tc := range cases {
		for i, v := range injectionValues {
			t.Run(strings.SplitN(tc.paths, ":", 2)[0]+"/"+string(rune('a'+i)), func(t *testing.T) {
				srv := testserver.New(t,
					testserver.WithUser(testserver.User{Username: `CORP\alice`, Password: testserver.DefaultPassword, Email: "alice@example.com"}),
					testserver.WithUser(testserver.User{Username: `CORP\bob`, Password: "Bob-Passw0rd!", Email: "bob@example.com"}))
				srv.AddMailbox("carol@example.com", "Carol")
				c := newTestClient(t, srv, nil)
				tc.run(t, srv, c, v)
				n := 0
				for _, r := range srv.Requests() {
					if r.Operation == "" {
						continue
					}
					n++
					for _, bad := range injectedMarkup {
						if strings.Contains(string(r.Body), bad) {
							t.Errorf("%s request carries %q raw:\n%s", r.Operation, bad, r.Body)
						}
					}
				}
				if n == 0 {
					t.Fatal("no request was sent")
				}
			})
		}
	}
}

func testSendInjection(t *testing.T, srv *testserver.Server, c *Client, v string) {
	ctx := testCtx(t)
	knowVersion(t, c) // attachments inline in CreateItem
	to, wantTo := evilAddress(v, "bob", "example.com")
	cc, wantCc := evilAddress(v, "carol", "example.com")
	replyTo, wantReplyTo := evilAddress(v, "", "example.com")
	mid := evilMessageID(v)
	sent, err := c.Mail().Send(ctx, Draft{To: []string{to}, Cc: []string{cc}, ReplyTo: []string{replyTo},
		Subject: v, Body: v, Categories: []string{v, "plain"}, InternetMessageID: mid,
		Attachments: []Attachment{{Name: v + ".txt", ContentType: "text/plain; name=" + v, Content: []byte(v)}}})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	in := srv.Mailbox("bob@example.com").Items("inbox")
	if len(in) != 1 {
		t.Fatalf("bob received %d messages", len(in))
	}
	got := in[0]
	want := map[string]any{"Subject": v, "Body": v, "Categories": []string{v, "plain"}, "To": []testserver.Address{wantTo},
		"Cc": []testserver.Address{wantCc}, "ReplyTo": []testserver.Address{wantReplyTo}, "Message-ID": mid,
		"Attachment": [3]string{v + ".txt", "text/plain; name=" + v, v}}
	var att [3]string
	if len(got.Attachments) == 1 {
		a := got.Attachments[0]
		att = [3]string{a.Name, a.ContentType, string(a.Content)}
	}
	stored := map[string]any{"Subject": got.Subject, "Body": got.Body, "Categories": got.Categories, "To": got.To,
		"Cc": got.Cc, "ReplyTo": got.ReplyTo, "Message-ID": got.InternetMessageID, "Attachment": att}
	if d := cmp.Diff(want, stored); d != "" {
		t.Errorf("bob's copy on the server (-want +got):\n%s", d)
	}
	// Read back: the saved copy, found by its Message-ID.
	found, err := c.Mail().FindByMessageID(ctx, mid)
	if err != nil || len(found) != 1 || found[0].ID != sent.ID {
		t.Fatalf("FindByMessageID(%q) = %v, %v; want the saved copy %s", mid, found, err, sent.ID)
	}
	m := found[0]
	if m.Subject != v || m.Body != v || !slices.Equal(m.Categories, []string{v, "plain"}) || len(m.To) != 1 || m.To[0].Name != v ||
		len(m.Attachments) != 1 || m.Attachments[0].Name != v+".txt" || m.InternetMessageID != mid {
		t.Errorf("read back %+v", m)
	}
}

func testDraftAttachmentInjection(t *testing.T, srv *testserver.Server, c *Client, v string) {
	// A delegate's send without a copy goes through a draft: CreateItem (draft), CreateAttachment, SendItem.
	srv.GrantDelegate("carol@example.com", srv.Email())
	dc, err := c.ForMailbox("carol@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dc.Mail().Send(testCtx(t), Draft{To: []string{"bob@example.com"}, Subject: v, NoCopy: true,
		Attachments: []Attachment{{Name: v, ContentType: v, Content: []byte("x")}}}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if n := len(mailBodies(srv, "CreateAttachment")); n != 1 {
		t.Fatalf("%d CreateAttachment requests, want the draft path", n)
	}
	in := srv.Mailbox("bob@example.com").Items("inbox")
	if len(in) != 1 || in[0].Subject != v || len(in[0].Attachments) != 1 || in[0].Attachments[0].Name != v || in[0].Attachments[0].ContentType != v {
		t.Fatalf("bob received %+v", in)
	}
}

func testSearchInjection(t *testing.T, srv *testserver.Server, c *Client, v string) {
	// A sender filter is a bare address: no angle brackets or spaces.
	_, wantSender := evilAddress("Evil", strings.NewReplacer("<", "", ">", "", " ", "").Replace(v)+`&amp;"'`, "evil.example")
	mid := evilMessageID(v)
	evil := srv.AddMessage("inbox", testserver.Item{Subject: v, Body: "before " + v + " after", Categories: []string{v},
		InternetMessageID: mid, Sender: wantSender, From: wantSender, DateTimeReceived: mailBase})
	// A decoy that matches the value with the markup removed or unescaped once.
	srv.AddMessage("inbox", testserver.Item{Subject: "x", Body: "x", Categories: []string{"x"}, InternetMessageID: "<x@x>",
		Sender: testserver.Address{Email: "x@evil.example"}, DateTimeReceived: mailBase.Add(time.Second)})
	pyQuery, err := ParseQuery("{'subject': " + pyRepr(v) + ", 'categories__contains': [" + pyRepr(v) + "]}")
	if err != nil {
		t.Fatalf("ParseQuery: %v", err)
	}
	for name, opts := range map[string]SearchOptions{
		"Subject":           {Subject: v},
		"Body":              {Body: v},
		"Sender":            {Sender: wantSender.Email},
		"subject=":          {Query: Where("subject", v)},
		"categories":        {Query: Where("categories__contains", []string{v})},
		"message_id":        {Query: Where("message_id", mid)},
		"body__contains":    {Query: Where("body__contains", v)},
		"sender":            {Query: Where("sender", wantSender.Email)},
		"ParseQuery":        {Query: pyQuery},
		"subject__in (Or)":  {Query: Where("subject__in", []string{v, v + "2"})},
		"Not(subject != v)": {Query: Not(Where("subject__not", v))},
	} {
		var got []string
		for m, err := range c.Mail().Search(testCtx(t), opts) {
			if err != nil {
				t.Fatalf("Search %s: %v", name, err)
			}
			got = append(got, m.ID)
		}
		if len(got) != 1 || got[0] != evil {
			t.Errorf("Search %s matched %v, want only the message holding the value", name, got)
		}
	}
}

func testMessageIDInjection(t *testing.T, srv *testserver.Server, c *Client, v string) {
	ctx := testCtx(t)
	mid := evilMessageID(v)
	folder, err := srv.Default().AddFolder("inbox", v, "")
	if err != nil {
		t.Fatal(err)
	}
	id := srv.AddMessage("inbox", testserver.Item{Subject: v, InternetMessageID: mid})
	found, err := c.Mail().FindByMessageID(ctx, mid)
	if err != nil || len(found) != 1 || found[0].ID != id || found[0].InternetMessageID != mid {
		t.Fatalf("FindByMessageID(%q) = %v, %v", mid, found, err)
	}
	got, err := c.Mail().Get(ctx, mid)
	if err != nil || len(got) != 1 || got[0].ID != id {
		t.Fatalf("Get(%q) = %v, %v", mid, got, err)
	}
	f, err := c.GetFolder(ctx, FolderByPath(pathOf("Inbox", v)))
	if err != nil || f.ID != folder || f.DisplayName != v {
		t.Fatalf("GetFolder(Inbox/%s) = %+v, %v; want folder %s", v, f, err, folder)
	}
	moved, err := c.Mail().Move(ctx, FolderByPath(pathOf("Inbox", v)), mid)
	if err != nil || len(moved) != 1 {
		t.Fatalf("Move by Message-ID into the folder: %v, %v", moved, err)
	}
	in := srv.Default().Items(folder)
	if len(in) != 1 || in[0].InternetMessageID != mid || in[0].Subject != v {
		t.Fatalf("folder %q holds %+v", v, in)
	}
	var seen []string
	for m, err := range c.Mail().Search(ctx, SearchOptions{Folder: FolderByPath(pathOf("Inbox", v))}) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, m.InternetMessageID)
	}
	if !slices.Equal(seen, []string{mid}) {
		t.Errorf("Search of the folder = %q", seen)
	}
	if err := c.Mail().Delete(ctx, DeleteOptions{How: HardDelete}, mid); err != nil {
		t.Fatalf("Delete by Message-ID: %v", err)
	}
	if n := len(srv.Default().Items(folder)); n != 0 {
		t.Errorf("%d messages left after Delete by Message-ID", n)
	}
}

func testEventInjection(t *testing.T, srv *testserver.Server, c *Client, v string) {
	ctx := testCtx(t)
	start := time.Date(2024, 7, 1, 9, 0, 0, 0, time.UTC)
	bob, wantBob := evilAddress(v, "bob", "example.com")
	id, err := c.Calendar().Create(ctx, NewEvent{Subject: v, Location: v, Body: v, Categories: []string{v},
		Start: start, End: start.Add(time.Hour), Required: []string{bob}}, EventCreateOptions{SendInvitations: SendToNone})
	if err != nil {
		t.Fatalf("CreateEvent: %v", err)
	}
	it := storedItem(t, srv, id)
	if it.Subject != v || it.Location != v || it.Body != v || !slices.Equal(it.Categories, []string{v}) ||
		len(it.RequiredAttendees) != 1 || it.RequiredAttendees[0].Name != wantBob.Name || it.RequiredAttendees[0].Email != wantBob.Email {
		t.Fatalf("stored event %+v", it)
	}
	ev, err := c.Calendar().Get(ctx, id)
	if err != nil || ev.Subject != v || ev.Location != v || ev.Body != v || len(ev.Required) != 1 || ev.Required[0].Name != v {
		t.Fatalf("GetEvent = %+v, %v", ev, err)
	}
	v2 := v + " (moved)"
	if err := c.Calendar().Update(ctx, id, EventChanges{Subject: &v2, Location: &v2, BodyHTML: Ptr("<p>" + v2 + "</p>"),
		Categories: []string{v2}}, EventUpdateOptions{SendUpdates: SendToNone}); err != nil {
		t.Fatalf("UpdateEvent: %v", err)
	}
	it = storedItem(t, srv, id)
	if it.Subject != v2 || it.Location != v2 || it.Body != "<p>"+v2+"</p>" || it.BodyType != "HTML" || !slices.Equal(it.Categories, []string{v2}) {
		t.Errorf("stored event after UpdateEvent %+v", it)
	}
}

func testRespondInjection(t *testing.T, srv *testserver.Server, alice *Client, v string) {
	ctx := testCtx(t)
	bob := newTestClient(t, srv, func(cfg *Config) {
		cfg.Username, cfg.Password, cfg.EmailAddress = `CORP\bob`, "Bob-Passw0rd!", "bob@example.com"
	})
	start := time.Date(2024, 7, 2, 9, 0, 0, 0, time.UTC)
	id, err := alice.Calendar().Create(ctx, NewEvent{Subject: v, Start: start, End: start.Add(time.Hour),
		Required: []string{"bob@example.com"}}, EventCreateOptions{})
	if err != nil {
		t.Fatalf("CreateEvent: %v", err)
	}
	reqs := itemsOfClass(srv.Mailbox("bob@example.com").Items("inbox"), "IPM.Schedule.Meeting.Request")
	if len(reqs) != 1 || reqs[0].Subject != v {
		t.Fatalf("bob's meeting requests %+v", reqs)
	}
	if err := bob.Calendar().TentativelyAccept(ctx, reqs[0].ID, RespondOptions{Message: v}); err != nil {
		t.Fatalf("TentativelyAccept: %v", err)
	}
	resp := itemsOfClass(srv.Mailbox("alice@example.com").Items("inbox"), "IPM.Schedule.Meeting.Resp.Tent")
	if len(resp) != 1 || resp[0].Body != v || !strings.HasSuffix(resp[0].Subject, v) {
		t.Fatalf("alice received responses %+v", resp)
	}
	if err := alice.Calendar().Cancel(ctx, id, v); err != nil {
		t.Fatalf("CancelEvent: %v", err)
	}
	canc := itemsOfClass(srv.Mailbox("bob@example.com").Items("inbox"), "IPM.Schedule.Meeting.Canceled")
	if len(canc) != 1 || canc[0].Body != v {
		t.Fatalf("bob received cancellations %+v", canc)
	}
}

func testContactInjection(t *testing.T, srv *testserver.Server, c *Client, v string) {
	ctx := testCtx(t)
	email, wantEmail := evilAddress(v, "", "example.com")
	addr := PhysicalAddress{Street: v, City: v, State: v, PostalCode: v, CountryOrRegion: v}
	ct := Contact{DisplayName: v, GivenName: v, Surname: v, FileAs: v, CompanyName: v, JobTitle: v, Department: v,
		EmailAddresses: []string{email}, Phones: map[PhoneKey]string{PhoneMobile: v}, Addresses: map[AddressKey]PhysicalAddress{AddressHome: addr},
		Notes: v, Categories: []string{v}}
	id, err := c.Contacts().Create(ctx, ct, ContactCreateOptions{})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	it := storedItem(t, srv, id)
	want := []string{v, v, v, v, v, v, v, v, wantEmail.Email, v, v}
	got := []string{it.DisplayName, it.GivenName, it.Surname, it.FileAs, it.CompanyName, it.JobTitle, it.Department, it.Body,
		it.EmailAddresses["EmailAddress1"], it.PhoneNumbers["MobilePhone"], strings.Join(it.Categories, ",")}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("stored contact fields (-want +got):\n%s", d)
	}
	if d := cmp.Diff(testserver.PhysicalAddress{Street: v, City: v, State: v, PostalCode: v, CountryOrRegion: v}, it.PhysicalAddresses["Home"]); d != "" {
		t.Errorf("stored address (-want +got):\n%s", d)
	}
	back, err := c.Contacts().Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	wantBack := ct
	wantBack.ID, wantBack.ChangeKey, wantBack.EmailAddresses = id, it.ChangeKey, []string{wantEmail.Email}
	if d := cmp.Diff(&wantBack, back); d != "" {
		t.Errorf("Get (-want +got):\n%s", d)
	}
	v2 := v + "2"
	if err := c.Contacts().Update(ctx, id, ContactChanges{JobTitle: &v2, Notes: &v2, Phones: map[PhoneKey]string{PhoneBusiness: v2},
		Addresses: map[AddressKey]PhysicalAddress{AddressBusiness: {City: v2}}, Categories: []string{v2}}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	it = storedItem(t, srv, id)
	if it.JobTitle != v2 || it.Body != v2 || it.PhoneNumbers["BusinessPhone"] != v2 || it.PhysicalAddresses["Business"].City != v2 || !slices.Equal(it.Categories, []string{v2}) {
		t.Errorf("stored contact after Update %+v", it)
	}
	res, err := c.Contacts().ResolveNames(ctx, v, ResolveOptions{Scope: ScopeContacts})
	if err != nil || len(res) != 1 || res[0].Mailbox.ContactID != id || res[0].Mailbox.Name != v {
		t.Errorf("ResolveNames(%q) = %+v, %v; want the contact", v, res, err)
	}
}
