package ews

import "fmt"

// String describes the configuration without its secrets, so that logging a Config (%v, %+v) cannot leak the
// password or a token.
func (c Config) String() string {
	password := `""`
	if c.Password != "" {
		password = "(hidden)"
	}
	tokens := "nil"
	if c.TokenSource != nil {
		tokens = "(set)"
	}
	return fmt.Sprintf("{Host:%q Protocol:%q Username:%q Password:%s EmailAddress:%q AccessType:%q Auth:%q TokenSource:%s InsecureSkipVerify:%v Version:%q Autodiscover:%v}",
		c.Host, c.Protocol, c.Username, password, c.EmailAddress, c.AccessType, c.Auth, tokens, c.InsecureSkipVerify, c.Version, c.Autodiscover)
}

// GoString is String, so that %#v does not print secrets either.
func (c Config) GoString() string { return c.String() }

// String describes the client (endpoint and mailbox), never its credentials.
func (c *Client) String() string {
	return fmt.Sprintf("ews.Client{URL:%q Mailbox:%q}", c.URL(), c.mailbox)
}

// GoString is String, so that %#v does not print the client's configuration.
func (c *Client) GoString() string { return c.String() }
