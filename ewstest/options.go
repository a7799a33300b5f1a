package ewstest

import (
	"github.com/ewsgo/ews/internal/testserver"
	"github.com/jcmturner/gokrb5/v8/keytab"
)

// Option configures a Server.
type Option func(*options)

type options struct {
	ts    []testserver.Option
	email string // the first user's mailbox
	auths []Auth
	token string
	after []func(*Server) error // seeding, once the server runs
}

func (o *options) server() []testserver.Option {
	out := append([]testserver.Option(nil), o.ts...)
	if len(o.auths) > 0 {
		schemes := make([]string, len(o.auths))
		for i, a := range o.auths {
			schemes[i] = string(a)
		}
		out = append([]testserver.Option{testserver.WithAuth(schemes...)}, out...)
	}
	if o.token != "" {
		email := o.email
		if email == "" {
			email = testserver.DefaultEmail
		}
		out = append(out, testserver.WithToken(o.token, email))
	}
	return out
}

// auth is the scheme Server.Config uses: the first of WithAuth, NTLM by default.
func (o *options) auth() Auth {
	if len(o.auths) == 0 {
		return AuthNTLM
	}
	return o.auths[0]
}

// Auth is an authentication scheme the server offers.
type Auth string

// Authentication schemes.
const (
	// AuthNTLM is NTLMv2 over HTTP, as Exchange on premises does by default.
	AuthNTLM Auth = "NTLM"
	// AuthBasic is HTTP Basic.
	AuthBasic Auth = "Basic"
	// AuthBearer is OAuth2 bearer tokens, as Exchange Online takes them; Server.Config supplies a token the
	// server accepts for the first user.
	AuthBearer Auth = "Bearer"
	// AuthNegotiate is HTTP Negotiate: SPNEGO with Kerberos tickets, verified with the keytab of WithKeytab.
	AuthNegotiate Auth = "Negotiate"
)

// WithAuth sets the schemes the server offers and accepts, in the order of its WWW-Authenticate headers; the
// first is the one Server.Config uses. The default is NTLM and Basic, as Exchange on premises offers.
func WithAuth(schemes ...Auth) Option {
	return func(o *options) {
		o.auths = append([]Auth(nil), schemes...)
		for _, a := range schemes {
			if a == AuthBearer {
				o.token = "ewstest-bearer-token"
			}
		}
	}
}

// WithKeytab makes the server verify Kerberos tickets of Negotiate with the keytab file of its service
// principal spn (e.g. "HTTP/localhost@EXAMPLE.COM"; empty: any principal of the keytab). A ticket of
// user@REALM authenticates the account REALM\user or user@REALM of WithUser, else the one named user.
func WithKeytab(path, spn string) Option {
	return func(o *options) {
		kt, err := keytab.Load(path)
		if err != nil {
			o.after = append(o.after, func(*Server) error { return err })
			return
		}
		o.ts = append(o.ts, testserver.WithKeytab(kt, spn))
	}
}

// WithTLS serves https with a self-signed certificate; Server.Config trusts it.
func WithTLS() Option { return func(o *options) { o.ts = append(o.ts, testserver.WithTLS()) } }

// User is an account of the server with its own mailbox.
type User struct {
	// Username is "DOMAIN\user" or "user@domain".
	Username string
	Password string
	// Email is the address of the user's mailbox.
	Email string
	// CanImpersonate gives the account the ApplicationImpersonation role: it may act on any mailbox of the
	// server with ews.Impersonation.
	CanImpersonate bool
}

// WithUser adds an account and its mailbox. The first WithUser replaces the default user CORP\alice; Server.Config
// is for the first user.
func WithUser(u User) Option {
	return func(o *options) {
		if o.email == "" {
			o.email = u.Email
		}
		o.ts = append(o.ts, testserver.WithUser(testserver.User{Username: u.Username, Password: u.Password, Email: u.Email,
			CanImpersonate: u.CanImpersonate}))
	}
}

// WithMailbox adds a mailbox without an account: a recipient whose inbox receives what is sent to it, or a
// mailbox to reach by impersonation or delegation.
func WithMailbox(address, displayName string) Option {
	return func(o *options) {
		o.after = append(o.after, func(s *Server) error {
			s.srv.AddMailbox(address, displayName)
			return nil
		})
	}
}

// WithFolders creates folders in the first user's mailbox, each a path under the mailbox's root such as
// "Inbox/Phishing" (its parents must exist or come earlier in the list).
func WithFolders(paths ...string) Option {
	return func(o *options) {
		o.after = append(o.after, func(s *Server) error {
			for _, p := range paths {
				if _, err := s.Mailbox().AddFolder(p); err != nil {
					return err
				}
			}
			return nil
		})
	}
}

// WithMessages stores messages in a folder of the first user's mailbox ("inbox", "sentitems", "Inbox/Phishing").
func WithMessages(folder string, msgs ...Message) Option {
	return func(o *options) {
		o.after = append(o.after, func(s *Server) error {
			for _, m := range msgs {
				if _, err := s.Mailbox().AddMessage(folder, m); err != nil {
					return err
				}
			}
			return nil
		})
	}
}

// WithEvents stores events in the first user's calendar.
func WithEvents(events ...Event) Option {
	return func(o *options) {
		o.after = append(o.after, func(s *Server) error {
			for _, e := range events {
				if _, err := s.Mailbox().AddEvent(e); err != nil {
					return err
				}
			}
			return nil
		})
	}
}

// WithContacts stores contacts in the first user's Contacts folder.
func WithContacts(contacts ...Contact) Option {
	return func(o *options) {
		o.after = append(o.after, func(s *Server) error {
			for _, c := range contacts {
				s.Mailbox().AddContact(c)
			}
			return nil
		})
	}
}

// Version is the version a server reports in its ServerVersionInfo header, which clients use to choose their
// RequestServerVersion and features.
type Version struct {
	Major, Minor, Build, Revision int
	// Schema is the header's Version attribute: the schema version of Exchange 2010 and later ("Exchange2010_SP2",
	// "V2017_07_11"), empty for Exchange 2007.
	Schema string
}

// Versions of Exchange the server can present itself as (see WithVersion).
var (
	Exchange2007SP1 = Version{8, 1, 240, 6, ""}
	Exchange2010SP2 = Version{14, 2, 247, 5, "Exchange2010_SP2"}
	Exchange2013    = Version{15, 0, 516, 32, "Exchange2013"}
	Exchange2013SP1 = Version{15, 0, 847, 32, "Exchange2013_SP1"}
	Exchange2016    = Version{15, 1, 2507, 6, "V2017_07_11"}
	Exchange2019    = Version{15, 2, 1118, 7, "V2017_07_11"} // the default
	ExchangeOnline  = Version{15, 20, 7452, 28, "V2018_01_08"}
)

// WithVersion makes the server behave as the release of Exchange that v is, not only say so: it reports v in its
// ServerVersionInfo header and takes that release's personality, as `ews fake-server --version` does. It then
// accepts only the RequestServerVersion values the release knows and refuses the others with the release's fault
// (Exchange 2007 and 2010 without ServerVersionInfo, so clients must step down), and refuses as a schema
// violation the elements, property paths, operations and well-known folders its schema lacks (the Exchange 2007
// SP1 and 2010 SP2 schemas are modelled; 2013 and later take the newest). The releases: 8.x is Exchange 2007 SP1,
// 14.x Exchange 2010 SP2, 15.0 below build 847 Exchange 2013 RTM-CU3, 15.0.847 and later Exchange 2013 SP1, 15.1
// Exchange 2016, 15.2 Exchange 2019 and SE, 15.20 and later Exchange Online. Exchange 2010 RTM and SP1 (14.0,
// 14.1) have no personality of their own: they get the 2010 SP2 one, whose schema is close (it adds
// ContactDataShape to ResolveNames), and their own header.
func WithVersion(v Version) Option {
	return func(o *options) {
		o.ts = append(o.ts, testserver.WithPersonality(personalityOf(v)), testserver.WithVersion(testserver.ServerVersion{
			MajorVersion: v.Major, MinorVersion: v.Minor, MajorBuildNumber: v.Build, MinorBuildNumber: v.Revision, Version: v.Schema}))
	}
}

// personalityOf returns the fake server's personality for a release of Exchange (see WithVersion).
func personalityOf(v Version) testserver.Personality {
	switch {
	case v.Major < 14:
		return testserver.Exchange2007SP1
	case v.Major == 14:
		return testserver.Exchange2010SP2
	case v.Major == 15 && v.Minor == 0 && v.Build < 847:
		return testserver.Exchange2013
	case v.Major == 15 && v.Minor == 0:
		return testserver.Exchange2013SP1
	case v.Major == 15 && v.Minor == 1:
		return testserver.Exchange2016
	case v.Major == 15 && v.Minor < 20:
		return testserver.Exchange2019
	default:
		return testserver.ExchangeOnline
	}
}

// WithGzip makes the server compress its answers for clients that accept gzip, as IIS can.
func WithGzip() Option { return func(o *options) { o.ts = append(o.ts, testserver.WithGzip()) } }
