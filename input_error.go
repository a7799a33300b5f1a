package ews

import (
	"errors"
	"fmt"
)

// ErrInvalidInput is matched (errors.Is) by every *InputError: bad input found before any request was sent.
var ErrInvalidInput = errors.New("ews: invalid input")

// InputError reports an argument or option that cannot be used, found before any request was sent (so nothing
// was changed on the server). Every service reports bad input with it; errors.Is(err, ErrInvalidInput) matches
// it, and errors about a FolderRef also match ErrInvalidFolder.
type InputError struct {
	// Field names the bad argument or option, e.g. "Draft.To" or "ids[2]".
	Field string
	// Problem says what is wrong with it.
	Problem string

	phrase bool  // Problem continues Field as one phrase ("NewEvent.Start is zero") rather than after a colon
	kind   error // a further sentinel that Is matches, such as ErrInvalidFolder
}

// Error implements error.
func (e *InputError) Error() string {
	if e.phrase {
		return "ews: " + e.Field + " " + e.Problem
	}
	return "ews: " + e.Field + ": " + e.Problem
}

// Is matches ErrInvalidInput, and ErrInvalidFolder for errors about a folder reference.
func (e *InputError) Is(target error) bool {
	return target == ErrInvalidInput || e.kind != nil && target == e.kind
}

// inputErr returns an *InputError that reads "ews: <field>: <problem>".
func inputErr(field, format string, args ...any) *InputError {
	return &InputError{Field: field, Problem: fmt.Sprintf(format, args...)}
}

// phraseErr returns an *InputError that reads "ews: <field> <problem>", e.g. "ews: NewEvent.Start is zero".
func phraseErr(field, format string, args ...any) *InputError {
	return &InputError{Field: field, Problem: fmt.Sprintf(format, args...), phrase: true}
}

// folderErr returns an *InputError about a folder reference, which also matches ErrInvalidFolder.
func folderErr(field, format string, args ...any) *InputError {
	return &InputError{Field: field, Problem: fmt.Sprintf(format, args...), kind: ErrInvalidFolder}
}
