package ews

// Sentinels for the ResponseCodes of the folder, junk, rule and out-of-office operations; match with errors.Is.
var (
	ErrFolderExists              = &Error{Code: "ErrorFolderExists"}
	ErrCannotEmptyFolder         = &Error{Code: "ErrorCannotEmptyFolder"}
	ErrDeleteDistinguishedFolder = &Error{Code: "ErrorDeleteDistinguishedFolder"}
	ErrInboxRulesValidation      = &Error{Code: "ErrorInboxRulesValidationError"}
	ErrInvalidUserOofSettings    = &Error{Code: "ErrorInvalidUserOofSettings"}
)
