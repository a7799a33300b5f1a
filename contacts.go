package ews

// ContactsService lists contacts and resolves names. Get it from Client.Contacts.
type ContactsService struct {
	c *Client
}
