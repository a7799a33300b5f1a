package testserver

import (
	"bytes"
	"encoding/base64"
	"net"
	"net/http"

	"github.com/jcmturner/gokrb5/v8/credentials"
	"github.com/jcmturner/gokrb5/v8/gssapi"
	"github.com/jcmturner/gokrb5/v8/keytab"
	"github.com/jcmturner/gokrb5/v8/service"
	"github.com/jcmturner/gokrb5/v8/spnego"
	"github.com/jcmturner/gokrb5/v8/types"
)

// kerberosVerifier checks the Kerberos tickets of Negotiate (SPNEGO) requests with the service's keytab, as
// IIS does with Windows authentication: gokrb5's service side decrypts the ticket with the service key,
// checks the authenticator, its time and the replay cache.
type kerberosVerifier struct {
	kt  *keytab.Keytab
	spn string // the keytab principal to use, "" for any that matches the ticket
}

// negTokenAcceptCompleted is the SPNEGO NegTokenResp (negState accept-completed, mech Kerberos) that the
// server returns with the response to an authenticated request.
const negTokenAcceptCompleted = "oRQwEqADCgEAoQsGCSqGSIb3EgECAg=="

// WithKeytab makes the server accept Kerberos tickets in Negotiate (SPNEGO) for the service principal spn
// ("HTTP/host@REALM"; empty: any principal of the keytab), verifying them with kt, and offer Negotiate. A
// ticket's client principal user@REALM is the account "REALM\user" or "user@REALM" of WithUser, else the one
// whose bare user name is user.
func WithKeytab(kt *keytab.Keytab, spn string) Option {
	return func(s *Server) {
		s.kerberos = &kerberosVerifier{kt: kt, spn: spn}
		if !s.offers("Negotiate") {
			s.schemes = append([]string{"Negotiate"}, s.schemes...)
		}
	}
}

// isNTLM tells a raw NTLM message (NTLM in Negotiate, as go-ntlmssp sends it) from a SPNEGO token.
func isNTLM(msg []byte) bool { return bytes.HasPrefix(msg, []byte("NTLMSSP\x00")) }

// isKerberosToken tells whether a Negotiate token (base64) is a SPNEGO token rather than raw NTLM.
func isKerberosToken(token string) bool {
	msg, err := base64.StdEncoding.DecodeString(token)
	return err == nil && len(msg) > 0 && !isNTLM(msg)
}

// kerberosCredentialsKey is where gokrb5 puts the verified credentials in the context of an accepted token.
const kerberosCredentialsKey = "github.com/jcmturner/gokrb5/v8/ctxCredentials"

// verifyKerberos checks a SPNEGO token. It returns the account of the ticket's client, or nil when the token
// is not valid (or names no account of the server).
func (s *Server) verifyKerberos(r *http.Request, msg []byte) *User {
	opts := []func(*service.Settings){service.DecodePAC(false)}
	if s.kerberos.spn != "" {
		opts = append(opts, service.KeytabPrincipal(s.kerberos.spn))
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		if ip := net.ParseIP(host); ip != nil {
			opts = append(opts, service.ClientAddress(types.HostAddressFromNetIP(ip)))
		}
	}
	svc := spnego.SPNEGOService(s.kerberos.kt, opts...)
	var tok spnego.SPNEGOToken
	if err := tok.Unmarshal(msg); err != nil {
		return nil
	}
	ok, ctx, st := svc.AcceptSecContext(&tok)
	if !ok || st.Code != gssapi.StatusComplete || ctx == nil {
		return nil
	}
	id, _ := ctx.Value(kerberosCredentialsKey).(*credentials.Credentials)
	if id == nil {
		return nil
	}
	name, realm := id.UserName(), id.Domain()
	if u := s.lookupUser(realm+`\`+name, ""); u != nil {
		return u
	}
	if u := s.lookupUser(name+"@"+realm, ""); u != nil {
		return u
	}
	return s.lookupUser(name, "")
}

// acceptKerberos authenticates a Negotiate request carrying a Kerberos ticket; on success the response carries
// the SPNEGO accept-completed token, as IIS sends it.
func (s *Server) acceptKerberos(w http.ResponseWriter, r *http.Request, cs *connState, token string) (*User, bool) {
	msg, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		return nil, false
	}
	u := s.verifyKerberos(r, msg)
	if u == nil {
		return nil, false
	}
	cs.mu.Lock()
	cs.user = u
	cs.mu.Unlock()
	w.Header().Set("WWW-Authenticate", "Negotiate "+negTokenAcceptCompleted)
	return u, true
}

// VerifiesKerberos tells whether the server accepts Kerberos tickets (WithKeytab).
func (s *Server) VerifiesKerberos() bool { return s.kerberos != nil }
