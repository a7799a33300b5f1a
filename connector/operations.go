package connector

import (
	"context"
	"encoding/json"
	"iter"
	"reflect"
	"sort"
	"strings"

	"github.com/ewsgo/ews"
)

// OperationInfo describes an operation, for help texts and forms.
type OperationInfo struct {
	// Name is the operation's name, e.g. "create_event".
	Name string `json:"name"`
	// Summary says what it does.
	Summary string `json:"summary"`
	// List is true when the operation's data is a list of items.
	List bool `json:"list"`
	// Params are its parameters.
	Params []ParamInfo `json:"params"`
}

// Output receives an operation's result as it is produced.
type Output interface {
	// Write receives one item of a list result, or the data of an operation that returns one object.
	Write(v any) error
	// Flush is called once, after the last Write, when the operation has succeeded. Operations that keep state
	// (poll) save it only after Flush returns nil, so that a result that could not be delivered is produced
	// again by the next call.
	Flush() error
}

type operation struct {
	info   OperationInfo
	params reflect.Type // the parameter struct
	run    func(ctx context.Context, c *ews.Client, p any, out Output) error
}

var registry = map[string]*operation{}

func register(op *operation) { registry[op.info.Name] = op }

// single makes an operation that returns one object.
func single[P, R any](name, summary string, f func(context.Context, *ews.Client, P) (R, error)) *operation {
	t := reflect.TypeFor[P]()
	return &operation{
		info:   OperationInfo{Name: name, Summary: summary, Params: paramsOf(t)},
		params: t,
		run: func(ctx context.Context, c *ews.Client, p any, out Output) error {
			r, err := f(ctx, c, *p.(*P))
			if err != nil {
				return err
			}
			if err := out.Write(r); err != nil {
				return err
			}
			return out.Flush()
		},
	}
}

// list makes an operation that returns a list of items.
func list[P, R any](name, summary string, f func(context.Context, *ews.Client, P) iter.Seq2[R, error]) *operation {
	t := reflect.TypeFor[P]()
	return &operation{
		info:   OperationInfo{Name: name, Summary: summary, List: true, Params: paramsOf(t)},
		params: t,
		run: func(ctx context.Context, c *ews.Client, p any, out Output) error {
			for r, err := range f(ctx, c, *p.(*P)) {
				if err != nil {
					return err
				}
				if err := out.Write(r); err != nil {
					return err
				}
			}
			// An iterator that ended because its context did is cut short, whether or not it said so: the
			// result is an error, never a success with part of the list.
			if err := ctx.Err(); err != nil {
				return err
			}
			return out.Flush()
		},
	}
}

func init() {
	register(single("create_event", "Create a calendar event (a meeting when it has attendees) and return it.", CreateEvent))
	register(list("get_events", "List the calendar's events in a time range (recurring series as their occurrences).", GetEvents))
	register(list("get_contacts", "List the contacts of the Contacts folder.", GetContacts))
	register(list("get_email", "List the unread messages of the Inbox, oldest first, and mark them read.", GetEmail))
	register(single("mark_as_read", "Mark a message read.", MarkAsRead))
	register(single("move_email", "Move a message to another folder.", MoveEmail))
	register(single("delete_email", "Delete a message (to Deleted Items, to Recoverable Items, or for good).", DeleteEmail))
	register(list("search_query", "Search a folder's messages by sender, subject, body and query, newest first.", SearchQuery))
	register(single("send_email", "Send a message, with attachments, keeping a copy in Sent Items.", SendEmail))
	register(pollOperation())
}

// Operations describes every operation, sorted by name.
func Operations() []OperationInfo {
	out := make([]OperationInfo, 0, len(registry))
	for _, op := range registry {
		out = append(out, op.info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup returns the description of an operation.
func Lookup(name string) (OperationInfo, bool) {
	op, ok := registry[name]
	if !ok {
		return OperationInfo{}, false
	}
	return op.info, true
}

func lookup(name string) (*operation, error) {
	if op, ok := registry[name]; ok {
		return op, nil
	}
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	msg := "unknown operation " + quoteList([]string{name})
	if s := nearest(name, names); s != "" {
		msg += " (did you mean " + quoteList([]string{s}) + "?)"
	}
	return nil, &Error{Code: CodeUnknownOperation, Message: msg + "; operations are " + strings.Join(names, ", ")}
}

// Run runs an operation: it checks the parameters (a JSON object; null or empty for none) and the configuration
// before any request, connects, and passes the result to out as it comes (see Output). The error, if any, is an
// *Error.
func Run(ctx context.Context, cfg Config, operation string, params json.RawMessage, out Output) error {
	op, err := lookup(operation)
	if err != nil {
		return err
	}
	loc, err := cfg.location()
	if err != nil {
		return err
	}
	p := reflect.New(op.params)
	if err := decodeParams("the parameters of "+operation, params, p.Interface(), loc); err != nil {
		return err
	}
	sec := cfg.secrets()
	c, err := newClient(cfg, sec)
	if err != nil {
		return redactError(sec, ErrorOf(err))
	}
	if err := op.run(withAttachmentPolicy(ctx, cfg), c, p.Interface(), out); err != nil {
		return redactError(sec, ErrorOf(err))
	}
	return nil
}

// Execute runs an operation and returns its result: a *Result {"status": "Success", "data": ...}, whose data
// is a list for the operations that return several items. On failure it returns the error result
// {"status": "Error", "code": ..., "message": ...} as well as the *Error.
func Execute(ctx context.Context, cfg Config, operation string, params json.RawMessage) (any, error) {
	col := &collector{}
	if op, ok := registry[operation]; ok && op.info.List {
		col.items = []any{}
	}
	if err := Run(ctx, cfg, operation, params, col); err != nil {
		return Failure(err), err
	}
	if col.items != nil {
		return Success(col.items), nil
	}
	return Success(col.one), nil
}

// collector is the Output of Execute.
type collector struct {
	items []any // list operations
	one   any
}

func (c *collector) Write(v any) error {
	if c.items != nil {
		c.items = append(c.items, v)
	} else {
		c.one = v
	}
	return nil
}

func (c *collector) Flush() error { return nil }
