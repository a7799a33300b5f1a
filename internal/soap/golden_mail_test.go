package soap

import "testing"

// TestGoldenMail holds the request shapes of the mail service.
func TestGoldenMail(t *testing.T) {
	headers := PathList{{FieldURI: "item:Subject"}, {FieldURI: "item:InternetMessageHeaders"}, {FieldURI: "message:Sender"},
		{FieldURI: "message:ReplyTo"}, {Extended: &ExtendedFieldURI{PropertyTag: "0x007D", PropertyType: "String"}}, {FieldURI: "item:TextBody"}}
	golden(t, "getitem-message-details", plain, &GetItem{
		ItemShape: ItemShape{BaseShape: "IdOnly", BodyType: "Best", AdditionalProperties: headers},
		ItemIDs:   []ItemID{{ID: "AAMkAD1="}, {ID: "AAMkAD2="}},
	})
	golden(t, "getitem-mime", plain, &GetItem{
		ItemShape: ItemShape{BaseShape: "IdOnly", IncludeMimeContent: ptr(true)},
		ItemIDs:   []ItemID{{ID: "AAMkAD1="}},
	})
	golden(t, "finditem-message-id-folders", plain, &FindItem{
		Traversal:       "Shallow",
		ItemShape:       ItemShape{BaseShape: "IdOnly", AdditionalProperties: PathList{{FieldURI: "message:InternetMessageId"}}},
		IndexedPageView: &IndexedPageView{MaxEntriesReturned: 1000, BasePoint: "Beginning"},
		Restriction: &Restriction{Expr: Expr{Op: OpOr, Children: []Expr{
			{Op: OpIsEqualTo, Path: Path{FieldURI: "message:InternetMessageId"}, Value: "<a@example.com>"},
			{Op: OpIsEqualTo, Path: Path{FieldURI: "message:InternetMessageId"}, Value: "<b@example.com>"},
		}}},
		ParentFolderIDs: []FolderRef{{ID: "AAMkF1="}, {ID: "AAMkF2="}, {ID: "AAMkF3="}},
	})
	golden(t, "finditem-mail-search", plain, &FindItem{
		Traversal:       "Shallow",
		ItemShape:       ItemShape{BaseShape: "IdOnly"},
		IndexedPageView: &IndexedPageView{MaxEntriesReturned: 100, Offset: 1000, BasePoint: "Beginning"},
		Restriction: &Restriction{Expr: Expr{Op: OpAnd, Children: []Expr{
			{Op: OpIsEqualTo, Path: Path{FieldURI: "message:Sender"}, Value: "mallory@evil.example"},
			{Op: OpContains, Path: Path{FieldURI: "item:Subject"}, Value: "</t:Constant>]]>", ContainmentMode: "Substring", ContainmentComparison: "IgnoreCase"},
			{Op: OpContains, Path: Path{FieldURI: "item:Body"}, Value: "pay", ContainmentMode: "Substring", ContainmentComparison: "IgnoreCase"},
			{Op: OpIsEqualTo, Path: Path{FieldURI: "message:IsRead"}, Value: "false"},
		}}},
		SortOrder:       SortOrder{{Order: "Ascending", Path: Path{FieldURI: "item:DateTimeReceived"}}},
		ParentFolderIDs: []FolderRef{{Distinguished: "inbox", Mailbox: "shared@example.com"}},
	})
	golden(t, "createitem-send-only", plain, &CreateItem{
		MessageDisposition: "SendOnly",
		Items: ItemList{&Message{Subject: "s", Body: &Body{BodyType: "Text", Text: "b"}, Importance: "Low",
			IsReadReceiptRequested: ptr(true),
			ToRecipients:           &Recipients{Mailboxes: []Mailbox{{Name: "Bob", EmailAddress: "bob@example.com"}}},
			InternetMessageID:      "<0123@example.com>",
			ReplyTo:                &Recipients{Mailboxes: []Mailbox{{EmailAddress: "soc@example.com"}}}}},
	})
	golden(t, "createitem-draft-delegate", plain, &CreateItem{
		MessageDisposition: "SaveOnly",
		SavedItemFolderID:  &TargetFolder{Folder: FolderRef{Distinguished: "drafts", Mailbox: "shared@example.com"}},
		Items: ItemList{&Message{Subject: "s", ToRecipients: &Recipients{Mailboxes: []Mailbox{{EmailAddress: "bob@example.com"}}},
			InternetMessageID: "<0123@example.com>"}},
	})
	golden(t, "createattachment-file", plain, &CreateAttachment{ParentItemID: ReferenceItemID{ID: "AAMkAD1="},
		Attachments: Attachments{Attachments: []any{&FileAttachment{Name: "report.pdf", ContentType: "application/pdf", Content: "JVBERg=="}}}})
	golden(t, "senditem-no-copy", plain, &SendItem{SaveItemToFolder: false, ItemIDs: []ItemID{{ID: "AAMkAD1=", ChangeKey: "CQ=="}}})
	golden(t, "updateitem-mark-read-batch", plain, &UpdateItem{
		ConflictResolution: "AutoResolve", MessageDisposition: "SaveOnly", SuppressReadReceipts: ptr(true),
		ItemChanges: []ItemChange{
			{ItemID: ItemID{ID: "AAMkAD1="}, Updates: []Update{{Path: Path{FieldURI: "message:IsRead"}, Item: &Message{IsRead: ptr(true)}}}},
			{ItemID: ItemID{ID: "AAMkAD2="}, Updates: []Update{{Path: Path{FieldURI: "message:IsRead"}, Item: &Message{IsRead: ptr(true)}}}},
		},
	})
	golden(t, "deleteitem-hard-suppress", plain, &DeleteItem{DeleteType: "HardDelete", SuppressReadReceipts: ptr(true),
		ItemIDs: []ItemID{{ID: "AAMkAD1="}, {ID: "AAMkAD2="}}})
	golden(t, "moveitem-path-folder", plain, &MoveItem{ToFolderID: FolderRef{ID: "AAMkF1="},
		ItemIDs: []ItemID{{ID: "AAMkAD1="}, {ID: "AAMkAD2="}}, ReturnNewItemIDs: ptr(true)})
}
