package connector

// The incident-response operations (issue 18): what a phishing or account-compromise playbook runs after the
// first ten.
func init() {
	register(list("get_attachments", "Download a message's attachments: files with their SHA-256, attached messages decoded, recursively.", GetAttachments))
	register(single("get_email_eml", "Export a message as MIME (.eml), base64.", GetEmailEML))
}

func init() {
	register(single("create_folder", "Create a mail folder (a quarantine folder, say).", CreateFolder))
	register(list("find_folders", "Find folders by name anywhere in the folder tree, with their paths.", FindFolders))
	register(single("rename_folder", "Rename a folder.", RenameFolder))
	register(single("delete_folder", "Delete a folder with its messages and subfolders.", DeleteFolder))
	register(single("empty_folder", "Delete every message of a folder (and optionally its subfolders).", EmptyFolder))
}

func init() {
	register(single("update_email", "Set a message's categories, flag, importance and read state in one call (triage tagging).", UpdateEmail))
}

func init() {
	register(list("search_mailboxes", "Search many mailboxes, every mail folder of each: one entry per match with its mailbox and folder, then a summary.", SearchMailboxes))
}

func init() {
	register(list("get_inbox_rules", "List a mailbox's inbox rules with their conditions and actions, flagging forwarding outside the organization.", GetInboxRules))
	register(single("update_inbox_rule", "Enable or disable an inbox rule (kept with all its conditions and actions).", UpdateInboxRule))
	register(single("delete_inbox_rule", "Delete an inbox rule.", DeleteInboxRule))
	register(single("get_oof", "Read a mailbox's out-of-office (automatic reply) settings.", GetOOF))
	register(single("set_oof", "Set a mailbox's out-of-office (automatic reply) settings.", SetOOF))
}

func init() {
	register(single("mark_as_junk", "Move a message to Junk Email and block its sender, or the reverse (Exchange 2013 and later).", MarkAsJunk))
	register(single("reply_email", "Reply (or reply all) to a message, keeping the thread.", ReplyEmail))
	register(single("forward_email", "Forward a message, inline or as an attached .eml.", ForwardEmail))
	register(single("recover_email", "Move a deleted message back from the Recoverable Items.", RecoverEmail))
}
