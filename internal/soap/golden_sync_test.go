package soap

import "testing"

func TestGoldenSync(t *testing.T) {
	golden(t, "syncfolderitems-initial", plain, &SyncFolderItems{
		ItemShape:          ItemShape{BaseShape: "IdOnly", AdditionalProperties: PathList{{FieldURI: "message:InternetMessageId"}, {FieldURI: "item:DateTimeReceived"}}},
		SyncFolderID:       TargetFolder{Folder: FolderRef{Distinguished: "inbox", Mailbox: "bob@example.com"}},
		MaxChangesReturned: 512,
	})
	golden(t, "syncfolderitems-state-ignore-scope", plain, &SyncFolderItems{
		ItemShape:          ItemShape{BaseShape: "Default"},
		SyncFolderID:       TargetFolder{Folder: FolderRef{ID: "AAMkF1=", ChangeKey: "AQAAAA=="}},
		SyncState:          `H4sIAAAAAAAEAGNg</m:SyncState>]]>`,
		Ignore:             []ItemID{{ID: "AAMkAD1="}, {ID: "AAMkAD2=", ChangeKey: "CQ=="}},
		MaxChangesReturned: 1,
		SyncScope:          "NormalItems",
	})
	golden(t, "subscribe-pull", plain, &Subscribe{Pull: &PullSubscriptionRequest{
		FolderIDs:  []FolderRef{{Distinguished: "inbox"}, {ID: "AAMkF1="}},
		EventTypes: []string{EventNewMail, EventCreated, EventMoved},
		Watermark:  "AQAAAA==",
		Timeout:    30,
	}})
	golden(t, "subscribe-pull-allfolders", plain, &Subscribe{Pull: &PullSubscriptionRequest{
		SubscribeToAllFolders: ptr(true), EventTypes: []string{EventCreated}, Timeout: 1440,
	}})
	golden(t, "subscribe-streaming", Header{Version: "Exchange2010_SP1", Impersonation: &ConnectingSID{PrimarySmtpAddress: "bob@example.com"}},
		&Subscribe{Streaming: &StreamingSubscriptionRequest{
			FolderIDs:  []FolderRef{{Distinguished: "inbox", Mailbox: "bob@example.com"}},
			EventTypes: []string{EventNewMail, EventCreated, EventDeleted, EventModified, EventMoved, EventCopied},
		}})
	golden(t, "unsubscribe", plain, &Unsubscribe{SubscriptionID: "f6bc657d-dde1-4f94-952d-143b95d6483d"})
	golden(t, "getevents", plain, &GetEvents{SubscriptionID: "f6bc657d", Watermark: "AAAAAGQAAAAAAAAAAQ=="})
	golden(t, "getstreamingevents", plain, &GetStreamingEvents{SubscriptionIDs: []string{"f6bc657d", "a1b2c3"}, ConnectionTimeout: 30})
}
