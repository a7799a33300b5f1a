package testserver

import (
	"context"
	"testing"
	"time"

	"github.com/ewsgo/ews/internal/soap"
)

// TestMeetingMessagesAndOccurrenceRefs reads the meeting messages the server makes in every shape and resolves
// occurrences by OccurrenceItemId and RecurringMasterItemId, so that their responses are captured and validated
// against the schema.
func TestMeetingMessagesAndOccurrenceRefs(t *testing.T) {
	srv := New(t)
	bob := srv.AddMailbox("bob@example.com", "Bob")
	srv.GrantDelegate("bob@example.com", DefaultEmail)
	c := wire(t, srv)
	ctx := context.Background()
	h := soap.Header{Version: "Exchange2013_SP1"}
	start := time.Date(2024, 5, 6, 9, 0, 0, 0, time.UTC)

	var cr soap.CreateItemResponse
	if _, err := c.Do(ctx, h, &soap.CreateItem{SendMeetingInvitations: "SendToAllAndSaveCopy", Items: soap.ItemList{&soap.CalendarItem{
		Subject: "Series", Start: start.Format(time.RFC3339), End: start.Add(time.Hour).Format(time.RFC3339),
		RequiredAttendees: &soap.Attendees{Attendees: []soap.Attendee{{Mailbox: soap.Mailbox{EmailAddress: "bob@example.com"}}}},
		Recurrence: &soap.Recurrence{DailyRecurrence: &soap.DailyRecurrence{Interval: 1},
			NumberedRecurrence: &soap.RecurrenceRange{StartDate: "2024-05-06", NumberOfOccurrences: 3}},
	}}}, &cr); err != nil || cr.ResponseMessages[0].Err() != nil {
		t.Fatalf("CreateItem: %v %+v", err, cr)
	}
	master := cr.ResponseMessages[0].Items.Items[0].ItemID.ID

	// Without SendMeetingInvitations a calendar item is refused, as Exchange does.
	var bad soap.CreateItemResponse
	if _, err := c.Do(ctx, h, &soap.CreateItem{Items: soap.ItemList{&soap.CalendarItem{Subject: "x", Start: start.Format(time.RFC3339), End: start.Format(time.RFC3339)}}}, &bad); err != nil {
		t.Fatal(err)
	}
	if re, ok := bad.ResponseMessages[0].Err().(*soap.ResponseError); !ok || re.Code != "ErrorSendMeetingInvitationsRequired" {
		t.Errorf("CreateItem without SendMeetingInvitations: %v", bad.ResponseMessages[0].Err())
	}

	var ids []soap.ItemID
	for _, it := range bob.Items("inbox") {
		ids = append(ids, soap.ItemID{ID: it.ID})
	}
	if len(ids) != 1 {
		t.Fatalf("bob's inbox holds %d items", len(ids))
	}
	for _, shape := range []string{"Default", "AllProperties"} {
		var gr soap.GetItemResponse
		if _, err := c.Do(ctx, h, &soap.GetItem{ItemShape: soap.ItemShape{BaseShape: shape}, ItemIDs: ids}, &gr); err != nil {
			t.Fatal(err)
		}
		mr := gr.ResponseMessages[0].Items.Items[0]
		if mr.XMLName.Local != "MeetingRequest" || mr.Subject != "Series" || shape == "AllProperties" && (mr.AssociatedCalendarItemID == nil || !mr.Start.Equal(start)) {
			t.Errorf("%s meeting request = %+v", shape, mr)
		}
	}

	var gr soap.GetItemResponse
	if _, err := c.Do(ctx, h, &soap.GetItem{ItemShape: soap.ItemShape{BaseShape: "AllProperties"}, ItemIDs: []soap.ItemID{
		{RecurringMasterID: master, InstanceIndex: 2}, {RecurringMasterID: master, InstanceIndex: 4}}}, &gr); err != nil {
		t.Fatal(err)
	}
	occ := gr.ResponseMessages[0].Items.Items[0]
	if occ.CalendarItemType != "Occurrence" || !occ.Start.Equal(start.AddDate(0, 0, 1)) {
		t.Errorf("occurrence 2 = %+v", occ)
	}
	if re, ok := gr.ResponseMessages[1].Err().(*soap.ResponseError); !ok || re.Code != "ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange" {
		t.Errorf("occurrence 4 of 3: %v", gr.ResponseMessages[1].Err())
	}
	gr = soap.GetItemResponse{}
	if _, err := c.Do(ctx, h, &soap.GetItem{ItemShape: soap.ItemShape{BaseShape: "IdOnly"}, ItemIDs: []soap.ItemID{{OccurrenceID: occ.ItemID.ID}}}, &gr); err != nil {
		t.Fatal(err)
	}
	if got := gr.ResponseMessages[0].Items.Items; len(got) != 1 || got[0].ItemID.ID != master {
		t.Errorf("RecurringMasterItemId of an occurrence = %+v, want the series %s", got, master)
	}

	// UpdateItem and DeleteItem of calendar items need their meeting attributes.
	var ur soap.UpdateItemResponse
	if _, err := c.Do(ctx, h, &soap.UpdateItem{ConflictResolution: "AutoResolve", ItemChanges: []soap.ItemChange{{ItemID: soap.ItemID{ID: master},
		Updates: []soap.Update{{Path: soap.Path{FieldURI: "item:Subject"}, Item: &soap.CalendarItem{Subject: "y"}}}}}}, &ur); err != nil {
		t.Fatal(err)
	}
	if re, ok := ur.ResponseMessages[0].Err().(*soap.ResponseError); !ok || re.Code != "ErrorSendMeetingInvitationsOrCancellationsRequired" {
		t.Errorf("UpdateItem without SendMeetingInvitationsOrCancellations: %v", ur.ResponseMessages[0].Err())
	}
	var dr soap.DeleteItemResponse
	if _, err := c.Do(ctx, h, &soap.DeleteItem{DeleteType: "HardDelete", ItemIDs: []soap.ItemID{{ID: master}}}, &dr); err != nil {
		t.Fatal(err)
	}
	if re, ok := dr.ResponseMessages[0].Err().(*soap.ResponseError); !ok || re.Code != "ErrorSendMeetingCancellationsRequired" {
		t.Errorf("DeleteItem without SendMeetingCancellations: %v", dr.ResponseMessages[0].Err())
	}
	if it, ok := srv.Item(master); !ok || it.Subject != "Series" {
		t.Errorf("the refused requests changed the series: %+v", it)
	}

	// Cancel: the cancellation is a message of its own type.
	var ar soap.CreateItemResponse
	if _, err := c.Do(ctx, h, &soap.CreateItem{MessageDisposition: "SendAndSaveCopy", Items: soap.ItemList{&soap.CancelCalendarItem{ReferenceItemID: soap.ReferenceItemID{ID: master}}}}, &ar); err != nil || ar.ResponseMessages[0].Err() != nil {
		t.Fatalf("cancel: %v %+v", err, ar)
	}
	ids = nil
	for _, it := range bob.Items("inbox") {
		ids = append(ids, soap.ItemID{ID: it.ID})
	}
	var fr soap.FindItemResponse
	if _, err := c.Do(ctx, h, &soap.FindItem{Traversal: "Shallow", ItemShape: soap.ItemShape{BaseShape: "AllProperties"},
		ParentFolderIDs: []soap.FolderRef{{Distinguished: "inbox", Mailbox: "bob@example.com"}}}, &fr); err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 {
		t.Fatalf("bob's inbox after the cancellation holds %d items", len(ids))
	}
}
