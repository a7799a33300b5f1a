package ews

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
)

// A fresh client's first request that is sent once (Send) on Exchange 2007 and 2010: the client does not know the
// version, and the server refuses the default one (Exchange2013_SP1) and the next ones down. Those refusals are
// now drawn by an idempotent GetFolder sent first, so a connection reset while the version is being learnt is
// retried safely, and the message goes out once; before, the reset struck a refused CreateItem and Send reported
// ErrOutcomeUnknown for a message that had not been sent.
func TestSendLearnsVersionFirstSoAResetIsRetried(t *testing.T) {
	for _, p := range []testserver.Personality{testserver.Exchange2007SP1, testserver.Exchange2010SP2} {
		t.Run(p.Name(), func(t *testing.T) {
			// The second authenticated request is reset after the server handled it: one the server refuses for
			// its RequestServerVersion, as the client steps down.
			srv := testserver.New(t, testserver.WithPersonality(p), testserver.WithFaults(testserver.ResetAfter().Every(2).Times(1)))
			bob := srv.AddMailbox("bob@example.com", "Bob")
			c := newTestClient(t, srv, nil)
			sent, err := c.Mail().Send(testCtx(t), Draft{To: []string{"bob@example.com"}, Subject: "learnt first", Body: "b", NoCopy: true})
			if err != nil {
				t.Fatalf("Send: %v (want the reset during version learning retried, the message sent once)", err)
			}
			if errors.Is(err, ErrOutcomeUnknown) {
				t.Fatal("Send reported ErrOutcomeUnknown")
			}
			in := bob.Items("inbox")
			if len(in) != 1 || in[0].InternetMessageID != sent.InternetMessageID {
				t.Fatalf("bob's inbox = %+v, want the message once", in)
			}
			// The sequence: GetFolder refused for each version above the server's (one of them reset and sent
			// again), the GetFolder the server takes, then one CreateItem with the server's version.
			var seq []string
			resetOn := ""
			for _, r := range srv.Requests() {
				if r.Operation == "" {
					continue
				}
				seq = append(seq, fmt.Sprintf("%s(%s)", r.Operation, r.Version))
				if r.Fault != "" {
					resetOn = r.Operation
				}
			}
			refusals := negotiationRefusals(srv)
			want := []string{"GetFolder(Exchange2013_SP1)", "GetFolder(Exchange2013)", "GetFolder(Exchange2013)"}
			if p.Name() == "2007sp1" {
				want = append(want, "GetFolder(Exchange2010_SP2)", "GetFolder(Exchange2010_SP1)", "GetFolder(Exchange2010)",
					"GetFolder(Exchange2007_SP1)", "CreateItem(Exchange2007_SP1)")
			} else {
				want = append(want, "GetFolder(Exchange2010_SP2)", "CreateItem(Exchange2010_SP2)")
			}
			if !slices.Equal(seq, want) || resetOn != "GetFolder" {
				t.Errorf("requests = %v (reset on %q), want %v (reset on a GetFolder), %d refusals", seq, resetOn, want, refusals)
			}
			if v, known := c.currentVersion(); !known || !p.Accepts(v) {
				t.Errorf("version after Send = %s (known %v)", v, known)
			}
		})
	}
}
