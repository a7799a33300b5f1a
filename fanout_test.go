package ews

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

const phishID = "<phish-2024@evil.example>"

// fanOutServer has an account with the impersonation role (fanOutUser) and n mailboxes (addFanOutMailboxes).
func fanOutServer(t *testing.T, n int, opts ...testserver.Option) (*testserver.Server, []string) {
	t.Helper()
	srv := testserver.New(t, append(opts, fanOutUser)...)
	return srv, addFanOutMailboxes(srv, n)
}

// fanOutUser is the account with the impersonation role that impersonatingClient signs in as.
var fanOutUser = testserver.WithUser(testserver.User{Username: `CORP\svc-soar`, Password: "Svc-Pass-1", Email: "svc@example.com", CanImpersonate: true})

// addFanOutMailboxes adds n mailboxes to srv, each holding the phishing message (in the Inbox, and for every
// third mailbox a copy in Junk Email too) and a message of its own, and returns their addresses.
func addFanOutMailboxes(srv *testserver.Server, n int) []string {
	var addrs []string
	for i := range n {
		addr := fmt.Sprintf("user%02d@example.com", i)
		mb := srv.AddMailbox(addr, "")
		phish := testserver.Item{ItemClass: "IPM.Note", Subject: "Your invoice", InternetMessageID: phishID,
			From: testserver.Address{Email: "billing@evil.example"}, DateTimeReceived: mailBase}
		mb.AddItem("inbox", phish)
		if i%3 == 0 {
			mb.AddItem("junkemail", phish)
		}
		mb.AddItem("inbox", testserver.Item{ItemClass: "IPM.Note", Subject: "lunch?", DateTimeReceived: mailBase})
		addrs = append(addrs, addr)
	}
	return addrs
}

func impersonatingClient(t *testing.T, srv *testserver.Server, edit func(*Config)) *Client {
	return newTestClient(t, srv, func(cfg *Config) {
		cfg.Username, cfg.Password, cfg.EmailAddress, cfg.AccessType = `CORP\svc-soar`, "Svc-Pass-1", "svc@example.com", Impersonation
		if edit != nil {
			edit(cfg)
		}
	})
}

// purge deletes the phishing message from one mailbox.
func purge(ctx context.Context, mc *Client) error {
	msgs, err := mc.Mail().FindByMessageID(ctx, phishID)
	if err != nil {
		return err
	}
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	if len(ids) == 0 {
		return nil
	}
	return mc.Mail().Delete(ctx, DeleteOptions{How: HardDelete}, ids...)
}

func TestFanOutPurgesEveryMailbox(t *testing.T) {
	srv, addrs := fanOutServer(t, 12)
	c := impersonatingClient(t, srv, nil)
	list := append(append([]string{}, addrs...), "ghost@example.com", "not an address", "USER03@example.com")
	res := c.FanOut(testCtx(t), list, 4, purge)
	if len(res) != len(list) {
		t.Fatalf("%d results for %d mailboxes", len(res), len(list))
	}
	for i, r := range res {
		if r.Mailbox != list[i] {
			t.Errorf("result %d is for %q, want %q", i, r.Mailbox, list[i])
		}
	}
	for i, addr := range addrs {
		if res[i].Err != nil {
			t.Errorf("%s: %v", addr, res[i].Err)
		}
		for _, folder := range []string{"inbox", "junkemail"} {
			for _, it := range srv.Mailbox(addr).Items(folder) {
				if it.InternetMessageID == phishID {
					t.Errorf("%s: the phishing message is still in %s", addr, folder)
				}
			}
		}
		if items := srv.Mailbox(addr).Items("inbox"); len(items) != 1 || items[0].Subject != "lunch?" {
			t.Errorf("%s: inbox holds %d items after the purge, want only its own message", addr, len(items))
		}
	}
	if !errors.Is(res[12].Err, ErrNonExistentMailbox) {
		t.Errorf("missing mailbox: %v, want ErrNonExistentMailbox", res[12].Err)
	}
	wantInputErr(t, res[13].Err, "mailboxes[13]")
	if res[14].Err != nil {
		t.Errorf("a mailbox named twice: %v", res[14].Err)
	}
	impersonated := map[string]bool{}
	for _, r := range srv.Requests() {
		if r.Operation == "DeleteItem" {
			impersonated[r.Impersonating] = true
		}
	}
	if len(impersonated) != 12 {
		t.Errorf("DeleteItem sent for %d mailboxes, want 12 (USER03 only once)", len(impersonated))
	}
	if n := srv.MaxInFlight(); n > 4 {
		t.Errorf("%d requests in flight at once with concurrency 4", n)
	}
	if n := srv.Connections(); n > 4 {
		t.Errorf("%d connections for 4 concurrent mailboxes", n)
	}
}

// A server that throttles makes every mailbox wait the back-off it asked for; the sweep completes.
func TestFanOutHonoursBackOff(t *testing.T) {
	srv, addrs := fanOutServer(t, 10, testserver.WithFaults(testserver.ServerBusy(3*time.Second).Every(4)))
	clk := newFakeClock()
	c := impersonatingClient(t, srv, func(cfg *Config) { cfg.Retry = &RetryPolicy{clock: clk} })
	res := c.FanOut(testCtx(t), addrs, 3, purge)
	for _, r := range res {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Mailbox, r.Err)
		}
	}
	busy := 0
	for _, r := range srv.Requests() {
		if r.Fault == "ServerBusy" {
			busy++
		}
	}
	waits := 0
	for _, d := range clk.Sleeps() {
		if d > 0 && d <= 3*time.Second {
			waits++
		}
	}
	if busy == 0 || waits < busy {
		t.Errorf("%d ServerBusy answers, %d back-off waits; want every busy answer waited for", busy, waits)
	}
	for _, addr := range addrs {
		for _, it := range srv.Mailbox(addr).Items("inbox") {
			if it.InternetMessageID == phishID {
				t.Errorf("%s still holds the phishing message", addr)
			}
		}
	}
}

// Once the context ends, the mailboxes not yet started are not attempted.
func TestFanOutCancelled(t *testing.T) {
	srv, addrs := fanOutServer(t, 5)
	c := impersonatingClient(t, srv, nil)
	ctx, cancel := context.WithCancel(testCtx(t))
	started := 0
	res := c.FanOut(ctx, addrs, 1, func(ctx context.Context, mc *Client) error {
		started++
		cancel()
		return nil
	})
	if started != 1 || res[0].Err != nil {
		t.Fatalf("%d mailboxes started, first result %v", started, res[0].Err)
	}
	for _, r := range res[1:] {
		if !errors.Is(r.Err, ErrNotAttempted) || !errors.Is(r.Err, context.Canceled) {
			t.Errorf("%s: %v, want ErrNotAttempted and context.Canceled", r.Mailbox, r.Err)
		}
	}
	bad := c.FanOut(testCtx(t), addrs, -1, purge)
	for _, r := range bad {
		wantInputErr(t, r.Err, "concurrency")
	}
	if n := mailCountOp(srv, "FindItem") + mailCountOp(srv, "FindFolder"); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
