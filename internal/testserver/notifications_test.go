package testserver

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/soap"
)

func subscribe(t *testing.T, c *soap.Client, h soap.Header, req *soap.Subscribe) *soap.SubscribeResponseMessage {
	t.Helper()
	var resp soap.SubscribeResponse
	if _, err := c.Do(context.Background(), h, req, &resp); err != nil || len(resp.ResponseMessages) != 1 {
		t.Fatalf("Subscribe: %v %+v", err, resp)
	}
	return &resp.ResponseMessages[0]
}

func getEvents(t *testing.T, c *soap.Client, id, wm string) *soap.GetEventsResponseMessage {
	t.Helper()
	var resp soap.GetEventsResponse
	if _, err := c.Do(context.Background(), h13, &soap.GetEvents{SubscriptionID: id, Watermark: wm}, &resp); err != nil || len(resp.ResponseMessages) != 1 {
		t.Fatalf("GetEvents: %v %+v", err, resp)
	}
	return &resp.ResponseMessages[0]
}

func kinds(n *soap.Notification) []string {
	var out []string
	for _, e := range n.Events {
		out = append(out, e.Kind())
	}
	return out
}

func TestPullSubscription(t *testing.T) {
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	srv := New(t, WithClock(func() time.Time { return now }))
	c := wire(t, srv)
	sub := subscribe(t, c, h13, &soap.Subscribe{Pull: &soap.PullSubscriptionRequest{
		FolderIDs: soap.FolderList{{Distinguished: "inbox"}}, EventTypes: []string{soap.EventNewMail, soap.EventCreated, soap.EventDeleted}, Timeout: 10,
	}})
	if err := sub.Err(); err != nil || sub.SubscriptionID == "" || sub.Watermark == "" {
		t.Fatalf("Subscribe = %+v, %v", sub, err)
	}
	// Nothing yet: a StatusEvent carries the watermark.
	m := getEvents(t, c, sub.SubscriptionID, sub.Watermark)
	if m.Err() != nil || m.Notification == nil || len(m.Notification.Events) != 1 || m.Notification.Events[0].Kind() != soap.EventStatus {
		t.Fatalf("first GetEvents = %+v", m)
	}
	wm := m.Notification.Events[0].Watermark
	id := srv.AddMessage("inbox", Item{Subject: "x"})
	srv.AddMessage("sentitems", Item{Subject: "not watched"})
	m = getEvents(t, c, sub.SubscriptionID, wm)
	if got := kinds(m.Notification); len(got) != 2 || got[0] != soap.EventCreated || got[1] != soap.EventNewMail {
		t.Fatalf("events = %v", got)
	}
	ev := m.Notification.Events[1]
	if ev.ItemID.ID != id || ev.ParentFolderID.ID != srv.Default().FolderID("inbox") || !ev.TimeStamp.Equal(now) || m.Notification.PreviousWatermark != wm {
		t.Errorf("NewMailEvent = %+v", ev)
	}
	// Asking again from the last event's watermark gives nothing new.
	last := ev.Watermark
	if m = getEvents(t, c, sub.SubscriptionID, last); len(m.Notification.Events) != 1 || m.Notification.Events[0].Kind() != soap.EventStatus {
		t.Errorf("after the last event = %v", kinds(m.Notification))
	}
	// More than 50 events come in several calls with MoreEvents.
	for i := 0; i < 30; i++ {
		srv.AddMessage("inbox", Item{Subject: "bulk"})
	}
	total := 0
	for more := true; more; {
		m = getEvents(t, c, sub.SubscriptionID, last)
		for _, e := range m.Notification.Events {
			if e.Kind() != soap.EventStatus {
				total++
			}
			last = e.Watermark
		}
		more = m.Notification.MoreEvents
	}
	if total != 60 {
		t.Errorf("bulk events = %d, want 60", total)
	}
	// A foreign watermark is refused.
	if err := getEvents(t, c, sub.SubscriptionID, "Zm9v").Err(); !isCode(err, "ErrorInvalidWatermark") {
		t.Errorf("bad watermark: %v", err)
	}
	// The subscription lives Timeout minutes without a GetEvents.
	now = now.Add(11 * time.Minute)
	if err := getEvents(t, c, sub.SubscriptionID, last).Err(); !isCode(err, "ErrorExpiredSubscription") {
		t.Errorf("after the timeout: %v", err)
	}
	// A new subscription can resume from a watermark; ExpireSubscriptions ends it.
	sub2 := subscribe(t, c, h13, &soap.Subscribe{Pull: &soap.PullSubscriptionRequest{
		FolderIDs: soap.FolderList{{Distinguished: "inbox"}}, EventTypes: []string{soap.EventNewMail}, Watermark: wm, Timeout: 10}})
	if m = getEvents(t, c, sub2.SubscriptionID, sub2.Watermark); len(m.Notification.Events) != 31 || sub2.Watermark != wm {
		t.Errorf("resumed subscription: %d events", len(m.Notification.Events))
	}
	srv.ExpireSubscriptions()
	if err := getEvents(t, c, sub2.SubscriptionID, wm).Err(); !isCode(err, "ErrorExpiredSubscription") {
		t.Errorf("after ExpireSubscriptions: %v", err)
	}
	if err := getEvents(t, c, "bm9uZQ==", wm).Err(); !isCode(err, "ErrorSubscriptionNotFound") {
		t.Errorf("unknown subscription: %v", err)
	}
	// Unsubscribe.
	sub3 := subscribe(t, c, h13, &soap.Subscribe{Pull: &soap.PullSubscriptionRequest{SubscribeToAllFolders: boolp(true), EventTypes: []string{soap.EventCreated}, Timeout: 5}})
	var ur soap.UnsubscribeResponse
	if _, err := c.Do(context.Background(), h13, &soap.Unsubscribe{SubscriptionID: sub3.SubscriptionID}, &ur); err != nil || ur.ResponseMessages[0].Err() != nil {
		t.Fatalf("Unsubscribe: %v %+v", err, ur)
	}
	if srv.Subscriptions() != 0 {
		t.Errorf("%d subscriptions left", srv.Subscriptions())
	}
}

func boolp(b bool) *bool { return &b }

func isCode(err error, code string) bool {
	var re *soap.ResponseError
	return errors.As(err, &re) && re.Code == code
}

func nextEnvelope(t *testing.T, s *soap.EnvelopeStream) *soap.GetStreamingEventsResponseMessage {
	t.Helper()
	var r soap.GetStreamingEventsResponse
	if _, err := s.Next(&r); err != nil || len(r.ResponseMessages) != 1 {
		t.Fatalf("Next: %v %+v", err, r)
	}
	return &r.ResponseMessages[0]
}

func TestStreamingSubscription(t *testing.T) {
	srv := New(t, WithStreamingMinute(20*time.Millisecond))
	c := wire(t, srv)
	ctx := context.Background()
	sub := subscribe(t, c, h13, &soap.Subscribe{Streaming: &soap.StreamingSubscriptionRequest{
		FolderIDs: soap.FolderList{{Distinguished: "inbox"}}, EventTypes: []string{soap.EventNewMail}}})
	if err := sub.Err(); err != nil || sub.Watermark != "" {
		t.Fatalf("Subscribe = %+v %v", sub, err)
	}
	first := srv.AddMessage("inbox", Item{Subject: "before connecting"})
	st, err := c.Stream(ctx, h13, &soap.GetStreamingEvents{SubscriptionIDs: []string{sub.SubscriptionID}, ConnectionTimeout: 30})
	if err != nil {
		t.Fatal(err)
	}
	if m := nextEnvelope(t, st); m.ConnectionStatus != soap.ConnectionOK {
		t.Fatalf("first envelope = %+v", m)
	}
	if err := srv.WaitStreams(ctx, 1); err != nil {
		t.Fatal(err)
	}
	second := srv.AddMessage("inbox", Item{Subject: "while connected"})
	var got []string
	for len(got) < 2 {
		m := nextEnvelope(t, st)
		for _, n := range m.Notifications {
			if n.SubscriptionID != sub.SubscriptionID {
				t.Errorf("notification for %q", n.SubscriptionID)
			}
			for _, e := range n.Events {
				got = append(got, e.ItemID.ID)
			}
		}
	}
	if got[0] != first || got[1] != second {
		t.Errorf("streamed new mail = %v, want %v %v", got, first, second)
	}
	// A dropped connection: the reader gets a transport error; the subscription survives and a new connection
	// gets what arrived in between.
	srv.DropStreamingConnections()
	for {
		if _, err := st.Next(nil); err != nil {
			if err == io.EOF || errors.Is(err, soap.ErrMalformed) {
				t.Errorf("dropped stream ended with %v", err)
			}
			break
		}
	}
	st.Close()
	third := srv.AddMessage("inbox", Item{Subject: "while disconnected"})
	st, err = c.Stream(ctx, h13, &soap.GetStreamingEvents{SubscriptionIDs: []string{sub.SubscriptionID}, ConnectionTimeout: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var status []string
	var ids []string
	for {
		m := nextEnvelope(t, st)
		for _, n := range m.Notifications {
			for _, e := range n.Events {
				ids = append(ids, e.ItemID.ID)
			}
		}
		if m.ConnectionStatus != "" {
			status = append(status, m.ConnectionStatus)
		}
		if m.ConnectionStatus == soap.ConnectionClosed {
			break
		}
	}
	if len(ids) != 1 || ids[0] != third {
		t.Errorf("after reconnecting: %v, want %v", ids, third)
	}
	if status[0] != "OK" || status[len(status)-1] != "Closed" {
		t.Errorf("statuses = %v", status)
	}
	if _, err := st.Next(nil); err != io.EOF {
		t.Errorf("after Closed: %v, want EOF", err)
	}
	if srv.StreamsOpened() != 2 {
		t.Errorf("StreamsOpened = %d", srv.StreamsOpened())
	}
	// Expired: the open stream reports the subscription, a new one is refused.
	st, err = c.Stream(ctx, h13, &soap.GetStreamingEvents{SubscriptionIDs: []string{sub.SubscriptionID}, ConnectionTimeout: 30})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	nextEnvelope(t, st)
	srv.ExpireSubscriptions()
	for {
		m := nextEnvelope(t, st)
		if err := m.Err(); err != nil {
			if !isCode(err, "ErrorSubscriptionNotFound") || len(m.ErrorSubscriptionIDs) != 1 || m.ErrorSubscriptionIDs[0] != sub.SubscriptionID {
				t.Errorf("expired in stream: %v %+v", err, m)
			}
			break
		}
	}
	st2, err := c.Stream(ctx, h13, &soap.GetStreamingEvents{SubscriptionIDs: []string{sub.SubscriptionID}, ConnectionTimeout: 30})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if m := nextEnvelope(t, st2); !isCode(m.Err(), "ErrorSubscriptionNotFound") {
		t.Errorf("reconnect after expiry: %+v", m)
	}
}

func TestStreamingNeedsExchange2010SP1(t *testing.T) {
	srv := New(t, WithVersion(ServerVersion{14, 0, 639, 21, ""}))
	c := wire(t, srv)
	var resp soap.SubscribeResponse
	_, err := c.Do(context.Background(), soap.Header{Version: "Exchange2010"}, &soap.Subscribe{Streaming: &soap.StreamingSubscriptionRequest{
		FolderIDs: soap.FolderList{{Distinguished: "inbox"}}, EventTypes: []string{soap.EventNewMail}}}, &resp)
	var f *soap.Fault
	if !errors.As(err, &f) || f.ResponseCode() != "ErrorSchemaValidation" {
		t.Errorf("streaming on Exchange 2010: %v", err)
	}
	if m := subscribe(t, c, soap.Header{Version: "Exchange2010"}, &soap.Subscribe{Pull: &soap.PullSubscriptionRequest{
		FolderIDs: soap.FolderList{{Distinguished: "inbox"}}, EventTypes: []string{soap.EventNewMail}, Timeout: 5}}); m.Err() != nil {
		t.Errorf("pull on Exchange 2010: %v", m.Err())
	}
}
