package graph

import (
	"errors"
	"net/http"

	"github.com/ewsgo/ews/internal/retry"
)

// judge classifies the error of one attempt, with the classes the EWS path uses (internal/retry).
func judge(err error) retry.Verdict {
	var e *Error
	var rq *RequestError
	switch {
	case errors.As(err, &e):
		v := retry.Status(e.StatusCode, e.RetryAfter)
		if e.StatusCode == http.StatusGatewayTimeout || e.StatusCode == http.StatusBadGateway {
			// Graph may ask for a back-off on a gateway's error too.
			v.Wait = e.RetryAfter
		}
		return v
	case errors.As(err, &rq):
		return retry.Transport(rq.Err, rq.Sent)
	}
	return retry.Verdict{}
}
