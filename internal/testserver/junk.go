package testserver

import "strings"

// MarkAsJunk (Exchange 2013 and later): moves messages to Junk Email and blocks their senders, or back to the
// Inbox and unblocks them.

func init() {
	register("MarkAsJunk", handleMarkAsJunk)
}

// BlockedSenders returns the senders on the mailbox's blocked senders list.
func (mb *Mailbox) BlockedSenders() []string {
	mb.srv.mu.Lock()
	defer mb.srv.mu.Unlock()
	var out []string
	for a := range mb.blocked {
		out = append(out, a)
	}
	return out
}

func handleMarkAsJunk(r *request, body *node) error {
	if r.srv.version.MajorVersion < 15 {
		// Exchange 2010 does not know the operation.
		return faultf("ErrorSchemaValidation", "The request failed schema validation: The element 'Body' in namespace '%s' has invalid child element 'MarkAsJunk' in namespace '%s'.", nsSoap, nsMessages)
	}
	ids := body.child("ItemIds")
	if ids == nil || len(ids.kids()) == 0 {
		return faultf("ErrorSchemaValidation", "The request failed schema validation: ItemIds is required.")
	}
	bools := map[string]bool{}
	for _, a := range []string{"IsJunk", "MoveItem"} {
		switch body.attr(a) {
		case "true", "1":
			bools[a] = true
		case "false", "0":
		default:
			return faultf("ErrorSchemaValidation", "The request failed schema validation: The required attribute '%s' is missing or invalid.", a)
		}
	}
	r.messages()
	for _, n := range ids.kids() {
		mb, it, ec := r.resolveItemRef(n)
		if ec != nil {
			r.failure(ec.code, ec.text, "")
			continue
		}
		sender := strings.ToLower(orDefault(it.Sender.Email, it.From.Email))
		if mb.blocked == nil {
			mb.blocked = map[string]bool{}
		}
		if sender != "" {
			if bools["IsJunk"] {
				mb.blocked[sender] = true
			} else {
				delete(mb.blocked, sender)
			}
		}
		moved := it
		if bools["MoveItem"] {
			to := mb.dist["junkemail"]
			if !bools["IsJunk"] {
				to = mb.dist["inbox"]
			}
			if it.FolderID != to {
				moved = r.moveLocked(mb, it, to, false)
			}
		}
		r.success()
		r.w.empty("m:MovedItemId", "Id", moved.ID, "ChangeKey", moved.ChangeKey)
		r.w.close()
	}
	return nil
}
