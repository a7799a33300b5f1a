package connector

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
)

// readCertificate reads the key certificate_file names: a PEM file holding the app's certificate (the one
// uploaded to the app registration) and its RSA private key (PKCS #8 "PRIVATE KEY" or PKCS #1 "RSA PRIVATE KEY"),
// as Azure's tools export them. Its errors never quote the file's content.
func readCertificate(path string) (*x509.Certificate, crypto.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var cert *x509.Certificate
	var key *rsa.PrivateKey
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		switch block.Type {
		case "CERTIFICATE":
			if cert == nil {
				if cert, err = x509.ParseCertificate(block.Bytes); err != nil {
					return nil, nil, fmt.Errorf("the certificate cannot be read: %w", err)
				}
			}
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, nil, errors.New("the private key cannot be read (PKCS #8)")
			}
			rk, ok := k.(*rsa.PrivateKey)
			if !ok {
				return nil, nil, errors.New("the private key is not an RSA key (Microsoft's identity platform takes RS256 assertions)")
			}
			key = rk
		case "RSA PRIVATE KEY":
			if key, err = x509.ParsePKCS1PrivateKey(block.Bytes); err != nil {
				return nil, nil, errors.New("the private key cannot be read (PKCS #1)")
			}
		}
	}
	switch {
	case cert == nil:
		return nil, nil, errors.New("no CERTIFICATE block in the PEM file")
	case key == nil:
		return nil, nil, errors.New("no PRIVATE KEY or RSA PRIVATE KEY block in the PEM file")
	case !key.PublicKey.Equal(cert.PublicKey):
		return nil, nil, errors.New("the private key is not the certificate's")
	}
	return cert, key, nil
}
