package testserver

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is defined as the SHA-1 thumbprint of the certificate
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// CheckClientAssertion checks a client assertion (RFC 7523) as Microsoft's identity platform checks a
// certificate credential: a JWT signed RS256 by cert's key, with cert's SHA-1 thumbprint in x5t, audience aud (the
// token endpoint), issuer and subject clientID, a jti, and not expired. Token endpoints of tests use it.
func CheckClientAssertion(jwt string, cert *x509.Certificate, clientID, aud string) error {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return errors.New("not a JWT (header.claims.signature)")
	}
	var h map[string]string
	var c map[string]any
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	cb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	if json.Unmarshal(hb, &h) != nil || json.Unmarshal(cb, &c) != nil {
		return errors.New("the header or the claims are not JSON")
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return errors.New("the certificate's key is not RSA")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	thumb := sha1.Sum(cert.Raw) //nolint:gosec // see import
	exp, _ := c["exp"].(float64)
	switch {
	case h["alg"] != "RS256":
		return fmt.Errorf("alg %q, want RS256", h["alg"])
	case h["x5t"] != base64.RawURLEncoding.EncodeToString(thumb[:]):
		return errors.New("x5t is not the certificate's thumbprint")
	case c["aud"] != aud:
		return fmt.Errorf("aud %v, want %s", c["aud"], aud)
	case c["iss"] != clientID || c["sub"] != clientID:
		return fmt.Errorf("iss %v, sub %v, want %s", c["iss"], c["sub"], clientID)
	case c["jti"] == nil || c["jti"] == "":
		return errors.New("no jti")
	case !time.Unix(int64(exp), 0).After(time.Now()):
		return errors.New("expired")
	}
	return nil
}
