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

// peakRSS is not measured on this system.
func peakRSS(*os.ProcessState) int64 { return 0 }
