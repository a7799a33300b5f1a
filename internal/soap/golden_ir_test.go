package soap

import (
	"encoding/xml"
	"testing"
)

// The request shapes of the incident-response operations (issue 18), each validated against Microsoft's schema
// by CI like every testdata file.
func TestGoldenIncidentResponse(t *testing.T) {
	golden(t, "createfolder", plain, &CreateFolder{ParentFolderID: TargetFolder{Folder: FolderRef{Distinguished: "msgfolderroot"}},
		Folders: []FolderCreate{{FolderClass: "IPF.Note", DisplayName: `Quarantine <&>`}}})
	golden(t, "updatefolder-rename", plain, &UpdateFolder{FolderChanges: []FolderChange{{FolderID: FolderRef{ID: "AAMkF="},
		Updates: []SetFolderField{{Path: Path{FieldURI: "folder:DisplayName"}, Folder: FolderCreate{DisplayName: "Archive 2023"}}}}}})
	golden(t, "deletefolder", plain, &DeleteFolder{DeleteType: "SoftDelete", FolderIDs: []FolderRef{{ID: "AAMkF="}}})
	golden(t, "emptyfolder", plain, &EmptyFolder{DeleteType: "HardDelete", DeleteSubFolders: true,
		FolderIDs: []FolderRef{{Distinguished: "junkemail", Mailbox: "bob@example.com"}}})
	golden(t, "markasjunk", plain, &MarkAsJunk{IsJunk: true, MoveItem: true, ItemIDs: []ItemID{{ID: "AAMkI1="}, {ID: "AAMkI2="}}})
	golden(t, "updateitem-triage", plain, &UpdateItem{ConflictResolution: "AutoResolve", MessageDisposition: "SaveOnly",
		SuppressReadReceipts: new(bool), ItemChanges: []ItemChange{{ItemID: ItemID{ID: "AAMkI1="}, Updates: []Update{
			{Path: Path{FieldURI: "item:Categories"}, Item: &Message{Categories: &Strings{Strings: []string{"Phish", "Triaged"}}}},
			{Path: Path{FieldURI: "item:Importance"}, Item: &Message{Importance: "High"}},
			{Path: Path{FieldURI: "item:Flag"}, Item: &Message{Flag: &Flag{FlagStatus: "Flagged"}}},
			{Path: Path{FieldURI: "message:IsRead"}, Item: &Message{IsRead: new(bool)}},
		}}}})
	golden(t, "createitem-reply-all", plain, &CreateItem{MessageDisposition: "SendAndSaveCopy",
		SavedItemFolderID: &TargetFolder{Folder: FolderRef{Distinguished: "sentitems"}},
		Items: ItemList{&SmartResponse{XMLName: ReplyAllToItemName, CcRecipients: &Recipients{Mailboxes: []Mailbox{{EmailAddress: "soc@example.com"}}},
			ReferenceItemID: ReferenceItemID{ID: "AAMkI1="}, NewBodyContent: &Body{BodyType: "HTML", Text: "<p>Removed.</p>"}}}})
	golden(t, "createitem-forward", plain, &CreateItem{MessageDisposition: "SendAndSaveCopy",
		Items: ItemList{&SmartResponse{XMLName: ForwardItemName, ToRecipients: &Recipients{Mailboxes: []Mailbox{{EmailAddress: "abuse@example.net"}}},
			ReferenceItemID: ReferenceItemID{ID: "AAMkI1="}}}})
	golden(t, "getinboxrules", plain, &GetInboxRules{MailboxSmtpAddress: "ceo@example.com"})
	conditions := &XMLNode{Nodes: []XMLNode{{XMLName: xml.Name{Local: "FromAddresses"}, Nodes: []XMLNode{{XMLName: xml.Name{Local: "Address"},
		Nodes: []XMLNode{{XMLName: xml.Name{Local: "EmailAddress"}, Text: "cfo@example.com"}}}}}}}
	actions := &XMLNode{Nodes: []XMLNode{
		{XMLName: xml.Name{Local: "RedirectToRecipients"}, Nodes: []XMLNode{{XMLName: xml.Name{Local: "Address"},
			Nodes: []XMLNode{{XMLName: xml.Name{Local: "EmailAddress"}, Text: "x@evil.example"}}}}},
		{XMLName: xml.Name{Local: "StopProcessingRules"}, Text: "true"}}}
	golden(t, "updateinboxrules-disable", plain, &UpdateInboxRules{MailboxSmtpAddress: "ceo@example.com", Operations: []RuleOperation{{Set: &RuleRequest{
		RuleID: "RULE7", DisplayName: ".", Priority: 2, IsEnabled: false, Conditions: conditions, Exceptions: &XMLNode{}, Actions: actions}}}})
	golden(t, "updateinboxrules-delete", plain, &UpdateInboxRules{Operations: []RuleOperation{{DeleteID: "RULE7"}}})
	golden(t, "getuseroofsettings", plain, &GetUserOofSettings{Mailbox: OofMailbox{Address: "bob@example.com"}})
	golden(t, "setuseroofsettings-scheduled", plain, &SetUserOofSettings{Mailbox: OofMailbox{Address: "bob@example.com"},
		UserOofSettings: UserOofSettingsReq{OofState: "Scheduled", ExternalAudience: "Known",
			Duration:      &OofDuration{StartTime: "2024-07-01T08:00:00Z", EndTime: "2024-07-05T18:00:00Z"},
			InternalReply: &ReplyBody{Message: "Away <b>until</b> Friday"}, ExternalReply: &ReplyBody{Message: "Away"}}})
}
