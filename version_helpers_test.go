package ews

import (
	"fmt"

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
