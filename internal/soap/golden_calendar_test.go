package soap

import (
	"strings"
	"testing"
)

func TestGoldenCalendarContacts(t *testing.T) {
	golden(t, "resolvenames-full", plain, &ResolveNames{
		ReturnFullContactData: true, SearchScope: "ContactsActiveDirectory", ContactDataShape: "AllProperties",
		ParentFolderIDs: []FolderRef{{Distinguished: "contacts"}},
		UnresolvedEntry: `smith </m:UnresolvedEntry>]]>`,
	})
	golden(t, "resolvenames-minimal", Header{Version: "Exchange2007_SP1"}, &ResolveNames{UnresolvedEntry: "SMTP:bob@example.com"})
	golden(t, "expanddl", plain, &ExpandDL{Mailbox: Mailbox{EmailAddress: "soc-team@example.com"}})
	golden(t, "createitem-calendar-2007-dst", Header{Version: "Exchange2007_SP1"}, &CreateItem{
		SendMeetingInvitations: "SendToNone",
		SavedItemFolderID:      &TargetFolder{Folder: FolderRef{Distinguished: "calendar"}},
		Items: ItemList{&CalendarItem{Subject: "x", Start: "2024-07-01T07:00:00Z", End: "2024-07-01T08:00:00Z", IsAllDayEvent: ptr(false),
			MeetingTimeZone: &MeetingTimeZone{TimeZoneName: "W. Europe Standard Time", BaseOffset: "-PT1H",
				Standard: &TimeChange{TimeZoneName: "CET", Offset: "PT0M",
					RelativeYearlyRecurrence: &RelativeYearlyRecurrence{DaysOfWeek: "Sunday", DayOfWeekIndex: "Last", Month: "October"}, Time: "03:00:00"},
				Daylight: &TimeChange{TimeZoneName: "CEST", Offset: "-PT1H",
					RelativeYearlyRecurrence: &RelativeYearlyRecurrence{DaysOfWeek: "Sunday", DayOfWeekIndex: "Last", Month: "March"}, Time: "02:00:00"}}}},
	})
	golden(t, "createitem-allday-invitations", Header{Version: "Exchange2016", TimeZoneID: "Eastern Standard Time"}, &CreateItem{
		SendMeetingInvitations: "SendOnlyToAll",
		SavedItemFolderID:      &TargetFolder{Folder: FolderRef{ID: "AAMkF1="}},
		Items: ItemList{&CalendarItem{Subject: "Offsite", Body: &Body{BodyType: "HTML", Text: "<p>bring laptops</p>"},
			ReminderIsSet: ptr(false), Start: "2024-03-01T05:00:00Z", End: "2024-03-03T05:00:00Z", IsAllDayEvent: ptr(true),
			LegacyFreeBusyStatus: "WorkingElsewhere",
			RequiredAttendees:    &Attendees{Attendees: []Attendee{{Mailbox: Mailbox{Name: "Bob", EmailAddress: "bob@example.com"}}}},
			StartTimeZone:        &TimeZoneDefinition{ID: "Eastern Standard Time"}, EndTimeZone: &TimeZoneDefinition{ID: "Eastern Standard Time"}}},
	})
	golden(t, "updateitem-event-attendees", plain, &UpdateItem{
		ConflictResolution: "AutoResolve", SendMeetingInvitationsOrCancellations: "SendToChangedAndSaveCopy",
		ItemChanges: []ItemChange{{ItemID: ItemID{ID: "AAMkAD1=", ChangeKey: "CQ=="}, Updates: []Update{
			{Path: Path{FieldURI: "item:Subject"}, Item: &CalendarItem{Subject: "moved"}},
			{Path: Path{FieldURI: "calendar:Start"}, Item: &CalendarItem{Start: "2024-03-01T08:00:00Z"}},
			{Path: Path{FieldURI: "calendar:StartTimeZone"}, Item: &CalendarItem{StartTimeZone: &TimeZoneDefinition{ID: "UTC"}}},
			{Path: Path{FieldURI: "calendar:RequiredAttendees"}, Item: &CalendarItem{RequiredAttendees: &Attendees{Attendees: []Attendee{{Mailbox: Mailbox{EmailAddress: "carol@example.com"}}}}}},
			{Path: Path{FieldURI: "calendar:OptionalAttendees"}},
		}}},
	})
	golden(t, "updateitem-contact-indexed", plain, &UpdateItem{
		ConflictResolution: "AutoResolve",
		ItemChanges: []ItemChange{{ItemID: ItemID{ID: "AAMkAD1="}, Updates: []Update{
			{Path: Path{FieldURI: "contacts:JobTitle"}, Item: &Contact{JobTitle: "Lead"}},
			{Path: Path{FieldURI: "contacts:PhoneNumber", FieldIndex: "MobilePhone"}, Item: &Contact{PhoneNumbers: &DictEntries{Entries: []DictEntry{{Key: "MobilePhone", Value: "+1 555"}}}}},
			{Path: Path{FieldURI: "contacts:PhysicalAddress:City", FieldIndex: "Business"}, Item: &Contact{PhysicalAddresses: &PhysicalAddresses{Entries: []PhysicalAddressEntry{{Key: "Business", City: "Oslo"}}}}},
			{Path: Path{FieldURI: "contacts:EmailAddress", FieldIndex: "EmailAddress2"}},
		}}},
	})
	golden(t, "deleteitem-cancellations", plain, &DeleteItem{DeleteType: "MoveToDeletedItems", SendMeetingCancellations: "SendToAllAndSaveCopy",
		ItemIDs: []ItemID{{ID: "AAMkAD1="}}})
}

// TestDecodeResolveNamesAndExpandDL decodes responses in the shapes Microsoft documents for ResolveNames (a
// unique name, several candidates as a Warning, no result) and ExpandDL.
func TestDecodeResolveNamesAndExpandDL(t *testing.T) {
	const env = `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="2" MajorBuildNumber="1118" MinorBuildNumber="7" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header><s:Body>%s</s:Body></s:Envelope>`
	multi := `<m:ResolveNamesResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages><m:ResolveNamesResponseMessage ResponseClass="Warning"><m:MessageText>Multiple results were found.</m:MessageText><m:ResponseCode>ErrorNameResolutionMultipleResults</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:ResolutionSet TotalItemsInView="2" IncludesLastItemInRange="true"><t:Resolution><t:Mailbox><t:Name>Bob Smith</t:Name><t:EmailAddress>bob@example.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox><t:Contact><t:DisplayName>Bob Smith</t:DisplayName><t:GivenName>Bob</t:GivenName><t:EmailAddresses><t:Entry Key="EmailAddress1">SMTP:bob@example.com</t:Entry></t:EmailAddresses><t:ContactSource>ActiveDirectory</t:ContactSource><t:Surname>Smith</t:Surname></t:Contact></t:Resolution><t:Resolution><t:Mailbox><t:Name>Jane Smith</t:Name><t:EmailAddress>jane@partner.example</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Contact</t:MailboxType><t:ItemId Id="AAMkC1=" ChangeKey="EQ=="/></t:Mailbox></t:Resolution></m:ResolutionSet></m:ResolveNamesResponseMessage></m:ResponseMessages></m:ResolveNamesResponse>`
	var r ResolveNamesResponse
	if _, err := DecodeResponse(strings.NewReader(strings.Replace(env, "%s", multi, 1)), &r); err != nil {
		t.Fatal(err)
	}
	m := r.ResponseMessages[0]
	if err := m.Err(); err != nil {
		t.Errorf("multiple results: Err = %v, want nil (a Warning with results)", err)
	}
	if m.ResponseMessage.Err() == nil {
		t.Errorf("the embedded ResponseMessage.Err must still report the warning code")
	}
	rs := m.ResolutionSet
	if rs == nil || rs.TotalItemsInView != 2 || len(rs.Resolutions) != 2 {
		t.Fatalf("ResolutionSet = %+v", rs)
	}
	a, b := rs.Resolutions[0], rs.Resolutions[1]
	if a.Mailbox.EmailAddress != "bob@example.com" || a.Contact == nil || a.Contact.Surname != "Smith" || len(a.Contact.EmailAddresses) != 1 {
		t.Errorf("first resolution = %+v %+v", a.Mailbox, a.Contact)
	}
	if b.Mailbox.MailboxType != "Contact" || b.Mailbox.ItemID == nil || b.Mailbox.ItemID.ID != "AAMkC1=" || b.Contact != nil {
		t.Errorf("second resolution = %+v", b)
	}

	none := `<m:ResolveNamesResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><m:ResponseMessages><m:ResolveNamesResponseMessage ResponseClass="Error"><m:MessageText>No results were found.</m:MessageText><m:ResponseCode>ErrorNameResolutionNoResults</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:ResolveNamesResponseMessage></m:ResponseMessages></m:ResolveNamesResponse>`
	r = ResolveNamesResponse{}
	if _, err := DecodeResponse(strings.NewReader(strings.Replace(env, "%s", none, 1)), &r); err != nil {
		t.Fatal(err)
	}
	if err := r.ResponseMessages[0].Err(); err == nil || !strings.Contains(err.Error(), "ErrorNameResolutionNoResults") {
		t.Errorf("no results: Err = %v", err)
	}

	dl := `<m:ExpandDLResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages><m:ExpandDLResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:DLExpansion TotalItemsInView="2" IncludesLastItemInRange="true"><t:Mailbox><t:Name>Bob</t:Name><t:EmailAddress>bob@example.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox><t:Mailbox><t:Name>Night shift</t:Name><t:EmailAddress>night@example.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>PublicDL</t:MailboxType></t:Mailbox></m:DLExpansion></m:ExpandDLResponseMessage></m:ResponseMessages></m:ExpandDLResponse>`
	var e ExpandDLResponse
	if _, err := DecodeResponse(strings.NewReader(strings.Replace(env, "%s", dl, 1)), &e); err != nil {
		t.Fatal(err)
	}
	em := e.ResponseMessages[0]
	if em.Err() != nil || !em.Complete() || em.DLExpansion.TotalItemsInView != 2 || len(em.DLExpansion.Mailboxes) != 2 || em.DLExpansion.Mailboxes[1].MailboxType != "PublicDL" {
		t.Errorf("ExpandDL = %+v", em)
	}
	truncated := strings.Replace(dl, `IncludesLastItemInRange="true"`, `IncludesLastItemInRange="false"`, 1)
	e = ExpandDLResponse{}
	if _, err := DecodeResponse(strings.NewReader(strings.Replace(env, "%s", truncated, 1)), &e); err != nil || e.ResponseMessages[0].Complete() {
		t.Errorf("truncated expansion: Complete = true, err %v", err)
	}
}
