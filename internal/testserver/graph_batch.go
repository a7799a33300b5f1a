package testserver

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// batch serves POST /$batch: up to 20 requests in the JSON batch format, each answered in the batch's answer
// (200) with its own status, headers and body. Injected faults hit sub-requests as they hit requests.
func (g *graphCall) batch() (*graphAnswer, *graphError) {
	var req struct {
		Requests []struct {
			ID      string            `json:"id"`
			Method  string            `json:"method"`
			URL     string            `json:"url"`
			Body    json.RawMessage   `json:"body"`
			Headers map[string]string `json:"headers"`
		} `json:"requests"`
	}
	if err := json.Unmarshal(g.body, &req); err != nil {
		return nil, gerr(http.StatusBadRequest, "BadRequest", "Invalid batch payload format.")
	}
	if len(req.Requests) == 0 || len(req.Requests) > 20 {
		return nil, gerr(http.StatusBadRequest, "BadRequest", "Number of batch request steps exceeds the maximum value of 20.")
	}
	seen := map[string]bool{}
	out := []any{}
	for _, r := range req.Requests {
		if r.ID == "" || seen[r.ID] {
			return nil, gerr(http.StatusBadRequest, "BadRequest", "Batch request ids must be unique and not empty.")
		}
		seen[r.ID] = true
		u, err := url.Parse(r.URL)
		if err != nil || !strings.HasPrefix(r.URL, "/") {
			return nil, gerr(http.StatusBadRequest, "BadRequest", "Invalid request URL '%s'.", r.URL)
		}
		sub := &graphCall{srv: g.srv, app: g.app, email: g.email, method: strings.ToUpper(r.Method),
			path: u.EscapedPath(), query: u.Query(), body: r.Body, immutable: g.immutable}
		info := GraphRequest{Method: sub.method, RawQuery: u.RawQuery, Prefer: "", Batch: true}
		info.Path, _ = url.PathUnescape(sub.path)
		g.srv.mu.Lock()
		f := g.srv.graphFaultLocked(sub.method, info.Path)
		g.srv.mu.Unlock()
		resp := map[string]any{"id": r.ID}
		var a *graphAnswer
		var e *graphError
		if f != nil && !f.After {
			e = gerr(f.Status, "TooManyRequests", "Injected fault.")
			info.Fault = "status"
		} else {
			a, e = sub.routeIDs()
		}
		if f != nil && f.After {
			a, e = nil, gerr(f.Status, "GatewayTimeout", "Injected fault.")
			info.Fault = "status after"
		}
		headers := map[string]string{}
		if f != nil && f.RetryAfter != "" {
			headers["Retry-After"] = f.RetryAfter
		}
		if e != nil {
			resp["status"] = e.status
			headers["Content-Type"] = "application/json"
			resp["body"] = errorJSON(e)
		} else {
			resp["status"] = a.status
			if a.json != nil {
				headers["Content-Type"] = "application/json"
				resp["body"] = a.json
			}
		}
		resp["headers"] = headers
		info.Status = resp["status"].(int)
		g.srv.recordGraph(info)
		if info.Fault == "" {
			g.srv.captureGraph(GraphExchange{Method: sub.method, Path: u.EscapedPath(), Query: u.RawQuery, Status: info.Status, Batch: true},
				r.Body, answerJSON(a, e))
		}
		out = append(out, resp)
	}
	return &graphAnswer{status: http.StatusOK, json: map[string]any{"responses": out}}, nil
}
