package soap

import (
	"context"
	"errors"
	"reflect"
)

// TraceResult is what Client.Trace learns of a finished request.
type TraceResult struct {
	Operation string
	// StatusCode is the HTTP status of the final response, 0 when none came.
	StatusCode int
	// ResponseCode is the EWS ResponseCode: the fault's, else that of the first response message; "" when the
	// server gave no EWS answer.
	ResponseCode string
	// Server is the server's version, when it sent one.
	Server *ServerVersionInfo
	// Err is the request's error (nil when the server answered with an EWS envelope, errors of single
	// response messages included).
	Err error
}

type statusKey struct{}

func withStatus(ctx context.Context, p *int) context.Context {
	return context.WithValue(ctx, statusKey{}, p)
}

func noteStatus(ctx context.Context, code int) {
	if p, ok := ctx.Value(statusKey{}).(*int); ok {
		*p = code
	}
}

func traceResult(op string, status int, svi *ServerVersionInfo, out any, err error) TraceResult {
	res := TraceResult{Operation: op, StatusCode: status, Server: svi, Err: err}
	var f *Fault
	switch {
	case errors.As(err, &f):
		res.ResponseCode = f.ResponseCode()
		if res.ResponseCode == "" {
			res.ResponseCode = f.Code
		}
	case err == nil && out != nil && out != Discard:
		res.ResponseCode = firstResponseCode(reflect.ValueOf(out), 4)
	}
	return res
}

var responseMessageType = reflect.TypeOf(ResponseMessage{})

// firstResponseCode finds the first ResponseMessage in a decoded response (depth bounds the search).
func firstResponseCode(v reflect.Value, depth int) string {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	if depth < 0 {
		return ""
	}
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == responseMessageType {
			code := v.Interface().(ResponseMessage).ResponseCode
			if code == "" {
				code = "NoError"
			}
			return code
		}
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if c := firstResponseCode(v.Field(i), depth-1); c != "" {
				return c
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Len() > 0 {
			return firstResponseCode(v.Index(0), depth-1)
		}
	}
	return ""
}
