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
		nb := n.child("NewBodyContent")
		it := responseItem(mb, orig, kind, responseParts{to: readRecipients(n.child("ToRecipients")),
			cc: readRecipients(n.child("CcRecipients")), bcc: readRecipients(n.child("BccRecipients")),
			subject: n.textOf("Subject"), body: nb.textOrEmpty(), html: nb.attr("BodyType") == "HTML"})
		r.createMessage(mb, nil, it, disposition)
	}
}

// responseParts is what a reply or forward request gives: recipients besides those taken from the original, a
// subject (empty: the original's with "RE: " or "FW: "), and the new body above the quoted original.
type responseParts struct {
	to, cc, bcc []Address
	subject     string
	body        string
	html        bool // the new body is HTML
}

// responseItem builds the reply ("reply", "replyall") or forward ("forward") of orig sent from mb, as Exchange
// does for EWS's ReplyToItem, ReplyAllToItem and ForwardItem and Graph's reply, replyAll and forward: the
// threading headers; for a reply, the original's Reply-To (or sender), and for replyall its To and Cc too, mb's
// own address left out; for a forward, the original's attachments; then the parts' recipients, the subject, and
// the new body above a quote of the original (HTML when either is HTML).
func responseItem(mb *Mailbox, orig *Item, kind string, p responseParts) Item {
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
	it.To = append(it.To, p.to...)
	it.Cc = append(it.Cc, p.cc...)
	it.Bcc = append(it.Bcc, p.bcc...)
	it.Subject = p.subject
	if it.Subject == "" {
		it.Subject = prefix + orig.Subject
	}
	quoted := "From: " + orig.From.Email + "\r\nSent: " + orig.DateTimeSent.Format("Monday, January 2, 2006 3:04 PM") +
		"\r\nSubject: " + orig.Subject + "\r\n\r\n" + orig.Body
	it.Body, it.BodyType = p.body+"\r\n\r\n"+quoted, "Text"
	if p.html || orig.BodyType == "HTML" {
		it.Body, it.BodyType = p.body+"<hr>"+escape(quoted), "HTML"
	}
	return it
}
