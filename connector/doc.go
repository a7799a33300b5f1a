// Package connector is the SOAR connector layer of the ews SDK: the operations of a SOAR "Exchange connector"
// with JSON parameters and JSON results, so that SOAR tools embed the SDK with one call and existing playbooks
// map one to one. The `ews` command line (cmd/ews) is a thin shell around it.
//
// A SOAR tool stores a Config (snake_case JSON) and calls Execute with an operation name and its parameters:
//
//	cfg, err := connector.ParseConfig(configJSON)
//	res, err := connector.Execute(ctx, cfg, "get_events", json.RawMessage(`{"subject": "review"}`))
//	out, _ := json.Marshal(res) // {"status":"Success","data":[{"id":"...","subject":"Incident review",...}]}
//
// Failures are results too: {"status": "Error", "code": "ErrorItemNotFound", "message": "..."}, with the EWS
// ResponseCode of server errors and the connector's codes (InvalidParameter, Unauthorized, ...) otherwise; a
// bad parameter is reported, naming it, before any request is sent.
//
// Parameters are lenient where SOAR forms are: lists (recipients, attendees, categories) are comma-separated text
// or JSON lists; dates are RFC 3339 or "2006-01-02 15:04" (in Config.Timezone, UTC by default); booleans may be
// "true"/"false" text; null and "" mean "not given". Each operation also has a typed Go function (CreateEvent,
// GetEvents, ...) over an *ews.Client made with NewClient.
//
// The connector stays thin: the work is done by the SDK's services, and the connector only maps parameters and
// results.
package connector
