//go:build !linux

package main

import (
	"errors"
	"os"
	"time"
)

func openPTY() (ptm, pts *os.File, err error) { return nil, nil, errors.New("not on Linux") }

// processCPU is not measured on this system.
func processCPU() time.Duration { return 0 }
