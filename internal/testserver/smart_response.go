package testserver

import "strings"

// Replies and forwards in CreateItem: t:ReplyToItem, t:ReplyAllToItem and t:ForwardItem answer the message
// their ReferenceItemId names; the server adds the original below NewBodyContent, sets the threading headers and
// (for a forward) keeps the original's attachments.

func init() {
	responseObjects["ReplyToItem"] = smartResponse("reply")
	responseObjects["ReplyAllToItem"] = smartResponse("replyall")
	responseObjects["ForwardItem"] = smartResponse("forward")
}

func smartResponse(kind string) func(r *request, n *node, disposition string) {
	return func(r *request, n *node, disposition string) {
		ref := n.child("ReferenceItemId")
		if ref == nil {
			r.failure("ErrorInvalidRequest", "ReferenceItemId is required.", "m:Items")
			return
		}
		mb, orig, ec := r.resolveItem(ref)
		if ec != nil {
			r.failure(ec.code, ec.text, "m:Items")
			return
		}
		if orig.Kind() != "message" {
			r.failure("ErrorInvalidReferenceItem", "The reference item does not support the requested operation.", "m:Items")
			return
		}
		it := Item{ItemClass: "IPM.Note", InReplyTo: orig.InternetMessageID,
			References: strings.TrimSpace(orig.References + " " + orig.InternetMessageID), ConversationID: orig.ConversationID}
		self := strings.ToLower(mb.Address)
		add := func(list *[]Address, as ...Address) {
			for _, a := range as {
				if a.Email != "" && strings.ToLower(a.Email) != self {
					*list = append(*list, a)
				}
			}
		}
		prefix := "RE: "
		switch kind {
		case "reply", "replyall":
			if len(orig.ReplyTo) > 0 {
				add(&it.To, orig.ReplyTo...)
			} else {
				add(&it.To, orig.From)
			}
			if kind == "replyall" {
				add(&it.To, orig.To...)
				add(&it.Cc, orig.Cc...)
			}
		case "forward":
			prefix = "FW: "
			it.Attachments = append([]Attachment(nil), orig.Attachments...)
		}
		it.To = append(it.To, readRecipients(n.child("ToRecipients"))...)
		it.Cc = append(it.Cc, readRecipients(n.child("CcRecipients"))...)
		it.Bcc = append(it.Bcc, readRecipients(n.child("BccRecipients"))...)
		it.Subject = n.textOf("Subject")
		if it.Subject == "" {
			it.Subject = prefix + orig.Subject
		}
		nb := n.child("NewBodyContent")
		quoted := "From: " + orig.From.Email + "\r\nSent: " + orig.DateTimeSent.Format("Monday, January 2, 2006 3:04 PM") +
			"\r\nSubject: " + orig.Subject + "\r\n\r\n" + orig.Body
		it.Body, it.BodyType = nb.textOrEmpty()+"\r\n\r\n"+quoted, "Text"
		if nb.attr("BodyType") == "HTML" || orig.BodyType == "HTML" {
			it.Body, it.BodyType = nb.textOrEmpty()+"<hr>"+escape(quoted), "HTML"
		}
		r.createMessage(mb, nil, it, disposition)
	}
}
