package ews

import (
	"errors"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

func TestOOF(t *testing.T) {
	backends(t, testOOF)
}

func testOOF(t *testing.T, srv *testserver.Server, c *Client) {
	ctx := testCtx(t)
	got, err := c.OOF().Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != OOFDisabled || got.ExternalAudience != OOFAudienceNone {
		t.Errorf("default OOF = %+v", got)
	}
	start := time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC)
	set := OOFSettings{State: OOFScheduled, ExternalAudience: OOFAudienceKnown, Start: start, End: start.Add(72 * time.Hour),
		InternalReply: "Away <b>until</b> Thursday", ExternalReply: "Away"}
	if err := c.OOF().Set(ctx, set); err != nil {
		t.Fatal(err)
	}
	want := testserver.OofSettings{State: "Scheduled", ExternalAudience: "Known", Start: start, End: start.Add(72 * time.Hour),
		InternalReply: "Away <b>until</b> Thursday", ExternalReply: "Away"}
	if o := srv.Default().Oof(); o != want {
		t.Errorf("server's OOF = %+v, want %+v", o, want)
	}
	got, err = c.OOF().Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != OOFScheduled || !got.Start.Equal(start) || !got.End.Equal(start.Add(72*time.Hour)) || got.InternalReply != set.InternalReply {
		t.Errorf("OOF read back = %+v", got)
	}
	before := wireRequests(srv)
	wantInputErr(t, c.OOF().Set(ctx, OOFSettings{State: OOFScheduled}), "OOFSettings.End")
	wantInputErr(t, c.OOF().Set(ctx, OOFSettings{State: "Maybe"}), "OOFSettings.State")
	wantInputErr(t, c.OOF().Set(ctx, OOFSettings{State: OOFEnabled, ExternalAudience: "Friends"}), "OOFSettings.ExternalAudience")
	if n := wireRequests(srv); n != before {
		t.Errorf("bad input sent %d requests", n-before)
	}

	// Enabled for all outside senders, then Disabled: each state and audience as the server keeps it.
	if err := c.OOF().Set(ctx, OOFSettings{State: OOFEnabled, ExternalAudience: OOFAudienceAll, InternalReply: "in", ExternalReply: "out"}); err != nil {
		t.Fatal(err)
	}
	if o := srv.Default().Oof(); o.State != "Enabled" || o.ExternalAudience != "All" || o.ExternalReply != "out" {
		t.Errorf("server's OOF after Enabled/All = %+v", o)
	}
	if got, err := c.OOF().Get(ctx); err != nil || got.State != OOFEnabled || got.ExternalAudience != OOFAudienceAll {
		t.Errorf("OOF read back after Enabled/All = %+v, %v", got, err)
	}
	if err := c.OOF().Set(ctx, OOFSettings{State: OOFDisabled}); err != nil {
		t.Fatal(err)
	}
	if o := srv.Default().Oof(); o.State != "Disabled" || o.ExternalAudience != "None" {
		t.Errorf("server's OOF after Disabled = %+v", o)
	}
}

// TestOOFAccessDenied: another mailbox the account has no rights on is refused by the server (EWS: the
// app-only Graph token reaches every mailbox of the tenant).
func TestOOFAccessDenied(t *testing.T) {
	srv, c := setup(t)
	ctx := testCtx(t)
	srv.AddMailbox("ceo@example.com", "")
	mc, _ := c.ForMailbox("ceo@example.com")
	if _, err := mc.OOF().Get(ctx); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("OOF of a mailbox without access: %v", err)
	}
}
