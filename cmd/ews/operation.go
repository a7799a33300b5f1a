package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/ewsgo/ews"
	"github.com/ewsgo/ews/connector"
	"github.com/ewsgo/ews/internal/suggest"
	"github.com/ewsgo/ews/internal/testhook"
)

// paramFlag is an operation parameter given as a flag; its value is turned into JSON.
type paramFlag struct {
	p   connector.ParamInfo
	raw string
	set bool
}

func (f *paramFlag) String() string     { return f.raw }
func (f *paramFlag) Set(s string) error { f.raw, f.set = s, true; return nil }
func (f *paramFlag) IsBoolFlag() bool   { return f.p.Type == "boolean" }

// json returns the flag's value as a JSON value: text as a string, except that a list, query or attachments
// parameter given as a JSON list or object is passed as it is.
func (f *paramFlag) json() json.RawMessage {
	v := strings.TrimSpace(f.raw)
	switch f.p.Type {
	case "list", "query", "attachments":
		if (strings.HasPrefix(v, "[") || strings.HasPrefix(v, "{")) && json.Valid([]byte(v)) {
			return json.RawMessage(v)
		}
	}
	b, _ := json.Marshal(f.raw)
	return b
}

// flagNames returns the flag names of a parameter: its name and, if different, the name with "-" for "_".
func flagNames(name string) []string {
	if d := strings.ReplaceAll(name, "_", "-"); d != name {
		return []string{name, d}
	}
	return []string{name}
}

// runOperation runs a connector operation with its flags.
func runOperation(ctx context.Context, g *globals, name string, args []string, e *env) int {
	info, ok := connector.Lookup(name)
	if !ok {
		_, err := connector.Execute(ctx, connector.Config{}, name, nil) // the connector's error names the operations
		return fail(e, err)
	}
	fs := newFlagSet(name)
	g.register(fs)
	params := &strFlag{}
	fs.Var(params, "params", "")
	pflags := make([]*paramFlag, len(info.Params))
	for i, p := range info.Params {
		pflags[i] = &paramFlag{p: p}
		for _, n := range flagNames(p.Name) {
			fs.Var(pflags[i], n, p.Help)
		}
	}
	if err := fs.Parse(joinBoolValues(fs, args)); err != nil {
		if isHelp(err) {
			printOperationHelp(e.stdout, info)
			return exitOK
		}
		return usageErrorFor(e, flagError(err, info)+" (see: ews help "+name+")")
	}
	if g.version.v {
		printVersion(e.stdout)
		return exitOK
	}
	if fs.NArg() > 0 {
		return usageErrorFor(e, fmt.Sprintf("unexpected argument %q (parameters are given as --params JSON or --name value; see: ews help %s)", fs.Arg(0), name))
	}
	if g.output.set && g.output.v != "json" && g.output.v != "ndjson" {
		return usageErrorFor(e, fmt.Sprintf("--output %q is not json or ndjson", g.output.v))
	}
	obj := map[string]json.RawMessage{}
	if params.set {
		text, err := paramsText(params.v, e)
		if err != nil {
			return fail(e, &connector.Error{Code: connector.CodeInvalidParameter, Param: "params", Message: err.Error()})
		}
		if t := bytes.TrimSpace(text); len(t) > 0 && !bytes.Equal(t, []byte("null")) {
			if err := json.Unmarshal(t, &obj); err != nil || obj == nil {
				return fail(e, &connector.Error{Code: connector.CodeInvalidParameter, Param: "params", Message: "--params must be a JSON object of parameters: " + errText(err)})
			}
		}
	}
	for _, f := range pflags {
		if f.set {
			obj[f.p.Name] = f.json()
		}
	}
	cfg, err := g.buildConfig(e)
	if err != nil {
		return fail(e, err)
	}
	raw, _ := json.Marshal(obj)
	out := newOutput(e.stdout, g.output.v == "ndjson", info.List)
	prog := g.watch(&cfg, name, info.List, e)
	out.prog = prog
	testhook.Point("operation")
	err = connector.Run(ctx, cfg, name, raw, out)
	if prog != nil {
		prog.finish()
	}
	if err != nil {
		// What was written before the error is incomplete (ndjson lines of a list cut short), or was written but
		// not recorded (poll state): a final error line says so, and the exit status is not 0.
		if ce := connector.ErrorOf(err); out.flushed && ce.Usage() {
			ce = &connector.Error{Code: connector.CodeError, Message: ce.Message, Err: ce}
			return fail(e, ce)
		}
		out.abort()
		return fail(e, err)
	}
	return exitOK
}

// watch sets up what people see of a run on stderr: the progress status, when stderr is a terminal or with
// --progress (and not with --progress=false), and the requests with --verbose and --trace, from the SDK's
// debug records. It returns the progress, nil if none is shown. Nothing of it goes to stdout.
func (g *globals) watch(cfg *connector.Config, op string, list bool, e *env) *progress {
	c := &console{w: e.stderr}
	if f, ok := e.stderr.(*os.File); ok {
		c.tty = isTerminal(f)
	}
	show := c.tty
	if g.progress.set {
		show = g.progress.v
	}
	var prog *progress
	if show {
		prog = newProgress(c, op, list)
	}
	if prog == nil && !g.verbose.v && !g.trace.v {
		return nil
	}
	maxAttempts := cfg.MaxAttempts
	if maxAttempts == 0 {
		maxAttempts = ews.DefaultMaxAttempts
	}
	cfg.Logger = slog.New(&logView{c: c, prog: prog, verbose: g.verbose.v || g.trace.v, trace: g.trace.v, maxAttempts: maxAttempts})
	cfg.LogBodies = g.trace.v
	return prog
}

func errText(err error) string {
	if err == nil {
		return "null"
	}
	return err.Error()
}

// paramsText reads --params: JSON text, @file, or - for stdin.
func paramsText(v string, e *env) ([]byte, error) {
	switch {
	case v == "-":
		return io.ReadAll(io.LimitReader(e.stdin, 64<<20))
	case strings.HasPrefix(v, "@"):
		b, err := os.ReadFile(v[1:])
		if err != nil {
			return nil, fmt.Errorf("cannot read --params file: %v", err)
		}
		return b, nil
	}
	return []byte(v), nil
}

// fail prints the error result on stdout (and the message on stderr) and returns the exit status.
func fail(e *env, err error) int {
	ce := connector.ErrorOf(err)
	writeJSON(e.stdout, connector.Failure(ce))
	fmt.Fprintf(e.stderr, "ews: %s: %s\n", ce.Code, ce.Message)
	switch {
	case ce.Usage():
		return exitUsage
	case ce.Code == connector.CodeInternal:
		return exitCrash
	}
	return exitFail
}

// usageError reports bad usage before an operation is known.
func usageError(e *env, msg string) int {
	return usageErrorFor(e, msg+" (see: ews help)")
}

func usageErrorFor(e *env, msg string) int {
	return fail(e, &connector.Error{Code: connector.CodeInvalidParameter, Message: msg})
}

func writeJSON(w io.Writer, v any) {
	b, err := marshal(v)
	if err != nil {
		b, _ = marshal(connector.Failure(err))
	}
	_, _ = w.Write(append(b, '\n'))
}

// marshal is json.Marshal without escaping "<", ">" and "&" (Message-IDs and HTML bodies stay readable).
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// flagError rewords the flag package's errors with the parameter names.
func flagError(err error, info connector.OperationInfo) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		msg = fmt.Sprintf("unknown flag --%s", name)
		var names []string
		for _, p := range info.Params {
			names = append(names, p.Name)
		}
		if s := nearestName(strings.ReplaceAll(name, "-", "_"), names); s != "" {
			msg += fmt.Sprintf(" (did you mean --%s?)", s)
		}
		return msg
	}
	if rest, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return "flag " + strings.Replace(strings.TrimLeft(rest, "-"), "", "--", 1) + " needs a value"
	}
	return strings.Replace(msg, " -", " --", 1)
}

// nearestName returns the name closest to s, if it is close enough to be a typo.
func nearestName(s string, names []string) string {
	best, bestD := "", len(s)/3+2
	for _, n := range names {
		if d := suggest.Distance(s, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}
