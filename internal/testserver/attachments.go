package testserver

func init() {
	register("CreateAttachment", handleCreateAttachment)
	register("GetAttachment", handleGetAttachment)
	register("DeleteAttachment", handleDeleteAttachment)
}

func handleCreateAttachment(r *request, body *node) error {
	parent := body.child("ParentItemId")
	atts := body.child("Attachments")
	if parent == nil || atts == nil || len(atts.kids()) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: ParentItemId and Attachments are required.")
	}
	mb, it, ec := r.resolveItem(parent)
	r.messages()
	for _, a := range atts.kids() {
		if ec != nil {
			r.failure(ec.code, ec.text, "m:Attachments")
			continue
		}
		att, err := r.readAttachment(a)
		if err != nil {
			r.failure("ErrorInvalidAttachmentSubfilter", err.Error(), "m:Attachments")
			continue
		}
		mb.seq++
		att.ID = mb.newID("A")
		it.Attachments = append(it.Attachments, att)
		mb.touchLocked(it)
		r.success()
		r.w.open("m:Attachments")
		name := "t:FileAttachment"
		if att.Item != nil {
			name = "t:ItemAttachment"
		}
		r.w.open(name).empty("t:AttachmentId", "Id", att.ID, "RootItemId", it.ID, "RootItemChangeKey", it.ChangeKey).close()
		r.w.close().close()
	}
	return nil
}

// findAttachment finds an attachment by id in the mailbox its id names. Exchange answers ErrorItemNotFound for an
// attachment that is gone (ErrorAttachmentNotFound is not a response code of the schema).
func (r *request) findAttachment(id string) (*Mailbox, *Item, int, *errorCode) {
	addr, kind, ok := decodeID(id)
	if !ok || kind != "A" {
		return nil, nil, 0, errMalformedID()
	}
	mb := r.srv.mailboxes[lower(addr)]
	if mb == nil || (mb != r.mailbox && !r.mayAccess(mb)) {
		return nil, nil, 0, errItemNotFound()
	}
	for _, it := range mb.items {
		for i := range it.Attachments {
			if it.Attachments[i].ID == id {
				return mb, it, i, nil
			}
		}
	}
	return nil, nil, 0, errItemNotFound()
}

func handleGetAttachment(r *request, body *node) error {
	ids := body.child("AttachmentIds")
	if ids == nil || len(ids.kids()) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: AttachmentIds is required.")
	}
	shape := body.child("AttachmentShape")
	mime := xsTrue(shape.textOf("IncludeMimeContent"))
	r.messages()
	for _, n := range ids.kids() {
		mb, it, a, ec := r.findAttachmentDeep(n.attr("Id"))
		if ec != nil {
			r.failure(ec.code, ec.text, "m:Attachments")
			continue
		}
		r.success()
		r.w.open("m:Attachments")
		if a.Item == nil {
			writeAttachment(&r.w, a, true)
		} else {
			r.w.open("t:ItemAttachment")
			r.w.empty("t:AttachmentId", "Id", a.ID)
			r.w.elem("t:Name", a.Name)
			r.w.elem("t:ContentType", orDefault(a.ContentType, "message/rfc822"))
			r.w.elemInt("t:Size", a.Item.Size())
			r.w.elemBool("t:IsInline", a.IsInline)
			inner := a.Item.clone()
			if inner.ID == "" {
				inner.ID = a.ID
				inner.ChangeKey = changeKey(0)
				inner.FolderID = it.FolderID
			}
			s := itemShape{base: "AllProperties", props: map[string]bool{}, bodyType: "Best", mime: mime}
			r.writeItem(mb, &inner, s)
			r.w.close()
		}
		r.w.close().close()
	}
	return nil
}

func handleDeleteAttachment(r *request, body *node) error {
	ids := body.child("AttachmentIds")
	if ids == nil || len(ids.kids()) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: AttachmentIds is required.")
	}
	r.messages()
	for _, n := range ids.kids() {
		mb, it, i, ec := r.findAttachment(n.attr("Id"))
		if ec != nil {
			r.failure(ec.code, ec.text, "")
			continue
		}
		it.Attachments = append(it.Attachments[:i], it.Attachments[i+1:]...)
		mb.touchLocked(it)
		r.success()
		r.w.empty("m:RootItemId", "RootItemId", it.ID, "RootItemChangeKey", it.ChangeKey)
		r.w.close()
	}
	return nil
}
