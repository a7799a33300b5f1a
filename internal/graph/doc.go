// Package graph is the Microsoft Graph wire of the ews SDK: typed requests and responses for the mail endpoints
// of Graph v1.0 that the services use, over net/http and encoding/json (see docs/GRAPH.md for why not
// msgraph-sdk-go). It knows nothing of the public types of package ews; like internal/soap, it is no public API.
//
// One Client acts on one mailbox (/users/{mailbox}). Every request goes through Client.do, which sends the
// Prefer: IdType="ImmutableId" header (ids survive moves), authenticates with a bearer token, and retries as
// the same rules as the EWS path say: a request that only reads or sets a value is retried on throttling (429
// with Retry-After), on 503/504 and on broken connections; a request that is not idempotent (send, move, copy,
// delete, a $batch of them) is retried only when it certainly did not reach the server or the server refused it
// without acting (429, 503); otherwise its error matches ErrOutcomeUnknown.
package graph
