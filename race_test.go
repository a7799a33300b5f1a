//go:build race

package ews

func init() { raceEnabled = true }
