package soap

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// decodeFast implements fastResponse: GetItem responses, the bulk of what a mailbox scan reads, are decoded
// item by item from the token stream without reflection.
func (r *GetItemResponse) decodeFast(d *fastDecoder) error {
	return d.children(func(local []byte) error {
		if string(local) != "ResponseMessages" {
			return d.skip()
		}
		return d.children(func(local []byte) error {
			if string(local) != "GetItemResponseMessage" {
				return d.skip()
			}
			return d.itemInfoMessage(nextItemInfo(&r.ResponseMessages))
		})
	})
}

// itemInfoMessage decodes a response message with items.
func (d *fastDecoder) itemInfoMessage(m *ItemInfoResponseMessage) error {
	return d.responseMessage(&m.ResponseMessage, "Items", func() error { return d.items(&m.Items.Items) })
}

// responseMessage decodes the fields every *ResponseMessage has and hands its payload element (payload, e.g.
// "Items" or "RootFolder") to decodePayload.
func (d *fastDecoder) responseMessage(m *ResponseMessage, payload string, decodePayload func() error) error {
	d.attrString("ResponseClass", &m.ResponseClass)
	return d.children(func(local []byte) error {
		switch string(local) {
		case "MessageText":
			return d.stringValue(&m.MessageText)
		case "ResponseCode":
			return d.stringValue(&m.ResponseCode)
		case "DescriptiveLinkKey":
			return d.intValue(&m.DescriptiveLinkKey)
		case "MessageXml":
			return d.messageXML(&m.MessageXML)
		case payload:
			return decodePayload()
		}
		return d.skip()
	})
}

// messageXML decodes a MessageXml element as MessageXML.UnmarshalXML does.
func (d *fastDecoder) messageXML(m *MessageXML) error {
	return d.children(func(local []byte) error {
		key := string(local)
		if name, ok := d.s.attr("Name"); ok {
			key = string(name)
		}
		v, err := d.text()
		if err != nil {
			return err
		}
		if key == "" {
			key = string(local)
		}
		if m.Values == nil {
			m.Values = make(map[string]string)
		}
		m.Values[key] = strings.TrimSpace(v)
		return nil
	})
}

// items decodes the children of an Items element. An item holding a property this decoder leaves to
// encoding/xml (errFallback) is decoded again from its bytes by encoding/xml.
func (d *fastDecoder) items(dst *[]Item) error {
	s := d.s
	return d.children(func([]byte) error {
		it := nextItem(dst)
		depth := s.depth()
		s.keepFrom()
		err := d.item(it)
		if err != errFallback && !isValueError(err) {
			s.mark = -1
			return err
		}
		for s.depth() >= depth {
			if err := s.next(); err != nil {
				s.mark = -1
				return eofErr(err)
			}
		}
		if err != errFallback {
			// A value that cannot be read fails this item alone (as Items.UnmarshalXML does).
			s.mark = -1
			*it = Item{DecodeError: err.Error()}
			return nil
		}
		*it = Item{}
		if err := d.stdRaw(s.rawFrom(), it); err != nil {
			if !isValueError(err) {
				return err
			}
			*it = Item{DecodeError: err.Error()}
		}
		return nil
	})
}

// item decodes an item element (Message, MeetingRequest, CalendarItem...) into it: the fields of ItemType and
// MessageType itself, any other field of Item by errFallback.
func (d *fastDecoder) item(it *Item) error {
	// Attached items hold items in turn; a hostile server must not make the decoder recurse without end.
	if d.nested >= maxNestedItems {
		return refusedErr(fmt.Sprintf("items attached more than %d levels deep", maxNestedItems))
	}
	d.nested++
	defer func() { d.nested-- }()
	space, local := d.s.resolve(d.s.name)
	it.XMLName.Space, it.XMLName.Local = space, local
	return d.children(func(local []byte) error {
		switch string(local) {
		case "ItemId":
			return d.id(&it.ItemID)
		case "ParentFolderId":
			return d.id(&it.ParentFolderID)
		case "ConversationId":
			return d.id(&it.ConversationID)
		case "MimeContent":
			if it.MimeContent == nil {
				it.MimeContent = new(MimeContent)
			}
			d.attrString("CharacterSet", &it.MimeContent.CharacterSet)
			return d.stringValue(&it.MimeContent.Base64)
		case "ItemClass":
			return d.stringValue(&it.ItemClass)
		case "Subject":
			return d.stringValue(&it.Subject)
		case "Sensitivity":
			return d.stringValue(&it.Sensitivity)
		case "Body":
			return d.body(&it.Body)
		case "UniqueBody":
			return d.body(&it.UniqueBody)
		case "TextBody":
			return d.body(&it.TextBody)
		case "Attachments":
			if it.Attachments == nil {
				it.Attachments = new(AttachmentsResp)
			}
			return d.attachments(it.Attachments)
		case "DateTimeReceived":
			return d.timeValue(&it.DateTimeReceived)
		case "DateTimeSent":
			return d.timeValue(&it.DateTimeSent)
		case "DateTimeCreated":
			return d.timeValue(&it.DateTimeCreated)
		case "ReminderDueBy":
			return d.timeValue(&it.ReminderDueBy)
		case "LastModifiedTime":
			return d.timeValue(&it.LastModifiedTime)
		case "Size":
			return d.int64Value(&it.Size)
		case "ReminderMinutesBeforeStart":
			return d.intValue(&it.ReminderMinutesBeforeStart)
		case "Categories":
			return d.children(func(local []byte) error {
				if string(local) != "String" {
					return d.skip()
				}
				it.Categories = append(it.Categories, "")
				return d.stringValue(&it.Categories[len(it.Categories)-1])
			})
		case "Importance":
			return d.stringValue(&it.Importance)
		case "Flag":
			return d.children(func(local []byte) error {
				if string(local) != "FlagStatus" {
					return d.skip()
				}
				return d.stringValue(&it.FlagStatus)
			})
		case "InReplyTo":
			return d.stringValue(&it.InReplyTo)
		case "IsSubmitted":
			return d.boolValue(&it.IsSubmitted)
		case "IsDraft":
			return d.boolValue(&it.IsDraft)
		case "IsFromMe":
			return d.boolValue(&it.IsFromMe)
		case "ReminderIsSet":
			return d.boolValue(&it.ReminderIsSet)
		case "HasAttachments":
			return d.boolValue(&it.HasAttachments)
		case "IsReadReceiptRequested":
			return d.boolValue(&it.IsReadReceiptRequested)
		case "IsDeliveryReceiptRequested":
			return d.boolValue(&it.IsDeliveryReceiptRequested)
		case "IsRead":
			return d.boolValue(&it.IsRead)
		case "IsResponseRequested":
			return d.boolValue(&it.IsResponseRequested)
		case "InternetMessageHeaders":
			return d.children(func(local []byte) error {
				if string(local) != "InternetMessageHeader" {
					return d.skip()
				}
				it.InternetMessageHeaders = append(it.InternetMessageHeaders, InternetHeader{})
				h := &it.InternetMessageHeaders[len(it.InternetMessageHeaders)-1]
				d.attrString("HeaderName", &h.Name)
				return d.stringValue(&h.Value)
			})
		case "DisplayCc":
			return d.stringValue(&it.DisplayCc)
		case "DisplayTo":
			return d.stringValue(&it.DisplayTo)
		case "ExtendedProperty":
			it.ExtendedProperty = append(it.ExtendedProperty, ExtendedPropertyResp{})
			return d.extendedProperty(&it.ExtendedProperty[len(it.ExtendedProperty)-1])
		case "Preview":
			return d.stringValue(&it.Preview)
		case "Sender":
			return d.single(&it.Sender)
		case "From":
			return d.single(&it.From)
		case "ReceivedBy":
			return d.single(&it.ReceivedBy)
		case "ToRecipients":
			return d.mailboxes(&it.ToRecipients)
		case "CcRecipients":
			return d.mailboxes(&it.CcRecipients)
		case "BccRecipients":
			return d.mailboxes(&it.BccRecipients)
		case "ReplyTo":
			return d.mailboxes(&it.ReplyTo)
		case "ConversationTopic":
			return d.stringValue(&it.ConversationTopic)
		case "InternetMessageId":
			return d.stringValue(&it.InternetMessageID)
		case "References":
			return d.stringValue(&it.References)
		}
		if itemFields[string(local)] {
			return errFallback
		}
		return d.skip()
	})
}

// maxNestedItems bounds how deep attached items may nest.
const maxNestedItems = 32

// itemFields are the element names of Item's fields (the first step of their paths).
var itemFields = func() map[string]bool {
	m := map[string]bool{}
	t := reflect.TypeFor[Item]()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("xml"), ",")
		name, _, _ = strings.Cut(name, ">")
		if name != "" {
			m[name] = true
		}
	}
	return m
}()

// id decodes an ItemId-like element (attributes Id and ChangeKey) into *p, allocating it on first use.
func (d *fastDecoder) id(p **ID) error {
	if *p == nil {
		*p = new(ID)
	}
	d.attrString("Id", &(*p).ID)
	d.attrString("ChangeKey", &(*p).ChangeKey)
	return d.skip()
}

// body decodes a Body, UniqueBody or TextBody.
func (d *fastDecoder) body(p **Body) error {
	if *p == nil {
		*p = new(Body)
	}
	b := *p
	d.attrString("BodyType", &b.BodyType)
	if v, ok := d.s.attr("IsTruncated"); ok {
		t, err := parseBool(v)
		if err != nil {
			return err
		}
		b.IsTruncated = t
	}
	return d.stringValue(&b.Text)
}

// mailbox decodes a t:Mailbox.
func (d *fastDecoder) mailbox(m *MailboxResp) error {
	return d.children(func(local []byte) error {
		switch string(local) {
		case "Name":
			return d.stringValue(&m.Name)
		case "EmailAddress":
			return d.stringValue(&m.EmailAddress)
		case "RoutingType":
			return d.stringValue(&m.RoutingType)
		case "MailboxType":
			return d.stringValue(&m.MailboxType)
		case "ItemId":
			return d.id(&m.ItemID)
		}
		return d.skip()
	})
}

// single decodes a SingleRecipientType (Sender, From, ReceivedBy).
func (d *fastDecoder) single(p **SingleRecipientResp) error {
	if *p == nil {
		*p = new(SingleRecipientResp)
	}
	r := *p
	return d.children(func(local []byte) error {
		if string(local) != "Mailbox" {
			return d.skip()
		}
		return d.mailbox(&r.Mailbox)
	})
}

// mailboxes decodes a list of recipients (ToRecipients>Mailbox...).
func (d *fastDecoder) mailboxes(dst *[]MailboxResp) error {
	return d.children(func(local []byte) error {
		if string(local) != "Mailbox" {
			return d.skip()
		}
		*dst = append(*dst, MailboxResp{})
		return d.mailbox(&(*dst)[len(*dst)-1])
	})
}

// extendedProperty decodes a t:ExtendedProperty.
func (d *fastDecoder) extendedProperty(p *ExtendedPropertyResp) error {
	return d.children(func(local []byte) error {
		switch string(local) {
		case "ExtendedFieldURI":
			u := &p.ExtendedFieldURI
			d.attrString("DistinguishedPropertySetId", &u.DistinguishedPropertySetID)
			d.attrString("PropertySetId", &u.PropertySetID)
			d.attrString("PropertyTag", &u.PropertyTag)
			d.attrString("PropertyName", &u.PropertyName)
			d.attrString("PropertyId", &u.PropertyID)
			d.attrString("PropertyType", &u.PropertyType)
			return d.skip()
		case "Value":
			return d.stringValue(&p.Value)
		case "Values":
			return d.children(func(local []byte) error {
				if string(local) != "Value" {
					return d.skip()
				}
				p.Values = append(p.Values, "")
				return d.stringValue(&p.Values[len(p.Values)-1])
			})
		}
		return d.skip()
	})
}

// attachments decodes the t:Attachments of an item: every child is an attachment.
func (d *fastDecoder) attachments(a *AttachmentsResp) error {
	return d.children(func([]byte) error {
		a.Attachments = append(a.Attachments, AttachmentResp{})
		at := &a.Attachments[len(a.Attachments)-1]
		space, local := d.s.resolve(d.s.name)
		at.XMLName.Space, at.XMLName.Local = space, local
		return d.children(func(local []byte) error {
			switch string(local) {
			case "AttachmentId":
				d.attrString("Id", &at.AttachmentID.ID)
				d.attrString("RootItemId", &at.AttachmentID.RootItemID)
				d.attrString("RootItemChangeKey", &at.AttachmentID.RootItemChangeKey)
				return d.skip()
			case "Name":
				return d.stringValue(&at.Name)
			case "ContentType":
				return d.stringValue(&at.ContentType)
			case "ContentId":
				return d.stringValue(&at.ContentID)
			case "ContentLocation":
				return d.stringValue(&at.ContentLocation)
			case "Size":
				return d.int64Value(&at.Size)
			case "LastModifiedTime":
				return d.timeValue(&at.LastModifiedTime)
			case "IsInline":
				return d.boolValue(&at.IsInline)
			case "IsContactPhoto":
				return d.boolValue(&at.IsContactPhoto)
			case "Content":
				return d.stringValue(&at.Content)
			}
			// Any other element is an attached item.
			at.Items = append(at.Items, Item{})
			return d.item(&at.Items[len(at.Items)-1])
		})
	})
}

// decodeFast implements fastResponse: the pages of a mailbox scan.
func (r *FindItemResponse) decodeFast(d *fastDecoder) error {
	return d.children(func(local []byte) error {
		if string(local) != "ResponseMessages" {
			return d.skip()
		}
		return d.children(func(local []byte) error {
			if string(local) != "FindItemResponseMessage" {
				return d.skip()
			}
			m := nextFindItem(&r.ResponseMessages)
			return d.responseMessage(&m.ResponseMessage, "RootFolder", func() error { return d.rootFolder(&m.RootFolder) })
		})
	})
}

// rootFolder decodes the m:RootFolder of a FindItem response.
func (d *fastDecoder) rootFolder(f *FindItemParent) error {
	for _, a := range []struct {
		name string
		dst  *int
	}{{"IndexedPagingOffset", &f.IndexedPagingOffset}, {"TotalItemsInView", &f.TotalItemsInView}} {
		if v, ok := d.s.attr(a.name); ok {
			n, err := parseInt(v, strconv.IntSize)
			if err != nil {
				return err
			}
			*a.dst = int(n)
		}
	}
	if v, ok := d.s.attr("IncludesLastItemInRange"); ok {
		b, err := parseBool(v)
		if err != nil {
			return err
		}
		f.IncludesLastItemInRange = b
	}
	return d.children(func(local []byte) error {
		if string(local) != "Items" {
			return d.skip()
		}
		return d.items(&f.Items.Items)
	})
}
