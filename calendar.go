package ews

// CalendarService creates and lists calendar events. Get it from Client.Calendar.
type CalendarService struct {
	c *Client
}
