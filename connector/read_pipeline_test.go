package connector_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/testserver"
)

// seedRead fills the Inbox with n messages, every fifth read, with bodies of different sizes.
func seedRead(srv *testserver.Server, n int) {
	for i := range n {
		addMail(srv, "inbox", fmt.Sprintf("m%03d", i), fmt.Sprintf("s%d@example.com", i%7), i%5 == 4, t0.Add(time.Duration(i)*time.Minute),
			func(it *testserver.Item) {
				it.Body = strings.Repeat(fmt.Sprintf("line %d of m%03d. ", i%13, i), 1+i%40)
			})
	}
}

// The read operations return with their pipeline exactly what they returned with one request at a time (the
// same JSON, over real HTTP, from two servers holding the same mailbox), leave the server in the same state,
// and ask for at most ReadBatchSize messages per GetItem, several at once.
func TestReadOperationsPipelined(t *testing.T) {
	const n = 430
	dir := t.TempDir()
	cases := []struct{ op, params string }{
		{"search_query", `{}`},
		{"get_email", `{"mark_as_read": false}`},
		{"get_email", `{}`},
		{"poll", `{"state_file": "%s", "include_existing": true}`},
	}
	for i, tc := range cases {
		t.Run(tc.op+tc.params, func(t *testing.T) {
			var out [2][]byte
			var srvs [2]*testserver.Server
			for k, pipelined := range []bool{false, true} {
				// Each GetItem takes 40 ms, so that the requests of the pipeline overlap however fast the machine.
				srv, cfg := setup(t, testserver.WithFaults(testserver.Delay(40*time.Millisecond).For("GetItem")))
				seedRead(srv, n)
				srvs[k] = srv
				params := tc.params
				if tc.op == "poll" {
					params = fmt.Sprintf(params, filepath.Join(dir, fmt.Sprintf("state%d-%d", i, k)))
				}
				restore := func() {}
				if !pipelined {
					restore = connector.SetReadPipeline(1, 100) // as before the pipeline: one request at a time
				}
				r, b, err := execJSON(t, cfg, tc.op, params)
				restore()
				if err != nil || r.Status != "Success" {
					t.Fatalf("%s %s: %v %.300s", tc.op, params, err, b)
				}
				out[k] = r.Data
			}
			if len(out[0]) < 1000 || !bytes.Equal(out[0], out[1]) {
				t.Fatalf("%s: the pipelined result (%d bytes) differs from the one request at a time (%d bytes)", tc.op, len(out[1]), len(out[0]))
			}
			for k, srv := range srvs {
				read := 0
				for _, it := range srv.Default().Items("inbox") {
					if it.IsRead {
						read++
					}
				}
				if want := map[bool]int{true: n, false: n / 5}[tc.params == `{}` && tc.op == "get_email"]; read != want {
					t.Errorf("server %d: %d messages read after %s, want %d", k, read, tc.op, want)
				}
			}
			gets := 0
			for _, r := range srvs[1].Requests() {
				if r.Operation == "GetItem" {
					gets++
					if c := strings.Count(string(r.Body), "<t:ItemId "); c > connector.ReadBatchSize {
						t.Fatalf("a GetItem asked for %d messages, want at most ReadBatchSize (%d)", c, connector.ReadBatchSize)
					}
				}
			}
			if gets < 2 || srvs[0].MaxInFlight() != 1 || srvs[1].MaxInFlight() < 2 {
				t.Errorf("%d GetItem requests; at most %d requests in flight one at a time, %d pipelined; want 1 and 2 or more",
					gets, srvs[0].MaxInFlight(), srvs[1].MaxInFlight())
			}
		})
	}
}

// A read operation cancelled, or past its deadline, while a request is in flight fails with code Cancelled or
// Timeout.
func TestReadOperationsCancelled(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		op, params, held string
	}{
		{"get_email", `{}`, "GetItem"},
		{"get_email", `{"mark_as_read": false}`, "GetItem"},
		{"poll", `{"state_file": "%s", "include_existing": true}`, "GetItem"},
		{"poll", `{"state_file": "%s"}`, "SyncFolderItems"},
		{"get_events", `{"from_time": "2024-05-01 00:00", "to_time": "2024-05-30 00:00"}`, "FindItem"},
		{"get_contacts", `{}`, "FindItem"},
	}
	for i, tc := range cases {
		for _, timeout := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s%s/timeout=%v", tc.op, tc.params, timeout), func(t *testing.T) {
				srv, cfg := setup(t)
				seedRead(srv, 120)
				srv.AddFault(testserver.Delay(time.Minute).For(tc.held))
				params := tc.params
				if tc.op == "poll" {
					params = fmt.Sprintf(params, filepath.Join(dir, fmt.Sprintf("state%d-%v", i, timeout)))
				}
				ctx, cancel := context.WithCancel(context.Background())
				if timeout {
					ctx, cancel = context.WithTimeout(context.Background(), 2*time.Second)
				}
				defer cancel()
				var held atomic.Bool
				go func() { // cancels once a request is held, or notes that one is, until the deadline
					for ctx.Err() == nil {
						if srv.Delayed() > 0 {
							held.Store(true)
							if !timeout {
								cancel()
							}
							return
						}
						time.Sleep(5 * time.Millisecond)
					}
				}()
				start := time.Now()
				_, err := connector.Execute(ctx, cfg, tc.op, []byte(params))
				want := map[bool]string{false: connector.CodeCancelled, true: connector.CodeTimeout}[timeout]
				if ce := connector.ErrorOf(err); ce == nil || ce.Code != want {
					t.Errorf("%s: %v, want code %s", tc.op, err, want)
				}
				if !held.Load() {
					t.Errorf("no %s was held: the test does not interrupt a request", tc.held)
				}
				if d := time.Since(start); d > 20*time.Second {
					t.Errorf("the operation took %v to stop", d)
				}
			})
		}
	}
}
