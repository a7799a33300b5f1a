package connector

import (
	"os"
	"syscall"
)

// Magic numbers of the pseudo file systems whose files are never attached, wherever they are mounted.
const (
	procSuperMagic = 0x9fa0
	sysfsMagic     = 0x62656572
)

// pseudoFS reports whether f is on a proc or sysfs file system.
func pseudoFS(f *os.File) bool {
	var st syscall.Statfs_t
	if err := syscall.Fstatfs(int(f.Fd()), &st); err != nil {
		return true // unknown: refuse
	}
	return st.Type == procSuperMagic || st.Type == sysfsMagic
}
