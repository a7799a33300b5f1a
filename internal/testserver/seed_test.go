package testserver

import (
	"strings"
	"testing"
	"time"
)

func TestSeedIsDeterministicAndRealistic(t *testing.T) {
	now := time.Date(2024, 5, 6, 12, 0, 0, 0, time.UTC)
	seed := func(n int, s uint64) (*Server, SeedSummary) {
		srv := New(t)
		sum, err := srv.Default().Seed(SeedOptions{Messages: n, Seed: s, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return srv, sum
	}
	a, sa := seed(60, 42)
	b, sb := seed(60, 42)
	c, _ := seed(60, 43)
	if sa != sb || sa.Messages != 60 || sa.Events != 6 || sa.Contacts != 8 {
		t.Errorf("summaries %+v and %+v", sa, sb)
	}
	if sa.Unread < 10 || sa.Unread > 40 {
		t.Errorf("%d of 60 messages unread; want some, not all", sa.Unread)
	}
	dump := func(srv *Server) string {
		var b strings.Builder
		for _, f := range []string{"inbox", "inbox/Phishing", "inbox/Processed", "calendar", "contacts"} {
			for _, it := range srv.Default().Items(f) {
				b.WriteString(f + "|" + it.Subject + "|" + it.From.Email + "|" + it.InternetMessageID + "|" + it.DateTimeReceived.String() + "\n")
			}
		}
		return b.String()
	}
	if da, db := dump(a), dump(b); da != db {
		la, lb := strings.Split(da, "\n"), strings.Split(db, "\n")
		for i := range min(len(la), len(lb)) {
			if la[i] != lb[i] {
				t.Errorf("the same seed gave different mailboxes; first difference at line %d:\n%s\n%s", i, la[i], lb[i])
				break
			}
		}
		if len(la) != len(lb) {
			t.Errorf("the same seed gave different mailboxes: %d and %d lines", len(la), len(lb))
		}
	}
	if dump(a) == dump(c) {
		t.Error("different seeds gave the same mailbox")
	}
	var inbox, phishing, attachments, html, unread int
	for _, f := range []string{"inbox", "inbox/Phishing", "inbox/Processed"} {
		for _, it := range a.Default().Items(f) {
			if it.Kind() != "message" || it.Subject == "" || it.From.Email == "" || len(it.To) != 1 || it.InternetMessageID == "" || !it.DateTimeReceived.Before(now) {
				t.Errorf("message %+v", it)
			}
			switch f {
			case "inbox":
				inbox++
			case "inbox/Phishing":
				phishing++
			}
			if it.HasAttachments() {
				attachments++
			}
			if it.BodyType == "HTML" {
				html++
			}
			if !it.IsRead {
				unread++
			}
		}
	}
	if inbox == 0 || phishing == 0 || attachments == 0 || html == 0 || unread != sa.Unread {
		t.Errorf("inbox %d, phishing %d, with attachments %d, html %d, unread %d (summary %d)", inbox, phishing, attachments, html, unread, sa.Unread)
	}
	for _, ev := range a.Default().Items("calendar") {
		if !ev.Start.After(now) || ev.Start.After(now.AddDate(0, 0, 14)) || !ev.End.After(ev.Start) {
			t.Errorf("event %q from %v to %v; want within two weeks after %v", ev.Subject, ev.Start, ev.End, now)
		}
	}
}
