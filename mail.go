package ews

// MailService sends, finds, reads, moves and deletes mail. Get it from Client.Mail.
type MailService struct {
	c *Client
}
