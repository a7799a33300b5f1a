package ewstest

// Request is one request the server received.
type Request struct {
	// Operation is the EWS operation ("FindItem"), empty for a request refused before it was read (401).
	Operation string
	// AuthScheme is the scheme of the request's Authorization header ("NTLM", "Negotiate", "Basic", "Bearer"),
	// empty when it had none (a connection authenticated before).
	AuthScheme string
	// User is the authenticated account, empty when authentication failed.
	User string
	// Impersonating is the mailbox acted on by impersonation, if any.
	Impersonating string
	// Version is the RequestServerVersion the client sent.
	Version string
	// Fault names the fault injected into the request, if any.
	Fault string
	// CarriedOut tells whether the server carried the request out (false for a request a fault answered first).
	CarriedOut bool
	// Body is the SOAP request.
	Body []byte
}

// Requests returns the requests the server has received, in order.
func (s *Server) Requests() []Request {
	var out []Request
	for _, r := range s.srv.Requests() {
		out = append(out, Request{Operation: r.Operation, AuthScheme: r.AuthScheme, User: r.User, Impersonating: r.Impersonating,
			Version: r.Version, Fault: r.Fault, CarriedOut: r.Operation != "" && !r.Unhandled, Body: r.Body})
	}
	return out
}

// Calls returns how many requests of an operation (e.g. "SendItem") the server carried out; requests a fault
// answered before carrying them out do not count, those it broke after carrying them out do.
func (s *Server) Calls(operation string) int { return s.srv.Handled(operation) }
