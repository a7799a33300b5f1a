package ewstest

import "github.com/ewsgo/ews/internal/testserver"

// AutodiscoverURL returns the server's Autodiscover endpoint, for ews.Config.AutodiscoverURL (the server's host
// is not a mail domain, so a client cannot find it by probing).
func (s *Server) AutodiscoverURL() string { return s.srv.AutodiscoverURL() }

// RedirectAutodiscover makes Autodiscover answer for address (every address when empty) with a redirect to
// url, as a misconfigured or hijacked Autodiscover would.
func (s *Server) RedirectAutodiscover(address, url string) {
	s.srv.SetAutodiscover(address, testserver.AutodiscoverAnswer{RedirectURL: url})
}
