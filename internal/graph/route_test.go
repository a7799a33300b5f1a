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
