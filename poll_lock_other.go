//go:build !unix

package ews

import "os"

// tryLock: outside Unix there is no advisory lock; the caller must not run two polls of one state file at once.
func tryLock(*os.File) (bool, error) { return true, nil }

func unlock(*os.File) {}
