package connector

import (
	"context"
	"reflect"

	"github.com/ewsgo/ews"
)

// The mail, calendar, contacts and poll operations that came before the incident-response ones get the same
// optional mailbox parameter, so that a playbook can move, delete, mark or search in the mailbox a
// search_mailboxes match names, read or book that user's calendar, list their contacts, or watch their inbox
// (with a state file of its own for each mailbox). Their typed Go
// functions are unchanged (Go callers pass a client made with ews.Client.ForMailbox); the parameter is added to
// the registered operation: its parameter struct gains a Mailbox field, and the operation runs on that mailbox.
// (This file sorts after operations.go, whose init registers them.)
func init() {
	for _, name := range []string{"get_email", "mark_as_read", "move_email", "delete_email", "search_query", "send_email",
		"create_event", "get_events", "get_contacts", "poll"} {
		withMailbox(registry[name])
	}
}

// withMailbox adds the mailbox parameter to a registered operation.
func withMailbox(op *operation) {
	orig := op.params
	if _, ok := orig.FieldByName("Mailbox"); ok {
		return
	}
	fields := make([]reflect.StructField, 0, orig.NumField()+1)
	for i := 0; i < orig.NumField(); i++ {
		fields = append(fields, orig.Field(i))
	}
	fields = append(fields, reflect.StructField{Name: "Mailbox", Type: reflect.TypeFor[string](),
		Tag: `json:"mailbox" help:"act on this mailbox instead of the configured one (impersonation or delegate access, as access_type says)"`})
	wide := reflect.StructOf(fields)
	run := op.run
	op.params = wide
	op.info.Params = paramsOf(wide)
	op.run = func(ctx context.Context, c *ews.Client, p any, out Output) error {
		w := reflect.ValueOf(p).Elem()
		o := reflect.New(orig)
		for i := 0; i < orig.NumField(); i++ {
			o.Elem().Field(i).Set(w.Field(i))
		}
		mc, err := onMailbox(c, w.Field(orig.NumField()).String())
		if err != nil {
			return err
		}
		return run(ctx, mc, o.Interface(), out)
	}
}
