// Package testhook lets tests make the SDK's goroutines panic where they start their work, to prove that such a
// panic becomes an error for the caller instead of the end of the process. Nothing sets it outside tests.
package testhook

import "sync/atomic"

var hook atomic.Pointer[func(where string)]

// Set installs f, called with the name of each hook point reached (nil removes it).
func Set(f func(where string)) {
	if f == nil {
		hook.Store(nil)
		return
	}
	hook.Store(&f)
}

// Point calls the installed function, if any, with where.
func Point(where string) {
	if f := hook.Load(); f != nil {
		(*f)(where)
	}
}
