package ews

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/ewsgo/ews/internal/soap"
)

// Text that XML 1.0 cannot carry: encoding/xml writes U+FFFD in place of invalid UTF-8 and of characters outside
// XML's Char production, so such a value would reach the server altered, without an error. Every value a caller
// supplies is checked with checkText (or textProblem) before a request is built.

// textProblem says why s cannot be sent as XML 1.0 text, or returns "" when it can: invalid UTF-8 (an encoded
// surrogate half among it), a control character other than tab, newline and carriage return, or U+FFFE or U+FFFF.
// The problem reads as the continuation of a sentence about the value ("contains a control character ...").
func textProblem(s string) string {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			// UTF-8 of U+D800-U+DFFF: ED A0-BF 80-BF, which utf8 rejects as invalid.
			if i+2 < len(s) && s[i] == 0xED && s[i+1] >= 0xA0 && s[i+1] <= 0xBF && s[i+2]&0xC0 == 0x80 {
				sur := 0xD000 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
				return fmt.Sprintf("contains the lone surrogate %U (bytes % X) at byte %d, which XML cannot carry", sur, s[i:i+3], i)
			}
			return fmt.Sprintf("is not valid UTF-8 (byte 0x%02X at byte %d)", s[i], i)
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r':
			return fmt.Sprintf("contains a control character %U at byte %d, which XML cannot carry", r, i)
		case r == 0xFFFE || r == 0xFFFF:
			return fmt.Sprintf("contains the noncharacter %U at byte %d, which XML cannot carry", r, i)
		}
		i += size
	}
	return ""
}

// checkText returns an *InputError naming field when s holds text XML 1.0 cannot carry (see textProblem).
func checkText(field, s string) error {
	if p := textProblem(s); p != "" {
		return inputErr(field, "%s", p)
	}
	return nil
}

// checkTexts checks the elements of list, naming each field[i].
func checkTexts(field string, list []string) error {
	for i, s := range list {
		if err := checkText(fmt.Sprintf("%s[%d]", field, i), s); err != nil {
			return err
		}
	}
	return nil
}

// checkTextPtr checks *s when s is not nil.
func checkTextPtr(field string, s *string) error {
	if s == nil {
		return nil
	}
	return checkText(field, *s)
}

// firstErr returns the first non-nil error of errs.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// checkAddressText checks the parts of a parsed address, which may hold characters its text did not: an RFC 2047
// encoded name ("=?utf-8?q?=01?=") decodes to any text.
func checkAddressText(field string, a *mail.Address) error {
	if p := textProblem(a.Name); p != "" {
		return inputErr(field, "the decoded name %s", p)
	}
	if p := textProblem(a.Address); p != "" {
		return inputErr(field, "the address %s", p)
	}
	return nil
}

// checkID checks an item id argument: not empty, and text XML can carry.
func checkID(id string) error {
	if id == "" {
		return phraseErr("id", "is empty")
	}
	return checkText("id", id)
}

// parseAddress reads "bob@example.com" or "Bob <bob@example.com>".
func parseAddress(field, s string) (soap.Mailbox, error) {
	if err := checkText(field, s); err != nil {
		return soap.Mailbox{}, err
	}
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil {
		return soap.Mailbox{}, phraseErr(field, "%q is not an email address", s)
	}
	if err := checkAddressText(field, a); err != nil {
		return soap.Mailbox{}, err
	}
	return soap.Mailbox{Name: a.Name, EmailAddress: a.Address}, nil
}
