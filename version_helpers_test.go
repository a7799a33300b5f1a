package ews

import (
	"fmt"
	"testing"

	"github.com/ewsgo/ews/internal/testserver"
)

// serverVersionHeader returns the ServerVersionInfo SOAP header the server's personality writes (Exchange 2019's
// without one), for hooks that answer in the server's place: such an answer must not tell the client another
// version than the server's own.
func serverVersionHeader(srv *testserver.Server) string {
	v := testserver.Exchange2019.ServerVersion()
	if p, ok := srv.Personality(); ok {
		v = p.ServerVersion()
	}
	attr := ""
	if v.Version != "" {
		attr = fmt.Sprintf(` Version="%s"`, v.Version)
	}
	return fmt.Sprintf(`<h:ServerVersionInfo MajorVersion="%d" MinorVersion="%d" MajorBuildNumber="%d" MinorBuildNumber="%d"%s xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/>`,
		v.MajorVersion, v.MinorVersion, v.MajorBuildNumber, v.MinorBuildNumber, attr)
}

// serverPersonality returns the server's Exchange personality (Exchange 2019 for a server without one).
func serverPersonality(srv *testserver.Server) testserver.Personality {
	if p, ok := srv.Personality(); ok {
		return p
	}
	return testserver.Exchange2019
}

// refusedForVersion reports whether the server refused a request for its RequestServerVersion alone (a value its
// release does not know): such a request changed nothing, and before the client has learnt the server's version
// the first request to an Exchange older than 2013 SP1 draws one or more of them (negotiation). Helpers that
// count the operations a test caused leave them out; negotiationRefusals counts them.
func refusedForVersion(srv *testserver.Server, r testserver.RequestInfo) bool {
	p, ok := srv.Personality()
	return ok && r.Version != "" && !p.Accepts(r.Version)
}

// negotiationRefusals is how many requests a personality refuses before a client with the default Config has
// learnt its version: Exchange2013_SP1 is sent first, and the client steps down Exchange2013, Exchange2010_SP2,
// Exchange2010_SP1, Exchange2010 to Exchange2007_SP1 on the refusals that carry no ServerVersionInfo.
func negotiationRefusals(srv *testserver.Server) int {
	switch serverPersonality(srv).Name() {
	case "2007sp1":
		return 5 // Exchange2013_SP1, 2013, 2010_SP2, 2010_SP1, 2010
	case "2010sp2":
		return 2 // Exchange2013_SP1, 2013
	case "2013":
		return 1 // Exchange2013_SP1
	}
	return 0
}

// suppressesReadReceipts reports whether the server's release takes SuppressReadReceipts (Exchange 2013 SP1 and
// later); older ones send the read receipt when a message that asks for one is marked read or deleted unread.
func suppressesReadReceipts(srv *testserver.Server) bool {
	return serverPersonality(srv).Accepts("Exchange2013_SP1")
}

// settleVersion lets c learn the version of a server older than the client's default (Exchange 2013 SP1) before
// a test injects faults meant for an operation: without it the fault would strike the first attempt, which such
// a server refuses for its RequestServerVersion (negotiation), and not the operation the test is about.
func settleVersion(t *testing.T, srv *testserver.Server, c *Client) {
	t.Helper()
	if negotiationRefusals(srv) == 0 {
		return
	}
	if err := c.ensureVersion(testCtx(t)); err != nil {
		t.Fatalf("learning the server version: %v", err)
	}
	if v, known := c.currentVersion(); !known || !serverPersonality(srv).Accepts(v) {
		t.Fatalf("after negotiation the client sends %s (known: %v), which %s refuses", v, known, serverPersonality(srv))
	}
}

// archiveRef refers to the mailbox's Archive folder as the server's release allows: by its distinguished name
// from Exchange 2013 on (older schemas lack "archive"), by its folder id before.
func archiveRef(srv *testserver.Server) FolderRef {
	if serverPersonality(srv).Accepts("Exchange2013") {
		return Archive
	}
	return FolderByID(srv.Default().FolderID("archive"))
}
