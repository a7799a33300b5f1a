package testserver

import (
	"sort"
	"strconv"
	"strings"
)

// Inbox rules: GetInboxRules and UpdateInboxRules (Exchange 2010 and later), as Exchange answers them.

func init() {
	registerWhole("GetInboxRules", handleGetInboxRules)
	registerWhole("UpdateInboxRules", handleUpdateInboxRules)
}

// InboxRule is a server-side inbox rule of a fake mailbox: the conditions and actions the server models.
type InboxRule struct {
	ID       string
	Name     string
	Priority int
	Enabled  bool

	// Conditions.
	ContainsSubjectStrings []string
	FromAddresses          []string
	SentToAddresses        []string

	// Actions.
	Delete                bool
	ForwardAsAttachmentTo []string
	ForwardTo             []string
	MarkAsRead            bool
	MoveToFolder          string // folder id
	RedirectTo            []string
	StopProcessing        bool
}

// AddInboxRule adds a rule to the mailbox and returns its id; a zero Priority puts it last.
func (mb *Mailbox) AddInboxRule(rule InboxRule) string {
	mb.srv.mu.Lock()
	defer mb.srv.mu.Unlock()
	return mb.addRuleLocked(rule)
}

func (mb *Mailbox) addRuleLocked(rule InboxRule) string {
	mb.seq++
	rule.ID = "RULE" + strconv.Itoa(mb.seq)
	if rule.Priority == 0 {
		rule.Priority = len(mb.rules) + 1
	}
	mb.rules = append(mb.rules, &rule)
	mb.sortRulesLocked()
	return rule.ID
}

func (mb *Mailbox) sortRulesLocked() {
	sort.SliceStable(mb.rules, func(i, j int) bool { return mb.rules[i].Priority < mb.rules[j].Priority })
}

// InboxRules returns copies of the mailbox's rules, by priority.
func (mb *Mailbox) InboxRules() []InboxRule {
	mb.srv.mu.Lock()
	defer mb.srv.mu.Unlock()
	out := make([]InboxRule, len(mb.rules))
	for i, r := range mb.rules {
		out[i] = *r
	}
	return out
}

// rulesMailbox is the mailbox a rules request names in MailboxSmtpAddress, or the request's own.
func (r *request) rulesMailbox(body *node) (*Mailbox, *errorCode) {
	addr := strings.TrimSpace(body.textOf("MailboxSmtpAddress"))
	if addr == "" {
		return r.mailbox, nil
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

// openWhole opens the response element of an operation whose response is its one response message.
func (r *request) openWhole(class string) {
	r.w.open("m:"+r.op+"Response", "ResponseClass", class, "xmlns:m", nsMessages, "xmlns:t", nsTypes)
}

func (r *request) wholeFailure(ec *errorCode) {
	r.openWhole("Error")
	r.w.elem("m:MessageText", ec.text)
	r.w.elem("m:ResponseCode", ec.code)
	r.w.elem("m:DescriptiveLinkKey", "0")
	r.w.close()
}

func handleGetInboxRules(r *request, body *node) error {
	mb, ec := r.rulesMailbox(body)
	if ec != nil {
		r.wholeFailure(ec)
		return nil
	}
	r.openWhole("Success")
	r.w.elem("m:ResponseCode", "NoError")
	r.w.elemBool("m:OutlookRuleBlobExists", false)
	if len(mb.rules) > 0 {
		r.w.open("m:InboxRules")
		for _, rule := range mb.rules {
			r.writeRule(mb, rule)
		}
		r.w.close()
	}
	r.w.close()
	return nil
}

func (r *request) writeRule(mb *Mailbox, rule *InboxRule) {
	w := &r.w
	addrs := func(name string, list []string) {
		if len(list) == 0 {
			return
		}
		w.open(name)
		for _, a := range list {
			w.open("t:Address").elem("t:EmailAddress", a).elem("t:RoutingType", "SMTP").close()
		}
		w.close()
	}
	strs := func(name string, list []string) {
		if len(list) == 0 {
			return
		}
		w.open(name)
		for _, s := range list {
			w.elem("t:String", s)
		}
		w.close()
	}
	w.open("t:Rule")
	w.elem("t:RuleId", rule.ID)
	w.elem("t:DisplayName", rule.Name)
	w.elemInt("t:Priority", rule.Priority)
	w.elemBool("t:IsEnabled", rule.Enabled)
	w.elemBool("t:IsNotSupported", false)
	w.elemBool("t:IsInError", false)
	w.open("t:Conditions")
	strs("t:ContainsSubjectStrings", rule.ContainsSubjectStrings)
	addrs("t:FromAddresses", rule.FromAddresses)
	addrs("t:SentToAddresses", rule.SentToAddresses)
	w.close()
	w.empty("t:Exceptions")
	w.open("t:Actions")
	if rule.Delete {
		w.elemBool("t:Delete", true)
	}
	addrs("t:ForwardAsAttachmentToRecipients", rule.ForwardAsAttachmentTo)
	addrs("t:ForwardToRecipients", rule.ForwardTo)
	if rule.MarkAsRead {
		w.elemBool("t:MarkAsRead", true)
	}
	if f := mb.folders[rule.MoveToFolder]; f != nil {
		w.open("t:MoveToFolder").empty("t:FolderId", "Id", f.ID, "ChangeKey", f.ChangeKey).close()
	}
	addrs("t:RedirectToRecipients", rule.RedirectTo)
	if rule.StopProcessing {
		w.elemBool("t:StopProcessingRules", true)
	}
	w.close()
	w.close()
}

// ruleError is a failed operation of an UpdateInboxRules.
type ruleError struct {
	index                int
	field, code, message string
	value                string
}

// readRule reads a t:Rule of a request into rule (keeping its id).
func readRule(mb *Mailbox, n *node, rule *InboxRule) *ruleError {
	rule.Name = n.textOf("DisplayName")
	if strings.TrimSpace(rule.Name) == "" {
		return &ruleError{field: "DisplayName", code: "EmptyValueFound", message: "The rule must have a display name."}
	}
	if p, err := strconv.Atoi(n.textOf("Priority")); err == nil && p > 0 {
		rule.Priority = p
	} else {
		return &ruleError{field: "Priority", code: "InvalidValue", message: "The priority must be a positive number.", value: n.textOf("Priority")}
	}
	rule.Enabled = n.textOf("IsEnabled") == "true"
	addrs := func(p *node) []string {
		var out []string
		for _, a := range p.kids() {
			out = append(out, strings.TrimSpace(a.textOf("EmailAddress")))
		}
		return out
	}
	strs := func(p *node) []string {
		var out []string
		for _, s := range p.kids() {
			out = append(out, strings.TrimSpace(s.Text))
		}
		return out
	}
	c := n.child("Conditions")
	rule.ContainsSubjectStrings = strs(c.child("ContainsSubjectStrings"))
	rule.FromAddresses = addrs(c.child("FromAddresses"))
	rule.SentToAddresses = addrs(c.child("SentToAddresses"))
	a := n.child("Actions")
	rule.Delete = a.textOf("Delete") == "true"
	rule.ForwardAsAttachmentTo = addrs(a.child("ForwardAsAttachmentToRecipients"))
	rule.ForwardTo = addrs(a.child("ForwardToRecipients"))
	rule.MarkAsRead = a.textOf("MarkAsRead") == "true"
	rule.RedirectTo = addrs(a.child("RedirectToRecipients"))
	rule.StopProcessing = a.textOf("StopProcessingRules") == "true"
	rule.MoveToFolder = ""
	if m := a.child("MoveToFolder"); m != nil && len(m.kids()) == 1 {
		id := m.kids()[0].attr("Id")
		if mb.folders[id] == nil {
			return &ruleError{field: "Action:MoveToFolder", code: "FolderDoesNotExist", message: "The folder does not exist.", value: id}
		}
		rule.MoveToFolder = id
	}
	return nil
}

func handleUpdateInboxRules(r *request, body *node) error {
	ops := body.child("Operations")
	if ops == nil || len(ops.kids()) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: Operations is required.")
	}
	mb, ec := r.rulesMailbox(body)
	if ec != nil {
		r.wholeFailure(ec)
		return nil
	}
	// Exchange applies the operations only when all of them are valid.
	rules := make([]*InboxRule, len(mb.rules))
	for i, rule := range mb.rules {
		c := *rule
		rules[i] = &c
	}
	find := func(id string) int {
		for i, rule := range rules {
			if rule.ID == id {
				return i
			}
		}
		return -1
	}
	var errs []ruleError
	var created []InboxRule
	for i, op := range ops.kids() {
		switch op.Name.Local {
		case "SetRuleOperation":
			rn := op.child("Rule")
			id := rn.textOf("RuleId")
			j := find(id)
			if j < 0 {
				errs = append(errs, ruleError{index: i, field: "RuleId", code: "RuleNotFound", message: "The rule was not found.", value: id})
				continue
			}
			if e := readRule(mb, rn, rules[j]); e != nil {
				e.index = i
				errs = append(errs, *e)
			}
		case "CreateRuleOperation":
			rn := op.child("Rule")
			if rn.textOf("RuleId") != "" {
				errs = append(errs, ruleError{index: i, field: "RuleId", code: "CreateWithRuleId", message: "A new rule cannot have an id.", value: rn.textOf("RuleId")})
				continue
			}
			var rule InboxRule
			if e := readRule(mb, rn, &rule); e != nil {
				e.index = i
				errs = append(errs, *e)
				continue
			}
			created = append(created, rule)
		case "DeleteRuleOperation":
			id := op.textOf("RuleId")
			j := find(id)
			if j < 0 {
				errs = append(errs, ruleError{index: i, field: "RuleId", code: "RuleNotFound", message: "The rule was not found.", value: id})
				continue
			}
			rules = append(rules[:j], rules[j+1:]...)
		default:
			return faultf("ErrorSchemaValidation", "The request failed schema validation: unexpected %s.", op.Name.Local)
		}
	}
	if len(errs) > 0 {
		r.openWhole("Error")
		r.w.elem("m:MessageText", "Validation error(s) occurred while processing the rule operations.")
		r.w.elem("m:ResponseCode", "ErrorInboxRulesValidationError")
		r.w.elem("m:DescriptiveLinkKey", "0")
		r.w.open("m:RuleOperationErrors")
		for _, e := range errs {
			r.w.open("t:RuleOperationError")
			r.w.elemInt("t:OperationIndex", e.index)
			r.w.open("t:ValidationErrors").open("t:Error")
			r.w.elem("t:FieldURI", e.field)
			r.w.elem("t:ErrorCode", e.code)
			r.w.elem("t:ErrorMessage", e.message)
			r.w.elem("t:FieldValue", e.value)
			r.w.close().close().close()
		}
		r.w.close().close()
		return nil
	}
	mb.rules = rules
	for _, rule := range created {
		mb.addRuleLocked(rule)
	}
	mb.sortRulesLocked()
	r.openWhole("Success")
	r.w.elem("m:ResponseCode", "NoError")
	r.w.close()
	return nil
}
