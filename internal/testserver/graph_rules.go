package testserver

import (
	"encoding/json"
	"net/http"
)

// Graph inbox rules over the same rules as GetInboxRules/UpdateInboxRules: GET, PATCH and DELETE
// /users/{id}/mailFolders/inbox/messageRules[/{id}] (Microsoft Graph v1.0 messageRule). A rule added with
// AddInboxRule or over EWS is listed here, and a change made here is read over EWS.

func init() { graphRoutes = append(graphRoutes, (*graphCall).rulesRoute) }

func (g *graphCall) rulesRoute(mb *Mailbox, rest []string) (*graphAnswer, *graphError, bool) {
	if len(rest) < 3 || rest[0] != "mailFolders" || rest[2] != "messageRules" || len(rest) > 4 {
		return nil, nil, false
	}
	if f := graphFolder(mb, rest[1]); f == nil || f.ID != mb.dist["inbox"] {
		return nil, errNotFound(), true
	}
	if len(rest) == 3 {
		if g.method != http.MethodGet {
			return nil, gerr(http.StatusMethodNotAllowed, "BadRequest", "The fake server does not create rules over Graph."), true
		}
		list := make([]any, 0, len(mb.rules))
		for _, r := range mb.rules {
			list = append(list, ruleJSON(mb, r))
		}
		return &graphAnswer{status: http.StatusOK, json: map[string]any{"value": list}}, nil, true
	}
	var rule *InboxRule
	at := -1
	for i, r := range mb.rules {
		if r.ID == rest[3] {
			rule, at = r, i
		}
	}
	if rule == nil {
		return nil, errNotFound(), true
	}
	switch g.method {
	case http.MethodGet:
		return &graphAnswer{status: http.StatusOK, json: ruleJSON(mb, rule)}, nil, true
	case http.MethodDelete:
		mb.rules = append(mb.rules[:at], mb.rules[at+1:]...)
		return &graphAnswer{status: http.StatusNoContent}, nil, true
	case http.MethodPatch:
		var p map[string]json.RawMessage
		if err := json.Unmarshal(g.body, &p); err != nil {
			return nil, gerr(http.StatusBadRequest, "UnableToDeserializePostBody", "Were unable to deserialize the request body."), true
		}
		n := *rule
		for k, v := range p {
			var err error
			switch k {
			case "isEnabled":
				err = json.Unmarshal(v, &n.Enabled)
			case "displayName":
				err = json.Unmarshal(v, &n.Name)
			case "sequence":
				err = json.Unmarshal(v, &n.Priority)
				if err == nil && n.Priority < 1 {
					return nil, gerr(http.StatusBadRequest, "ErrorInvalidArgument", "The sequence must be a positive number."), true
				}
			default:
				return nil, gerr(http.StatusBadRequest, "BadRequest", "The fake server does not change the property '%s' of a rule.", k), true
			}
			if err != nil {
				return nil, gerr(http.StatusBadRequest, "UnableToDeserializePostBody", "Cannot read the value of property '%s'.", k), true
			}
		}
		*rule = n
		mb.sortRulesLocked()
		return &graphAnswer{status: http.StatusOK, json: ruleJSON(mb, rule)}, nil, true
	}
	return nil, gerr(http.StatusMethodNotAllowed, "BadRequest", "Unsupported request %s %s.", g.method, g.path), true
}

// ruleJSON is Graph's messageRule for a rule: the conditions and actions it has, as Graph leaves out the others.
func ruleJSON(mb *Mailbox, r *InboxRule) map[string]any {
	recips := func(list []string) []any {
		out := make([]any, 0, len(list))
		for _, a := range list {
			out = append(out, map[string]any{"emailAddress": map[string]any{"name": a, "address": a}})
		}
		return out
	}
	cond, act := map[string]any{}, map[string]any{}
	if len(r.ContainsSubjectStrings) > 0 {
		cond["subjectContains"] = r.ContainsSubjectStrings
	}
	if len(r.FromAddresses) > 0 {
		cond["fromAddresses"] = recips(r.FromAddresses)
	}
	if len(r.SentToAddresses) > 0 {
		cond["sentToAddresses"] = recips(r.SentToAddresses)
	}
	if len(r.ForwardTo) > 0 {
		act["forwardTo"] = recips(r.ForwardTo)
	}
	if len(r.ForwardAsAttachmentTo) > 0 {
		act["forwardAsAttachmentTo"] = recips(r.ForwardAsAttachmentTo)
	}
	if len(r.RedirectTo) > 0 {
		act["redirectTo"] = recips(r.RedirectTo)
	}
	if f := mb.folders[r.MoveToFolder]; f != nil {
		act["moveToFolder"] = f.ID
	}
	if r.Delete {
		act["delete"] = true
	}
	if r.MarkAsRead {
		act["markAsRead"] = true
	}
	if r.StopProcessing {
		act["stopProcessingRules"] = true
	}
	return map[string]any{"id": r.ID, "displayName": r.Name, "sequence": r.Priority, "isEnabled": r.Enabled,
		"hasError": false, "isReadOnly": false, "conditions": cond, "actions": act}
}
