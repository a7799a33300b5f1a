package connector

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/ewsgo/ews"
)

// Query is a search query: exchangelib dict text ("{'subject__icontains': 'invoice', 'is_read': False}"),
// keyword text ("subject__icontains='invoice', is_read=False"), or a JSON object, as ews.ParseQuery reads them.
type Query struct {
	// Text is the query as given.
	Text string
	// Q is the parsed query.
	Q ews.Q
}

// parseQueryParam reads a query given as text or as a JSON object.
func parseQueryParam(raw json.RawMessage) (Query, error) {
	var text string
	switch c := bytes.TrimSpace(raw); {
	case len(c) > 0 && c[0] == '{':
		text = string(c)
	case json.Unmarshal(c, &text) == nil:
	default:
		return Query{}, fmt.Errorf("must be query text or a JSON object, not %s", jsonKind(raw))
	}
	q, err := ews.ParseQuery(text)
	if err != nil {
		return Query{}, err
	}
	return Query{Text: text, Q: q}, nil
}

// Attachment is a file to attach: a file on disk (Path) or content given inline (Name and Content, base64 in
// JSON).
type Attachment struct {
	// Name is the file name the recipients see; it defaults to the base name of Path.
	Name string `json:"name,omitempty"`
	// Content is the file's content (base64 in JSON).
	Content []byte `json:"content,omitempty"`
	// ContentType is the MIME type; it defaults to one guessed from the name.
	ContentType string `json:"content_type,omitempty"`
	// Path is a file to read the content from.
	Path string `json:"path,omitempty"`
}

// parseAttachments reads file paths (comma-separated text or a JSON list of strings) or objects
// {"name": ..., "content": base64} (one, or a list), mixed as needed.
func parseAttachments(raw json.RawMessage) ([]Attachment, error) {
	c := bytes.TrimSpace(raw)
	var elems []json.RawMessage
	switch {
	case len(c) > 0 && c[0] == '[':
		if err := json.Unmarshal(c, &elems); err != nil {
			return nil, err
		}
	case len(c) > 0 && c[0] == '{':
		elems = []json.RawMessage{c}
	default:
		var s string
		if err := json.Unmarshal(c, &s); err != nil {
			return nil, fmt.Errorf("must be file paths or objects with name and content, not %s", jsonKind(raw))
		}
		for _, p := range splitList(s) {
			elems = append(elems, json.RawMessage(strconv.Quote(p)))
		}
	}
	var out []Attachment
	for i, e := range elems {
		var path string
		if json.Unmarshal(e, &path) == nil {
			if path = strings.TrimSpace(path); path != "" {
				out = append(out, Attachment{Path: path})
			}
			continue
		}
		var a Attachment
		dec := json.NewDecoder(bytes.NewReader(e))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&a); err != nil {
			return nil, fmt.Errorf("[%d]: %v (an attachment is a file path or {\"name\": ..., \"content\": base64})", i, strings.TrimPrefix(err.Error(), "json: "))
		}
		if a.Path == "" && (a.Name == "" || a.Content == nil) {
			return nil, fmt.Errorf("[%d]: an attachment object needs name and content (base64), or path", i)
		}
		out = append(out, a)
	}
	return out, nil
}

// showAsChoices are the connector's free/busy values and the SDK's.
var showAsChoices = map[string]ews.ShowAs{
	"Free": ews.ShowAsFree, "Working elsewhere": ews.ShowAsWorkingElsewhere, "Tentative": ews.ShowAsTentative,
	"Busy": ews.ShowAsBusy, "OOF": ews.ShowAsOOF,
}

// showAsText returns the connector's name of a free/busy state.
func showAsText(s ews.ShowAs) string {
	switch s {
	case ews.ShowAsWorkingElsewhere:
		return "Working elsewhere"
	case ews.ShowAsNoData:
		return "No data"
	}
	return string(s)
}

// ReminderChoices are the reminder values the connector offers, as Outlook does. Any "<number> <unit>" with the
// units minute, hour, day and week (singular or plural) is accepted, and "None" turns the reminder off.
var ReminderChoices = []string{"None", "0 minutes", "5 minutes", "10 minutes", "15 minutes", "30 minutes", "1 hour",
	"2 hours", "3 hours", "4 hours", "5 hours", "6 hours", "7 hours", "8 hours", "9 hours", "10 hours", "11 hours",
	"0.5 days", "18 hours", "1 day", "2 days", "3 days", "4 days", "1 week", "2 week"}

// parseReminder reads a reminder: "None" (off) or "<number> <unit>"; a bare number is minutes.
func parseReminder(s string) (d time.Duration, off bool, err error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "none" || s == "off" {
		return 0, true, nil
	}
	num, unit, _ := strings.Cut(s, " ")
	if unit == "" {
		i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
		if i > 0 {
			num, unit = s[:i], s[i:]
		} else {
			unit = "minutes"
		}
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || n < 0 || n > 1e6 {
		return 0, false, fmt.Errorf("%q is not a reminder such as \"15 minutes\", \"1 hour\", \"2 days\" or \"None\"", s)
	}
	var per time.Duration
	switch strings.TrimSuffix(strings.TrimSpace(unit), "s") {
	case "minute", "min":
		per = time.Minute
	case "hour", "h", "hr":
		per = time.Hour
	case "day", "d":
		per = 24 * time.Hour
	case "week", "w", "wk":
		per = 7 * 24 * time.Hour
	default:
		return 0, false, fmt.Errorf("%q is not a reminder such as \"15 minutes\", \"1 hour\", \"2 days\" or \"None\"", s)
	}
	return time.Duration(n * float64(per)).Round(time.Minute), false, nil
}

// isHTML reports whether a body is HTML: it starts with a tag.
func isHTML(body string) bool {
	b := strings.TrimSpace(body)
	if !strings.HasPrefix(b, "<") || len(b) < 3 {
		return false
	}
	c := b[1]
	return c == '!' || c == '/' || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// checkAddresses checks a list of addresses ("bob@example.com" or "Bob <bob@example.com>").
func checkAddresses(param string, addrs []string) error {
	for i, a := range addrs {
		if _, err := mail.ParseAddress(a); err != nil {
			return paramErr(param, "parameter %q: entry %d, %q, is not an email address", param, i+1, a)
		}
	}
	return nil
}

var (
	errNotRegular = errors.New("not a regular file")
	errNoName     = errors.New("no name")
)
