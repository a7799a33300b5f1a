package testserver

import (
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
)

type connKey struct{}

// connState is the authentication state of one TCP connection. NTLM authenticates the connection, as IIS does:
// after a successful handshake, later requests on the same connection need no Authorization header.
type connState struct {
	mu   sync.Mutex
	ntlm ntlmConn
	user *User
}

// authenticate checks the request's credentials. On failure it has written a 401 and returns ok false; scheme is
// the scheme the client tried.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (user *User, scheme string, ok bool) {
	cs, _ := r.Context().Value(connKey{}).(*connState)
	if cs == nil {
		cs = &connState{}
	}
	auth := r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(auth, " ")
	token = strings.TrimSpace(token)
	switch {
	case auth == "":
		cs.mu.Lock()
		u := cs.user
		cs.mu.Unlock()
		if u != nil {
			return u, "", true
		}
	case strings.EqualFold(scheme, "Basic") && s.offers("Basic"):
		name, pass, okb := r.BasicAuth()
		if okb {
			if u := s.lookupUser(name, ""); u != nil && u.Password == pass {
				return u, "Basic", true
			}
		}
	case strings.EqualFold(scheme, "Negotiate") && s.kerberos != nil && isKerberosToken(token):
		if u, ok := s.acceptKerberos(w, r, cs, token); ok {
			return u, "Negotiate", true
		}
	case (strings.EqualFold(scheme, "NTLM") || strings.EqualFold(scheme, "Negotiate")) && s.offers(scheme):
		msg, err := base64.StdEncoding.DecodeString(token)
		if err != nil || len(msg) < 12 {
			break
		}
		cs.mu.Lock()
		defer cs.mu.Unlock()
		switch msg[8] {
		case 1:
			ch, err := cs.ntlm.challenge(msg, DefaultDomain)
			if err != nil {
				break
			}
			w.Header().Set("WWW-Authenticate", scheme+" "+base64.StdEncoding.EncodeToString(ch))
			w.WriteHeader(http.StatusUnauthorized)
			return nil, scheme, false
		case 3:
			name, domain, err := cs.ntlm.verify(msg, func(user, domain string) (string, bool) {
				if u := s.lookupUser(user, domain); u != nil {
					return u.Password, true
				}
				return "", false
			})
			if err != nil {
				break
			}
			if u := s.lookupUser(name, domain); u != nil {
				cs.user = u
				return u, scheme, true
			}
		}
	case strings.EqualFold(scheme, "Bearer") && s.offers("Bearer"):
		s.mu.Lock()
		addr, okt := s.tokens[token]
		s.mu.Unlock()
		if okt {
			return &User{Username: addr, Email: addr}, "Bearer", true
		}
		for _, t := range s.appTokens {
			if t == token {
				return &User{Username: "app", CanImpersonate: true, app: true}, "Bearer", true
			}
		}
	}
	s.challenge(w)
	return nil, scheme, false
}

// challenge writes a 401 offering the server's schemes.
func (s *Server) challenge(w http.ResponseWriter) {
	for _, sc := range s.schemes {
		switch strings.ToLower(sc) {
		case "basic":
			w.Header().Add("WWW-Authenticate", `Basic realm="`+strings.TrimPrefix(strings.TrimPrefix(s.HTTP.URL, "https://"), "http://")+`"`)
		case "bearer":
			w.Header().Add("WWW-Authenticate", `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserting_user", error="invalid_token"`)
		default:
			w.Header().Add("WWW-Authenticate", sc)
		}
	}
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte("<html><head><title>401 - Unauthorized</title></head><body><h1>401 - Unauthorized: Access is denied due to invalid credentials.</h1></body></html>"))
}

// lookupUser finds an account by the name a client sent: "DOMAIN\user", "user@domain", or "user" with the
// domain given separately (NTLM).
func (s *Server) lookupUser(name, domain string) *User {
	s.mu.Lock()
	defer s.mu.Unlock()
	if domain != "" && !strings.Contains(name, `\`) && !strings.Contains(name, "@") {
		name = domain + `\` + name
	}
	for _, u := range s.users {
		if strings.EqualFold(u.Username, name) || strings.EqualFold(u.Email, name) {
			return u
		}
		// A user configured as DOMAIN\user also signs in by bare name or by UPN user@<mail domain>.
		if d, n, ok := strings.Cut(u.Username, `\`); ok {
			if strings.EqualFold(n, name) && domain == "" || strings.EqualFold(d+`\`+n, name) {
				return u
			}
			if at := strings.IndexByte(u.Email, '@'); at > 0 && strings.EqualFold(n+u.Email[at:], name) {
				return u
			}
		}
	}
	return nil
}
