//go:build !linux

package main

import (
	"errors"
	"os"
)

func openPTY() (ptm, pts *os.File, err error) { return nil, nil, errors.New("not on Linux") }
