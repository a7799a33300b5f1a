package soap

import "testing"

func ptr[T any](v T) *T { return &v }

func TestGoldenItems(t *testing.T) {
	idOnly := ItemShape{BaseShape: "IdOnly"}
	golden(t, "finditem-indexed-restriction-sort", plain, &FindItem{
		Traversal:       "Shallow",
		ItemShape:       ItemShape{BaseShape: "IdOnly", AdditionalProperties: PathList{{FieldURI: "item:Subject"}, {FieldURI: "item:DateTimeReceived"}}},
		IndexedPageView: &IndexedPageView{MaxEntriesReturned: 100, Offset: 200, BasePoint: "Beginning"},
		Restriction: &Restriction{Expr: Expr{Op: OpAnd, Children: []Expr{
			{Op: OpIsEqualTo, Path: Path{FieldURI: "message:IsRead"}, Value: "false"},
			{Op: OpContains, Path: Path{FieldURI: "item:Subject"}, Value: "invoice", ContainmentMode: "Substring", ContainmentComparison: "IgnoreCase"},
		}}},
		SortOrder:       SortOrder{{Order: "Descending", Path: Path{FieldURI: "item:DateTimeReceived"}}},
		ParentFolderIDs: []FolderRef{{Distinguished: "inbox"}},
	})
	golden(t, "finditem-calendarview", plain, &FindItem{
		Traversal:       "Shallow",
		ItemShape:       ItemShape{BaseShape: "AllProperties"},
		CalendarView:    &CalendarView{MaxEntriesReturned: 500, StartDate: "2024-01-01T00:00:00Z", EndDate: "2024-02-01T00:00:00Z"},
		ParentFolderIDs: []FolderRef{{Distinguished: "calendar"}},
	})
	golden(t, "finditem-contactsview", plain, &FindItem{
		Traversal: "Shallow", ItemShape: idOnly,
		ContactsView:    &ContactsView{MaxEntriesReturned: 100, InitialName: "a"},
		ParentFolderIDs: []FolderRef{{Distinguished: "contacts"}},
	})
	golden(t, "finditem-querystring", plain, &FindItem{
		Traversal: "Shallow", ItemShape: idOnly,
		IndexedPageView: &IndexedPageView{MaxEntriesReturned: 10, BasePoint: "Beginning"},
		ParentFolderIDs: []FolderRef{{Distinguished: "inbox"}},
		QueryString:     "subject:invoice",
	})
	golden(t, "getitem-full", plain, &GetItem{
		ItemShape: ItemShape{BaseShape: "AllProperties", IncludeMimeContent: ptr(false), BodyType: "Best",
			AdditionalProperties: PathList{{FieldURI: "item:InternetMessageHeaders"}, {FieldURI: "message:InternetMessageId"},
				{Extended: &ExtendedFieldURI{PropertyTag: "0x007D", PropertyType: "String"}}}},
		ItemIDs: []ItemID{{ID: "AAMkAD1=", ChangeKey: "CQAAAB=="}, {RecurringMasterID: "AAMkAD2=", InstanceIndex: 3}, {OccurrenceID: "AAMkAD3="}},
	})
	golden(t, "createitem-message-inline-attachment", plain, &CreateItem{
		MessageDisposition: "SendAndSaveCopy",
		SavedItemFolderID:  &TargetFolder{Folder: FolderRef{Distinguished: "sentitems"}},
		Items: ItemList{&Message{
			Subject: "Report </t:Subject><t:Foo>]]>", Sensitivity: "Normal",
			Body:        &Body{BodyType: "HTML", Text: "<b>hi</b>"},
			Attachments: &Attachments{Attachments: []any{&FileAttachment{Name: "a.txt", ContentType: "text/plain", Content: "aGk="}}},
			Categories:  &Strings{Strings: []string{"SOAR"}}, Importance: "High",
			ToRecipients:  &Recipients{Mailboxes: []Mailbox{{Name: "Bob", EmailAddress: "bob@example.com"}}},
			CcRecipients:  &Recipients{Mailboxes: []Mailbox{{EmailAddress: "cc@example.com"}}},
			BccRecipients: &Recipients{Mailboxes: []Mailbox{{EmailAddress: "bcc@example.com"}}},
			From:          &SingleRecipient{Mailbox: Mailbox{EmailAddress: "soc@example.com"}},
			IsRead:        ptr(true),
		}},
	})
	golden(t, "createitem-calendar", Header{Version: "Exchange2016", TimeZoneID: "W. Europe Standard Time"}, &CreateItem{
		SendMeetingInvitations: "SendToAllAndSaveCopy",
		SavedItemFolderID:      &TargetFolder{Folder: FolderRef{Distinguished: "calendar"}},
		Items: ItemList{&CalendarItem{
			Subject: "Incident review", Sensitivity: "Private", Body: &Body{BodyType: "Text", Text: "agenda"},
			Categories: &Strings{Strings: []string{"IR"}}, Importance: "Normal",
			ReminderIsSet: ptr(true), ReminderMinutesBeforeStart: ptr(15),
			Start: "2024-03-01T08:00:00Z", End: "2024-03-01T09:00:00Z", IsAllDayEvent: ptr(false),
			LegacyFreeBusyStatus: "OOF", Location: "Room 1",
			RequiredAttendees: &Attendees{Attendees: []Attendee{{Mailbox: Mailbox{EmailAddress: "bob@example.com"}}}},
			OptionalAttendees: &Attendees{Attendees: []Attendee{{Mailbox: Mailbox{EmailAddress: "carol@example.com"}}}},
			Resources:         &Attendees{Attendees: []Attendee{{Mailbox: Mailbox{EmailAddress: "room1@example.com"}}}},
			Recurrence: &Recurrence{WeeklyRecurrence: &WeeklyRecurrence{Interval: 1, DaysOfWeek: "Monday Friday"},
				EndDateRecurrence: &RecurrenceRange{StartDate: "2024-03-01", EndDate: "2024-06-01"}},
			StartTimeZone: &TimeZoneDefinition{ID: "W. Europe Standard Time"},
			EndTimeZone:   &TimeZoneDefinition{ID: "W. Europe Standard Time"},
		}},
	})
	golden(t, "createitem-calendar-2007", Header{Version: "Exchange2007_SP1"}, &CreateItem{
		SendMeetingInvitations: "SendToNone",
		Items: ItemList{&CalendarItem{Subject: "x", Start: "2024-03-01T08:00:00Z", End: "2024-03-01T09:00:00Z",
			MeetingTimeZone: &MeetingTimeZone{TimeZoneName: "W. Europe Standard Time", BaseOffset: "-PT1H"}}},
	})
	golden(t, "createitem-contact", plain, &CreateItem{
		SavedItemFolderID: &TargetFolder{Folder: FolderRef{Distinguished: "contacts"}},
		Items: ItemList{&Contact{
			FileAs: "Doe, Jane", DisplayName: "Jane Doe", GivenName: "Jane", CompanyName: "Example",
			EmailAddresses:    &DictEntries{Entries: []DictEntry{{Key: "EmailAddress1", Value: "jane@example.com"}}},
			PhysicalAddresses: &PhysicalAddresses{Entries: []PhysicalAddressEntry{{Key: "Business", City: "Berlin", CountryOrRegion: "DE"}}},
			PhoneNumbers:      &DictEntries{Entries: []DictEntry{{Key: "MobilePhone", Value: "+49 1"}}},
			Department:        "SOC", JobTitle: "Analyst", Surname: "Doe",
		}},
	})
	golden(t, "createitem-accept", plain, &CreateItem{MessageDisposition: "SendAndSaveCopy",
		Items: ItemList{&AcceptItem{ReferenceItemID: ReferenceItemID{ID: "AAMkAD1=", ChangeKey: "CQ=="}},
			&DeclineItem{Body: &Body{BodyType: "Text", Text: "busy"}, ReferenceItemID: ReferenceItemID{ID: "AAMkAD2="}},
			&TentativelyAcceptItem{ReferenceItemID: ReferenceItemID{ID: "AAMkAD3="}},
			&CancelCalendarItem{ReferenceItemID: ReferenceItemID{ID: "AAMkAD4="}}}})
	golden(t, "updateitem-isread", plain, &UpdateItem{
		ConflictResolution: "AutoResolve", MessageDisposition: "SaveOnly", SuppressReadReceipts: ptr(true),
		ItemChanges: []ItemChange{{ItemID: ItemID{ID: "AAMkAD1=", ChangeKey: "CQ=="}, Updates: []Update{
			{Path: Path{FieldURI: "message:IsRead"}, Item: &Message{IsRead: ptr(true)}},
			{Path: Path{FieldURI: "item:Categories"}, Item: &Message{Categories: &Strings{Strings: []string{"x"}}}, Append: true},
			{Path: Path{FieldURI: "item:Sensitivity"}},
		}}},
	})
	golden(t, "updateitem-calendar", plain, &UpdateItem{
		ConflictResolution: "AlwaysOverwrite", SendMeetingInvitationsOrCancellations: "SendToAllAndSaveCopy",
		ItemChanges: []ItemChange{{ItemID: ItemID{ID: "AAMkAD1="}, Updates: []Update{
			{Path: Path{FieldURI: "calendar:Start"}, Item: &CalendarItem{Start: "2024-03-01T08:00:00Z"}},
			{Path: Path{FieldURI: "contacts:EmailAddress", FieldIndex: "EmailAddress1"}, Item: &Contact{EmailAddresses: &DictEntries{Entries: []DictEntry{{Key: "EmailAddress1", Value: "a@b.c"}}}}},
		}}},
	})
	golden(t, "deleteitem-soft", plain, &DeleteItem{DeleteType: "SoftDelete", SendMeetingCancellations: "SendToNone", AffectedTaskOccurrences: "AllOccurrences",
		ItemIDs: []ItemID{{ID: "AAMkAD1="}, {ID: "AAMkAD2="}}})
	golden(t, "moveitem", plain, &MoveItem{ToFolderID: FolderRef{ID: "AAMkF1="}, ItemIDs: []ItemID{{ID: "AAMkAD1="}}, ReturnNewItemIDs: ptr(true)})
	golden(t, "copyitem", plain, &CopyItem{ToFolderID: FolderRef{Distinguished: "junkemail"}, ItemIDs: []ItemID{{ID: "AAMkAD1="}}})
	golden(t, "senditem", plain, &SendItem{SaveItemToFolder: true, ItemIDs: []ItemID{{ID: "AAMkAD1=", ChangeKey: "CQ=="}},
		SavedItemFolderID: &TargetFolder{Folder: FolderRef{Distinguished: "sentitems"}}})
	golden(t, "createattachment", plain, &CreateAttachment{ParentItemID: ReferenceItemID{ID: "AAMkAD1=", ChangeKey: "CQ=="},
		Attachments: Attachments{Attachments: []any{
			&FileAttachment{Name: "logo.png", ContentType: "image/png", ContentID: "logo", IsInline: ptr(true), Content: "iVBO"},
			&ItemAttachment{Name: "fwd", Item: &Message{Subject: "inner", MimeContent: &MimeContent{CharacterSet: "UTF-8", Base64: "U3ViamVjdDogeA=="}}},
		}}})
	golden(t, "getattachment", plain, &GetAttachment{AttachmentShape: &AttachmentShape{IncludeMimeContent: ptr(true)},
		AttachmentIDs: []AttachmentID{{ID: "AAMkA1="}}})
	golden(t, "deleteattachment", plain, &DeleteAttachment{AttachmentIDs: []AttachmentID{{ID: "AAMkA1="}}})
}
