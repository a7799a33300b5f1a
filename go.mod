module github.com/ewsgo/ews

go 1.24.0

require (
	github.com/Azure/go-ntlmssp v0.1.1
	github.com/google/go-cmp v0.7.0
	golang.org/x/crypto v0.48.0
	golang.org/x/net v0.50.0
	golang.org/x/oauth2 v0.35.0
)

require golang.org/x/text v0.34.0 // indirect
