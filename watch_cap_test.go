package ews

import (
	"errors"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

// TestWatchGivesUpOnStreamsThatKeepBreaking drops every streaming connection of the fake server as soon as it is
// established (its network-failure fault): Watch reconnects, and gives up with a *StreamingError after
// RetryPolicy.MaxAttempts such connections in a row; a connection that brings a notification starts the count
// again.
func TestWatchGivesUpOnStreamsThatKeepBreaking(t *testing.T) {
	srv := testserver.New(t, testserver.WithPersonality(testserver.Exchange2019))
	const attempts = 4
	c := newTestClient(t, srv, func(cfg *Config) { cfg.Retry = &RetryPolicy{MaxAttempts: attempts} })
	reported := make(chan error, 100)
	p, err := c.NewPoller(PollerOptions{Notifications: NotifyStreaming, RetryDelay: time.Millisecond,
		OnError: func(err error) { reported <- err }})
	if err != nil {
		t.Fatal(err)
	}
	w := startWatch(t, p)
	// waitSynced waits until the server has answered n SyncFolderItems: one for the first synchronisation and one
	// on each new connection, before anything could come by notification.
	// (It also tells that the client has read the connection's first envelope: a connection that breaks before
	// that counts as a server that is down, which Watch waits out.)
	waitSynced := func(n int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for srv.Handled("SyncFolderItems") < n {
			if time.Now().After(deadline) {
				t.Fatalf("%d SyncFolderItems, want %d", srv.Handled("SyncFolderItems"), n)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	dropNext := func(opened int) {
		t.Helper()
		w.waitStreams(t, srv, 1)
		waitSynced(1 + opened)
		srv.DropStreamingConnections()
	}
	for i := 1; i < attempts; i++ { // one short of the cap
		dropNext(i)
	}
	// The next connection brings a notification (the message arrives after its catch-up synchronisation).
	w.waitStreams(t, srv, 1)
	waitSynced(1 + attempts)
	srv.AddMessage("inbox", testserver.Item{Subject: "by notification"})
	w.expect(t, "by notification")
	srv.DropStreamingConnections()
	// The count starts again: MaxAttempts more broken connections end Watch.
	for i := 1; i <= attempts; i++ {
		dropNext(attempts + 1 + i) // (one more synchronisation: the notification's)
	}
	select {
	case err := <-w.done:
		w.done <- err
		var se *StreamingError
		if !errors.As(err, &se) || !errors.Is(err, ErrStreamingFailed) || se.Connections != attempts || se.Err == nil {
			t.Fatalf("Watch = %v, want a *StreamingError after %d broken connections in a row", err, attempts)
		}
		t.Logf("Watch: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("Watch still reconnects 30 s after the connections kept breaking")
	}
	if got, want := srv.StreamsOpened(), 2*attempts; got != want {
		t.Errorf("%d streaming connections, want %d (%d broken, one with a notification, %d broken)", got, want, attempts-1, attempts)
	}
	if len(reported) < 2*attempts-1 {
		t.Errorf("%d errors reported to OnError, want one per broken connection (%d)", len(reported), 2*attempts-1)
	}
}
