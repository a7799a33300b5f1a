package testserver

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// errUnsupportedPath is returned for a restriction on a property the server cannot filter on.
type restrictionError struct{ code, msg string }

func (e *restrictionError) Error() string { return e.msg }

func errorCodeOf(err error) string {
	var re *restrictionError
	if errors.As(err, &re) {
		return re.code
	}
	return "ErrorInvalidRestriction"
}

// evalRestriction evaluates a search expression over an item. This minimal version handles the common string,
// boolean and date fields; the query work replaces it with the full evaluator.
func evalRestriction(n *node, it *Item, loc *time.Location) (bool, error) {
	var err error
	get := func(uri string) string {
		switch uri {
		case "item:Subject":
			return it.Subject
		case "item:Body":
			return it.Body
		case "message:IsRead":
			return strconv.FormatBool(it.IsRead)
		case "message:From", "message:Sender":
			return it.From.Email
		case "message:InternetMessageId":
			return it.InternetMessageID
		case "item:DateTimeReceived":
			return it.DateTimeReceived.UTC().Format(time.RFC3339)
		}
		if err == nil {
			err = &restrictionError{"ErrorUnsupportedPathForQuery", "The property " + uri + " can not be used in a restriction."}
		}
		return ""
	}
	ok := evalStrings(n, get)
	_ = strings.TrimSpace
	return ok, err
}
