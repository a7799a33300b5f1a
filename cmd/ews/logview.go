package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// logView turns the SDK's debug records (ews.Config.Logger, which redacts every credential before a record
// reaches it) into lines for people on the console, and feeds retries and back-offs to the progress status.
//
//	--verbose: ews: FindItem: HTTP 200, 12.3 kB in 41 ms
//	           ews: retry: server busy, waiting 5 s (attempt 2/8): ErrorServerBusy: ...
//	--trace:   the same, plus each request and response body and each HTTP leg of the authentication handshake
type logView struct {
	c              *console
	prog           *progress // nil without progress
	verbose, trace bool
	maxAttempts    int
}

// Enabled implements slog.Handler.
func (v *logView) Enabled(_ context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn || v.verbose || v.trace || v.prog != nil
}

// WithAttrs implements slog.Handler; the SDK's records carry their attributes themselves.
func (v *logView) WithAttrs([]slog.Attr) slog.Handler { return v }

// WithGroup implements slog.Handler.
func (v *logView) WithGroup(string) slog.Handler { return v }

// Handle implements slog.Handler.
func (v *logView) Handle(_ context.Context, r slog.Record) error {
	a := map[string]slog.Value{}
	r.Attrs(func(x slog.Attr) bool {
		a[x.Key] = x.Value.Resolve()
		return true
	})
	str := func(k string) string {
		if x, ok := a[k]; ok {
			return x.String()
		}
		return ""
	}
	dur := func(k string) time.Duration {
		if x, ok := a[k]; ok && x.Kind() == slog.KindDuration {
			return x.Duration()
		}
		return 0
	}
	num := func(k string) int64 {
		if x, ok := a[k]; ok && x.Kind() == slog.KindInt64 {
			return x.Int64()
		}
		return 0
	}
	switch msg := r.Message; {
	case msg == "ews: retrying" || strings.HasPrefix(msg, "ews: waiting for the back-off"):
		wait, attempt := dur("wait"), num("attempt")
		what := fmt.Sprintf("%s, waiting %s", retryReason(str("error")), seconds(wait))
		if attempt > 0 {
			what += fmt.Sprintf(" (attempt %d/%d)", attempt+1, v.maxAttempts)
		} else {
			what += " (the back-off the server asked for)"
		}
		if v.prog != nil {
			v.prog.retry(what, wait)
		}
		if v.verbose || v.trace {
			v.c.logLine("ews: retry: " + what + ": " + strings.TrimPrefix(str("error"), "ews: "))
		}
	case !v.verbose && !v.trace:
		// The command prints its own warnings (TLS verification off) without --verbose.
	case msg == "ews response":
		line := fmt.Sprintf("ews: %s: HTTP %d, %s in %s", str("operation"), num("status"), size(num("bytes")), millis(dur("elapsed")))
		if e := str("error"); e != "" {
			line += ": " + e
		}
		v.c.logLine(line)
		if body := str("body"); body != "" && v.trace {
			v.c.logLine("ews: < " + str("operation") + " response body:\n" + body)
		}
	case msg == "ews request body":
		if v.trace {
			v.c.logLine("ews: > " + str("operation") + " request body:\n" + str("body"))
		}
	case msg == "ews request failed":
		v.c.logLine(fmt.Sprintf("ews: %s: failed after %s: %s", str("operation"), millis(dur("elapsed")), str("error")))
	case msg == "ews http round trip":
		if !v.trace {
			return nil
		}
		line := fmt.Sprintf("ews: http %s %s", str("method"), str("url"))
		if s := str("auth_scheme"); s != "" {
			line += " (" + s + ")"
		}
		if e := str("error"); e != "" {
			line += ": " + e
		} else {
			line += fmt.Sprintf(": %d", num("status"))
			if s := str("www-authenticate"); s != "" {
				line += " (offers " + s + ")"
			}
		}
		v.c.logLine(line + " in " + millis(dur("elapsed")))
	default:
		v.c.logLine(plainRecord(r.Message, a))
	}
	return nil
}

// plainRecord writes any other record: its message and attributes.
func plainRecord(msg string, a map[string]slog.Value) string {
	if !strings.HasPrefix(msg, "ews") {
		msg = "ews: " + msg
	}
	var b strings.Builder
	b.WriteString(msg)
	for k, v := range a {
		fmt.Fprintf(&b, " %s=%q", k, v.String())
	}
	return b.String()
}

// retryReason says why a request is retried, in a few words, from its error.
func retryReason(err string) string {
	switch e := strings.ToLower(err); {
	case strings.Contains(e, "errorserverbusy"), strings.Contains(e, "http 503"), strings.Contains(e, "http 429"):
		return "server busy"
	case strings.Contains(e, "connection refused"):
		return "connection refused"
	case strings.Contains(e, "no such host"):
		return "host not found"
	case strings.Contains(e, "timeout"), strings.Contains(e, "deadline exceeded"):
		return "request timed out"
	case strings.Contains(e, "connection reset"), strings.Contains(e, "broken pipe"), strings.Contains(e, "eof"):
		return "connection broken"
	case strings.Contains(e, "transient"), strings.Contains(e, "storeunavailable"):
		return "server error (transient)"
	case err == "":
		return "retrying"
	}
	err = strings.TrimPrefix(err, "ews: ")
	if len(err) > 60 {
		err = err[:57] + "..."
	}
	return err
}

// size writes a byte count for people.
func size(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// millis writes a request's duration: "41 ms", "1.2 s".
func millis(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return seconds(d)
}
