package testserver

import (
	"strings"
	"time"
)

// Out-of-office settings: GetUserOofSettings and SetUserOofSettings, whose request elements are
// GetUserOofSettingsRequest and SetUserOofSettingsRequest and whose responses carry an m:ResponseMessage.

func init() {
	registerWhole("GetUserOofSettingsRequest", handleGetOof)
	registerWhole("SetUserOofSettingsRequest", handleSetOof)
}

// OofSettings are a fake mailbox's automatic replies.
type OofSettings struct {
	State            string // Disabled (default), Enabled, Scheduled
	ExternalAudience string // None (default), Known, All
	Start, End       time.Time
	InternalReply    string
	ExternalReply    string
}

// Oof returns the mailbox's out-of-office settings.
func (mb *Mailbox) Oof() OofSettings {
	mb.srv.mu.Lock()
	defer mb.srv.mu.Unlock()
	return mb.oofLocked()
}

func (mb *Mailbox) oofLocked() OofSettings {
	if mb.oof == nil {
		return OofSettings{State: "Disabled", ExternalAudience: "None"}
	}
	return *mb.oof
}

// SetOof sets the mailbox's out-of-office settings.
func (mb *Mailbox) SetOof(o OofSettings) {
	mb.srv.mu.Lock()
	defer mb.srv.mu.Unlock()
	mb.oof = &o
}

// oofMailbox is the mailbox a t:Mailbox/t:Address of an OOF request names; the user must have access to it.
func (r *request) oofMailbox(body *node) (*Mailbox, *errorCode) {
	addr := strings.TrimSpace(body.path("Mailbox", "Address").textOrEmpty())
	if addr == "" {
		return nil, &errorCode{"ErrorInvalidOofParameter", "The Mailbox Address is missing."}
	}
	mb := r.srv.mailboxes[lower(addr)]
	if mb == nil {
		return nil, &errorCode{"ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it."}
	}
	if mb != r.mailbox && !r.mayAccess(mb) {
		return nil, &errorCode{"ErrorAccessDenied", "Access is denied. Check credentials and try again."}
	}
	return mb, nil
}

func (r *request) oofResponse(name string, ec *errorCode) {
	r.w.open("m:"+name, "xmlns:m", nsMessages, "xmlns:t", nsTypes)
	if ec != nil {
		r.w.open("m:ResponseMessage", "ResponseClass", "Error")
		r.w.elem("m:MessageText", ec.text)
		r.w.elem("m:ResponseCode", ec.code)
		r.w.elem("m:DescriptiveLinkKey", "0")
	} else {
		r.w.open("m:ResponseMessage", "ResponseClass", "Success")
		r.w.elem("m:ResponseCode", "NoError")
	}
	r.w.close()
}

func handleGetOof(r *request, body *node) error {
	mb, ec := r.oofMailbox(body)
	r.oofResponse("GetUserOofSettingsResponse", ec)
	if ec != nil {
		r.w.close()
		return nil
	}
	o := mb.oofLocked()
	w := &r.w
	w.open("t:OofSettings")
	w.elem("t:OofState", o.State)
	w.elem("t:ExternalAudience", o.ExternalAudience)
	start, end := o.Start, o.End
	if start.IsZero() {
		start = r.srv.now()
		end = start.Add(24 * time.Hour)
	}
	w.open("t:Duration").elemTime("t:StartTime", start).elemTime("t:EndTime", end).close()
	w.open("t:InternalReply").elem("t:Message", o.InternalReply).close()
	w.open("t:ExternalReply").elem("t:Message", o.ExternalReply).close()
	w.close()
	w.elem("m:AllowExternalOof", "All")
	w.close()
	return nil
}

func handleSetOof(r *request, body *node) error {
	s := body.child("UserOofSettings")
	if s == nil {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: UserOofSettings is required.")
	}
	mb, ec := r.oofMailbox(body)
	if ec != nil {
		r.oofResponse("SetUserOofSettingsResponse", ec)
		r.w.close()
		return nil
	}
	o := OofSettings{State: s.textOf("OofState"), ExternalAudience: s.textOf("ExternalAudience"),
		InternalReply: s.path("InternalReply", "Message").textOrEmpty(), ExternalReply: s.path("ExternalReply", "Message").textOrEmpty()}
	if d := s.child("Duration"); d != nil {
		var err1, err2 error
		o.Start, err1 = parseTime(d.textOf("StartTime"), time.UTC)
		o.End, err2 = parseTime(d.textOf("EndTime"), time.UTC)
		if err1 != nil || err2 != nil {
			return faultf("ErrorSchemaValidation", "The request failed schema validation: Duration has an invalid time.")
		}
	}
	switch {
	case o.State == "Scheduled" && (o.Start.IsZero() || !o.End.After(o.Start)):
		ec = &errorCode{"ErrorInvalidScheduledOofDuration", "The scheduled out-of-office duration is invalid."}
	case o.State != "Disabled" && o.State != "Enabled" && o.State != "Scheduled",
		o.ExternalAudience != "None" && o.ExternalAudience != "Known" && o.ExternalAudience != "All":
		return faultf("ErrorSchemaValidation", "The request failed schema validation: invalid OofState or ExternalAudience.")
	}
	if ec == nil {
		mb.oof = &o
	}
	r.oofResponse("SetUserOofSettingsResponse", ec)
	r.w.close()
	return nil
}
