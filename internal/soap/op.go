package soap

// Op names an EWS operation and its retry class. Every request struct of this package declares its Op, the
// response it gets back and how many response messages a complete answer holds (Request); the client's one
// function that runs operations reads nothing else about them.
type Op struct {
	// Name is the operation's name in messages.xsd, e.g. "MoveItem". Errors and logs carry it.
	Name string
	// Idempotent reports that the request may be sent again after it could have reached the server: sending it
	// twice has the effect of sending it once (it reads, or sets a value). A request that is not idempotent
	// (send, create, move, copy, delete) is sent again only when it certainly did not reach the server, or the
	// server refused it without acting.
	Idempotent bool
}

// Operation is a request struct of this package: an element of soap:Body that names its operation.
type Operation interface {
	// Op names the operation and its retry class.
	Op() Op
}

// Request is the request struct of an operation whose response body decodes into R.
type Request[R any] interface {
	Operation
	// Messages is the number of response messages a complete answer to the request holds (one per item, folder
	// or name asked for).
	Messages() int
	// NewResponse returns an empty response of the operation.
	NewResponse() *R
}

// Response is a decoded response body: its response messages, in order.
type Response interface {
	// Len is the number of response messages.
	Len() int
	// Result returns the i-th response message.
	Result(i int) Result
}

// Result is one response message of a response: Err is nil when it succeeded (see ResponseMessage.Err), and a
// *ResponseError otherwise. Response messages whose operation reads a code differently (ResolveNames) say so
// in their own Err.
type Result interface {
	Err() error
}
