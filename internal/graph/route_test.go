package graph

import "testing"

func TestRoute(t *testing.T) {
	for path, want := range map[string]string{
		"/users/a%40b.example/messages/AAMk%3D%3D":                              "/users/{id}/messages/{id}",
		"/users/a%40b.example/mailFolders/inbox/messages/delta":                 "/users/{id}/mailFolders/{id}/messages/delta",
		"/users/a%40b.example/messages/X/attachments/createUploadSession":       "/users/{id}/messages/{id}/attachments/createUploadSession",
		"/users/a%40b.example/messages/X/attachments/Y/$value":                  "/users/{id}/messages/{id}/attachments/{id}/$value",
		"/users/a%40b.example/calendars/C/calendarView":                         "/users/{id}/calendars/{id}/calendarView",
		"/users/a%40b.example/contactFolders/F/childFolders":                    "/users/{id}/contactFolders/{id}/childFolders",
		"/users/a%40b.example/mailFolders/inbox/childFolders/Z/permanentDelete": "/users/{id}/mailFolders/{id}/childFolders/{id}/permanentDelete",
		"/users":  "/users",
		"/$batch": "/$batch",
		"/users/a%40b.example/mailboxSettings/automaticRepliesSetting": "/users/{id}/mailboxSettings/automaticRepliesSetting",
	} {
		if got := Route(path); got != want {
			t.Errorf("Route(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestNextByte(t *testing.T) {
	for body, want := range map[string]int{
		`{"nextExpectedRanges":["3276800"]}`:         3276800,
		`{"nextExpectedRanges":["0-"]}`:              0,
		`{"nextExpectedRanges":["26-","40-50"]}`:     26,
		`{"nextExpectedRanges":[]}`:                  -1,
		`{"expirationDateTime":"2026-01-01T00:00Z"}`: -1,
		`not json`:                      -1,
		`{"nextExpectedRanges":["-5"]}`: -1,
	} {
		if got := nextByte([]byte(body)); got != want {
			t.Errorf("nextByte(%s) = %d, want %d", body, got, want)
		}
	}
}
