package ews

import (
	"errors"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/testserver"
)

func TestOOF(t *testing.T) {
	srv, c := setup(t)
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
	before := len(mailOps(srv))
	wantInputErr(t, c.OOF().Set(ctx, OOFSettings{State: OOFScheduled}), "OOFSettings.End")
	wantInputErr(t, c.OOF().Set(ctx, OOFSettings{State: "Maybe"}), "OOFSettings.State")
	noRequests(t, srv, before)

	// Another mailbox without access: the server's error.
	srv.AddMailbox("ceo@example.com", "")
	mc, _ := c.ForMailbox("ceo@example.com")
	if _, err := mc.OOF().Get(ctx); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("OOF of a mailbox without access: %v", err)
	}
}
