package testserver

import (
	"context"
	"testing"

	"github.com/ewsgo/ews/internal/soap"
)

func TestUpdateDeleteMoveSendAttach(t *testing.T) {
	srv := New(t)
	bob := srv.AddMailbox("bob@example.com", "Bob")
	c := wire(t, srv)
	ctx := context.Background()
	h := soap.Header{Version: "Exchange2013_SP1"}
	mb := srv.Default()
	id := srv.AddMessage("inbox", Item{Subject: "s", Categories: []string{"a"}})

	var ur soap.UpdateItemResponse
	if _, err := c.Do(ctx, h, &soap.UpdateItem{ConflictResolution: "AutoResolve", MessageDisposition: "SaveOnly",
		ItemChanges: []soap.ItemChange{{ItemID: soap.ItemID{ID: id}, Updates: []soap.Update{
			{Path: soap.Path{FieldURI: "message:IsRead"}, Item: &soap.Message{IsRead: bp(true)}},
			{Path: soap.Path{FieldURI: "item:Categories"}, Item: &soap.Message{Categories: &soap.Strings{Strings: []string{"b"}}}, Append: true},
		}}}}, &ur); err != nil || ur.ResponseMessages[0].Err() != nil {
		t.Fatalf("UpdateItem: %v %+v", err, ur)
	}
	it, _ := mb.Item(id)
	if !it.IsRead || len(it.Categories) != 2 || it.ChangeKey == changeKey(0) {
		t.Fatalf("after update: %+v", it)
	}
	// A stale change key with NeverOverwrite is a conflict.
	var ur2 soap.UpdateItemResponse
	_, _ = c.Do(ctx, h, &soap.UpdateItem{ConflictResolution: "NeverOverwrite",
		ItemChanges: []soap.ItemChange{{ItemID: soap.ItemID{ID: id, ChangeKey: changeKey(0)}, Updates: []soap.Update{
			{Path: soap.Path{FieldURI: "item:Subject"}, Item: &soap.Message{Subject: "x"}}}}}}, &ur2)
	if err := ur2.ResponseMessages[0].Err(); err == nil {
		t.Fatalf("stale change key accepted")
	}

	var mr soap.MoveItemResponse
	if _, err := c.Do(ctx, h, &soap.MoveItem{ToFolderID: soap.FolderRef{Distinguished: "junkemail"}, ItemIDs: []soap.ItemID{{ID: id}}}, &mr); err != nil || mr.ResponseMessages[0].Err() != nil {
		t.Fatalf("MoveItem: %v", err)
	}
	newID := mr.ResponseMessages[0].Items.Items[0].ItemID.ID
	if _, ok := mb.Item(id); ok || len(mb.Items("junkemail")) != 1 || mb.Items("junkemail")[0].ID != newID {
		t.Fatalf("move: old id still there or new id %s not in junk", newID)
	}
	var dr soap.DeleteItemResponse
	if _, err := c.Do(ctx, h, &soap.DeleteItem{DeleteType: "MoveToDeletedItems", ItemIDs: []soap.ItemID{{ID: newID}, {ID: newID}}}, &dr); err != nil {
		t.Fatal(err)
	}
	if dr.ResponseMessages[0].Err() != nil || dr.ResponseMessages[1].Err() == nil || len(mb.Items("deleteditems")) != 1 {
		t.Fatalf("delete: %+v, deleted items %d", dr, len(mb.Items("deleteditems")))
	}
	del := mb.Items("deleteditems")[0].ID
	if _, err := c.Do(ctx, h, &soap.DeleteItem{DeleteType: "SoftDelete", ItemIDs: []soap.ItemID{{ID: del}}}, &dr); err != nil {
		t.Fatal(err)
	}
	if len(mb.Items("deleteditems")) != 0 || len(mb.Items("recoverableitemsdeletions")) != 1 {
		t.Fatalf("soft delete did not move to recoverable items")
	}

	var cr soap.CreateItemResponse
	if _, err := c.Do(ctx, h, &soap.CreateItem{MessageDisposition: "SaveOnly", Items: soap.ItemList{&soap.Message{Subject: "draft",
		ToRecipients: &soap.Recipients{Mailboxes: []soap.Mailbox{{EmailAddress: "bob@example.com"}}}}}}, &cr); err != nil {
		t.Fatal(err)
	}
	draft := cr.ResponseMessages[0].Items.Items[0].ItemID
	var ar soap.CreateAttachmentResponse
	if _, err := c.Do(ctx, h, &soap.CreateAttachment{ParentItemID: soap.ReferenceItemID{ID: draft.ID},
		Attachments: soap.Attachments{Attachments: []any{&soap.FileAttachment{Name: "x.bin", Content: "AAEC"},
			&soap.ItemAttachment{Name: "inner", Item: &soap.Message{Subject: "inner"}}}}}, &ar); err != nil || len(ar.ResponseMessages) != 2 {
		t.Fatalf("CreateAttachment: %v", err)
	}
	attID := ar.ResponseMessages[0].Attachments.Attachments[0].AttachmentID.ID
	var gr soap.GetAttachmentResponse
	if _, err := c.Do(ctx, h, &soap.GetAttachment{AttachmentIDs: []soap.AttachmentID{{ID: attID}, {ID: ar.ResponseMessages[1].Attachments.Attachments[0].AttachmentID.ID}}}, &gr); err != nil {
		t.Fatal(err)
	}
	if gr.ResponseMessages[0].Attachments.Attachments[0].Content != "AAEC" || gr.ResponseMessages[1].Attachments.Attachments[0].Items[0].Subject != "inner" {
		t.Fatalf("GetAttachment: %+v", gr)
	}
	d, _ := mb.Item(draft.ID)
	var sr soap.SendItemResponse
	if _, err := c.Do(ctx, h, &soap.SendItem{SaveItemToFolder: true, ItemIDs: []soap.ItemID{{ID: draft.ID, ChangeKey: d.ChangeKey}}}, &sr); err != nil || sr.ResponseMessages[0].Err() != nil {
		t.Fatalf("SendItem: %v %+v", err, sr)
	}
	if got := bob.Items("inbox"); len(got) != 1 || len(got[0].Attachments) != 2 || got[0].Subject != "draft" {
		t.Fatalf("bob's inbox after SendItem: %+v", got)
	}
	if len(mb.Items("drafts")) != 0 || len(mb.Items("sentitems")) != 1 {
		t.Fatalf("draft not moved to sent items")
	}
}
