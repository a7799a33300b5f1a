package ews

// MailService sends, finds, reads, moves and deletes mail. Get it from Client.Mail.
//
// Operations on existing messages take message references: an EWS ItemId (as in Message.ID) or an Internet
// Message-ID such as "<abc@example.com>". A Message-ID is looked up in every mail folder of the mailbox and may
// name several items (copies in several folders); the operation then acts on each of them. Operations on many
// messages work in batches (see BatchOptions and WithBatch) and report the messages that failed in a
// *BatchError, while the others succeed.
type MailService struct {
	c     *Client
	batch BatchOptions
}
