package connector

import (
	"encoding/base64"
	"strings"
	"unicode"

	"github.com/ewsgo/ews"
)

// checkMessageRef refuses a message_id that is neither an ItemId nor an Internet Message-ID, before any request
// (the folder parameters of move_email and delete_email are looked up on the server).
func checkMessageRef(param, ref string) error {
	t := strings.TrimSpace(ref)
	switch {
	case t == "":
		return paramErr(param, "parameter %q is required", param)
	case len(t) > ews.MaxRefLength:
		return paramErr(param, "parameter %q is %d bytes long; an ItemId or Internet Message-ID has at most %d", param, len(t), ews.MaxRefLength)
	case strings.Contains(t, "@") || strings.HasPrefix(t, "<"):
		inner := strings.TrimSuffix(strings.TrimPrefix(t, "<"), ">")
		at := strings.LastIndexByte(inner, '@')
		if i := strings.IndexFunc(inner, unicode.IsControl); i >= 0 {
			r := []rune(inner[i:])[0]
			return paramErr(param, "parameter %q contains a control character %U at byte %d, which XML cannot carry", param, r, i+len(t)-len(strings.TrimPrefix(t, "<")))
		}
		if at <= 0 || at == len(inner)-1 || strings.ContainsAny(inner, "<> \t\r\n\x00") {
			return paramErr(param, "parameter %q: %q is not an Internet Message-ID (<local@domain>)", param, ref)
		}
	default:
		if _, err := base64.StdEncoding.DecodeString(t); err != nil || len(t) < 8 {
			return paramErr(param, "parameter %q: %q is neither an EWS ItemId (base64) nor an Internet Message-ID (<local@domain>)", param, ref)
		}
	}
	return nil
}
