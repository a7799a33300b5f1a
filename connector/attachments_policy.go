package connector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ewsgo/ews"
)

// Attachment paths come from playbook parameters, which may carry untrusted text: a path must never make the
// connector mail a secret away. A file is attached only when
//   - it is a regular file (no device, fifo, socket or directory),
//   - it is not under /proc, /sys or /dev (a "regular" /proc/self/environ holds EWS_PASSWORD) nor on a proc or
//     sysfs file system mounted elsewhere,
//   - it is not one of the configuration's secret files (the --config file, the password and client secret
//     files),
//   - it is inside attachments_dir when that is set (after symbolic links are resolved),
// and all the attachments of one message total at most ews.MaxAttachmentsSize.

// attachmentPolicy is what Run passes to send_email about the files it may read.
type attachmentPolicy struct {
	dir    string   // attachments_dir, "" for anywhere
	secret []string // files never attached
}

type policyKey struct{}

func withAttachmentPolicy(ctx context.Context, cfg Config) context.Context {
	secret := append([]string(nil), cfg.SecretFiles...)
	for _, f := range []string{cfg.CertificateFile, cfg.Keytab} { // keys of the configuration are never attached either
		if f != "" {
			secret = append(secret, f)
		}
	}
	return context.WithValue(ctx, policyKey{}, &attachmentPolicy{dir: cfg.AttachmentsDir, secret: secret})
}

func policyOf(ctx context.Context) *attachmentPolicy {
	if p, ok := ctx.Value(policyKey{}).(*attachmentPolicy); ok {
		return p
	}
	return &attachmentPolicy{}
}

var (
	errSystemFile  = errors.New("is a system file (under /proc, /sys or /dev); it is never attached")
	errSecretFile  = errors.New("is a configuration or secret file of the connector; it is never attached")
	errOutsideDir  = errors.New("is outside attachments_dir")
	errTotalTooBig = fmt.Errorf("the attachments total more than %d MB, the most one message may carry", ews.MaxAttachmentsSize>>20)
)

// systemDirs are never read from.
var systemDirs = []string{"/proc", "/sys", "/dev"}

func under(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// read reads path for attaching after the checks above; budget is what the message may still carry.
func (p *attachmentPolicy) read(path string, budget int64) ([]byte, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	for _, d := range systemDirs {
		if under(abs, d) {
			return nil, errSystemFile
		}
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, err
	}
	for _, d := range systemDirs {
		if under(real, d) {
			return nil, errSystemFile
		}
	}
	if p.dir != "" {
		dir, err := filepath.Abs(p.dir)
		if err == nil {
			dir, err = filepath.EvalSymlinks(dir)
		}
		if err != nil {
			return nil, fmt.Errorf("attachments_dir %q: %w", p.dir, err)
		}
		if !under(real, dir) {
			return nil, fmt.Errorf("%w (%s)", errOutsideDir, p.dir)
		}
	}
	f, err := os.Open(real)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errNotRegular
	}
	if pseudoFS(f) {
		return nil, errSystemFile
	}
	for _, s := range p.secret {
		if s == "" || s == "-" {
			continue
		}
		if ss, err := os.Stat(s); err == nil && os.SameFile(st, ss) {
			return nil, errSecretFile
		}
	}
	if st.Size() > budget {
		return nil, errTotalTooBig
	}
	// The size can lie (files of pseudo file systems say 0): the read is bounded by the budget itself.
	b, err := io.ReadAll(io.LimitReader(f, budget+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > budget {
		return nil, errTotalTooBig
	}
	return b, nil
}
