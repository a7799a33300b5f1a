package ews

import "github.com/ewsgo/ews/internal/soap"

// kerberosConfig is the Kerberos part of cfg.
func kerberosConfig(cfg Config) soap.KerberosConfig {
	return soap.KerberosConfig{Username: cfg.Username, Password: cfg.Password, Keytab: cfg.Keytab, SPN: cfg.KerberosSPN}
}

// autoKerberos returns the Kerberos configuration the transport uses: always with AuthKerberos; with AuthAuto
// only when Kerberos is available for the user (see AuthAuto), so that a site without Kerberos keeps NTLM
// without an extra round trip.
func autoKerberos(cfg Config) *soap.KerberosConfig {
	k := kerberosConfig(cfg)
	switch cfg.Auth {
	case AuthKerberos:
		return &k
	case AuthAuto:
		if soap.KerberosAvailable(k) {
			return &k
		}
	}
	return nil
}
