package ews

import (
	"context"
	"errors"

	"github.com/ewsgo/ews/internal/soap"
)

// messageProps are the properties GetItem asks for to fill a Message.
var messageProps = soap.PathList{
	{FieldURI: "item:ParentFolderId"}, {FieldURI: "item:ItemClass"}, {FieldURI: "item:Subject"},
	{FieldURI: "item:Body"}, {FieldURI: "item:Attachments"}, {FieldURI: "item:DateTimeReceived"},
	{FieldURI: "item:Size"}, {FieldURI: "item:Categories"}, {FieldURI: "item:Importance"}, {FieldURI: "item:Flag"},
	{FieldURI: "item:InReplyTo"}, {FieldURI: "item:IsDraft"}, {FieldURI: "item:InternetMessageHeaders"},
	{FieldURI: "item:DateTimeSent"}, {FieldURI: "item:HasAttachments"}, {FieldURI: "item:ConversationId"},
	{FieldURI: "message:Sender"}, {FieldURI: "message:ToRecipients"}, {FieldURI: "message:CcRecipients"},
	{FieldURI: "message:BccRecipients"}, {FieldURI: "message:IsReadReceiptRequested"}, {FieldURI: "message:From"},
	{FieldURI: "message:InternetMessageId"}, {FieldURI: "message:IsRead"}, {FieldURI: "message:References"},
	{FieldURI: "message:ReplyTo"}, transportHeadersPath,
}

// messageShape is the ItemShape of a full Message: the best body (HTML when there is one) and, from Exchange
// 2013 on, the server's text rendering of it (item:TextBody).
func (s *MailService) messageShape() soap.ItemShape {
	props := append(soap.PathList(nil), messageProps...)
	if s.c.versionAtLeast("Exchange2013") {
		props = append(props, soap.Path{FieldURI: "item:TextBody"})
	}
	return soap.ItemShape{BaseShape: "IdOnly", BodyType: "Best", AdditionalProperties: props}
}

// get is Get over EWS.
func (s ewsMail) get(ctx context.Context, ids ...string) ([]*Message, error) {
	o, err := s.batchOptions()
	if err != nil {
		return nil, err
	}
	res := &batchResult{total: len(ids)}
	targets, err := s.resolve(ctx, ids, res)
	if err != nil {
		return nil, err
	}
	out := make([]*Message, len(targets))
	shape := s.messageShape()
	eachBatch(ctx, s.c, o, targets, res, func(ctx context.Context, lo int, batch []target) ([]error, error) {
		items, errs, err := s.getItems(ctx, batch, shape)
		if err != nil {
			return nil, err
		}
		for i, it := range items {
			if it != nil {
				out[lo+i] = messageFromWire(it, s.c.cfg.Location)
			}
		}
		return errs, nil
	})
	msgs := out[:0]
	for _, m := range out {
		if m != nil {
			msgs = append(msgs, m)
		}
	}
	return msgs, res.err()
}

// getItems fetches batch with one GetItem and returns, per item, the item or its error.
func (s *MailService) getItems(ctx context.Context, batch []target, shape soap.ItemShape) ([]*soap.Item, []error, error) {
	return s.getItemsInto(ctx, batch, shape, new(soap.GetItemResponse))
}

// getItemsInto is getItems decoding into resp (the items returned point into it).
func (s *MailService) getItemsInto(ctx context.Context, batch []target, shape soap.ItemShape, resp *soap.GetItemResponse) ([]*soap.Item, []error, error) {
	ids := make([]string, len(batch))
	for i, t := range batch {
		ids[i] = t.id
	}
	return s.c.getItemBatchInto(ctx, ids, shape, resp)
}

func isErr(err, target error) bool { return errors.Is(err, target) }
