package connector

// The incident-response operations (issue 18): what a phishing or account-compromise playbook runs after the
// first ten.
func init() {
	register(list("get_attachments", "Download a message's attachments: files with their SHA-256, attached messages decoded, recursively.", GetAttachments))
	register(single("get_email_eml", "Export a message as MIME (.eml), base64.", GetEmailEML))
}
