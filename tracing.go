package ews

import (
	"context"

	"github.com/ewsgo/ews/internal/soap"
)

// Tracer is told of every request a client sends, EWS or Graph (retries are requests of their own), so that a
// caller can record a span per operation without the SDK depending on a tracing library. An OpenTelemetry
// adapter is a few lines:
//
//	type otelTracer struct{ t trace.Tracer }
//
//	func (o otelTracer) StartRequest(ctx context.Context, op string) (context.Context, func(ews.RequestTrace)) {
//		ctx, span := o.t.Start(ctx, "EWS "+op, trace.WithSpanKind(trace.SpanKindClient))
//		return ctx, func(r ews.RequestTrace) {
//			span.SetAttributes(attribute.String("ews.operation", r.Operation),
//				attribute.String("ews.response_code", r.ResponseCode),
//				attribute.String("ews.server_version", r.ServerVersion),
//				attribute.Int("http.response.status_code", r.StatusCode))
//			if r.Err != nil {
//				span.RecordError(r.Err)
//				span.SetStatus(codes.Error, r.Err.Error())
//			}
//			span.End()
//		}
//	}
type Tracer interface {
	// StartRequest is called as a request of operation op starts: the EWS operation ("FindItem"), or over
	// Graph the method and the route template, without ids, addresses or tokens ("GET
	// /users/{id}/mailFolders/{id}/messages", "PUT (upload session)" for a chunk of a large attachment). The
	// context it returns
	// carries the request, with every HTTP round trip of its authentication (so an instrumented
	// Config.Transport sees the span as parent); end is called once when the request has finished.
	StartRequest(ctx context.Context, op string) (_ context.Context, end func(RequestTrace))
}

// RequestTrace describes a finished request.
type RequestTrace struct {
	// Operation is the EWS operation, e.g. "FindItem", or the Graph request's method and route template, e.g.
	// "POST /users/{id}/messages/{id}/move" (the op StartRequest was given).
	Operation string
	// StatusCode is the HTTP status of the response; 0 when none came.
	StatusCode int
	// ResponseCode is the EWS ResponseCode of a SOAP fault, else of the first response message ("NoError",
	// "ErrorItemNotFound", ...); empty when the server gave no EWS answer. Over Graph it is the code of Graph's
	// error object ("ErrorItemNotFound", "TooManyRequests"), empty for a success.
	ResponseCode string
	// ServerVersion is the server's build ("15.2.1118.7") when it said it (never over Graph).
	ServerVersion string
	// Err is the request's failure (a transport error, an HTTP error, a fault, an authentication error), nil
	// when the server answered with an EWS envelope; over Graph, nil for a 2xx answer. Over Graph it passes the
	// client's secret scrubber.
	Err error
}

func traceHook(t Tracer) func(context.Context, string) (context.Context, func(soap.TraceResult)) {
	if t == nil {
		return nil
	}
	return func(ctx context.Context, op string) (context.Context, func(soap.TraceResult)) {
		ctx, end := t.StartRequest(ctx, op)
		return ctx, func(r soap.TraceResult) {
			rt := RequestTrace{Operation: r.Operation, StatusCode: r.StatusCode, ResponseCode: r.ResponseCode, Err: r.Err}
			if v := r.Server; v != nil {
				rt.ServerVersion = ServerVersion{Major: v.MajorVersion, Minor: v.MinorVersion, Build: v.MajorBuildNumber, Revision: v.MinorBuildNumber}.String()
			}
			if end != nil {
				end(rt)
			}
		}
	}
}

// graphTraceHook adapts t to the Graph wire's per-attempt trace hook.
func (c *Client) graphTraceHook(t Tracer) func(context.Context, string) (context.Context, func(int, string, error)) {
	if t == nil {
		return nil
	}
	return func(ctx context.Context, op string) (context.Context, func(int, string, error)) {
		tctx, end := t.StartRequest(ctx, op)
		return tctx, func(status int, code string, err error) {
			if end != nil {
				end(RequestTrace{Operation: op, StatusCode: status, ResponseCode: code, Err: c.scrubError(err)})
			}
		}
	}
}
