package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/ewsgo/ews/connector"
)

func printCompletionHelp(w io.Writer) {
	fmt.Fprint(w, `Usage: ews completion bash|zsh|fish

Prints a shell completion script: operations (with their summaries in zsh and fish), global flags, each
operation's parameters as flags, and the choices of the flags that have some.

  bash:  source <(ews completion bash)        or: ews completion bash > /etc/bash_completion.d/ews
  zsh:   source <(ews completion zsh)         or: ews completion zsh > "${fpath[1]}/_ews"
  fish:  ews completion fish | source         or: ews completion fish > ~/.config/fish/completions/ews.fish
`)
}

func runCompletion(args []string, e *env) int {
	if len(args) != 1 {
		printCompletionHelp(e.stderr)
		return exitUsage
	}
	spec := completionSpec()
	switch args[0] {
	case "bash":
		writeBashCompletion(e.stdout, spec)
	case "zsh":
		writeZshCompletion(e.stdout, spec)
	case "fish":
		writeFishCompletion(e.stdout, spec)
	case "-h", "--help", "-help", "help":
		printCompletionHelp(e.stdout)
	default:
		fmt.Fprintf(e.stderr, "ews completion: %q is not bash, zsh or fish\n", args[0])
		return exitUsage
	}
	return exitOK
}

// complFlag is a flag as completion sees it.
type complFlag struct {
	name, help string
	value      bool     // takes a value
	file       bool     // the value is a file name
	choices    []string // the values it takes, if a fixed set
}

// complCmd is an operation or command, with its flags.
type complCmd struct {
	name, help string
	flags      []complFlag
}

// complSpec is everything the completion scripts know; it comes from the connector's operation registry and
// the global flags, so that new operations and parameters complete without a change here.
type complSpec struct {
	globals []complFlag
	cmds    []complCmd // operations, then the commands
}

// globalChoices are the fixed values of global flags.
var globalChoices = map[string][]string{
	"access-type": {"Delegate", "Impersonation"},
	"protocol":    {"https", "http"},
	"auth":        {"auto", "ntlm", "basic", "oauth2"},
	"output":      {"json", "ndjson"},
}

func completionSpec() complSpec {
	var s complSpec
	g := &globals{}
	for _, f := range g.flags() {
		_, isBool := f.v.(*boolFlag)
		s.globals = append(s.globals, complFlag{name: f.name, help: f.help, value: !isBool,
			file: strings.HasSuffix(f.name, "-file") || f.name == "config", choices: globalChoices[f.name]})
	}
	for _, op := range connector.Operations() {
		c := complCmd{name: op.Name, help: op.Summary,
			flags: []complFlag{{name: "params", help: "the parameters as a JSON object, @FILE or - (stdin)", value: true}}}
		for _, p := range op.Params {
			c.flags = append(c.flags, complFlag{name: p.Name, help: p.Help, value: p.Type != "boolean",
				file: p.Type == "attachments", choices: p.Choices})
		}
		s.cmds = append(s.cmds, c)
	}
	s.cmds = append(s.cmds,
		complCmd{name: "help", help: "list the operations, or show an operation's parameters"},
		complCmd{name: "completion", help: "print a shell completion script (bash, zsh, fish)"},
		complCmd{name: "version", help: "print the version"},
		complCmd{name: "fake-server", help: "run a fake EWS server with a seeded mailbox, for testing", flags: []complFlag{
			{name: "addr", help: "address to listen on", value: true},
			{name: "username", help: "account name", value: true},
			{name: "password", help: "the account's password", value: true},
			{name: "email", help: "the mailbox address", value: true},
			{name: "messages", help: "number of messages to seed", value: true},
			{name: "seed", help: "seed of the generated content", value: true},
			{name: "config-out", help: "write the configuration line to this file", value: true, file: true},
		}})
	return s
}

// oneLine shortens a help text to its first clause, for completion menus.
func oneLine(s string) string {
	if i := strings.IndexAny(s, ";("); i > 20 {
		s = s[:i]
	}
	if len(s) > 70 {
		s = s[:67] + "..."
	}
	return strings.TrimSpace(s)
}

// shQuote quotes s for sh-like shells (bash, zsh, fish).
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func flagWords(fl []complFlag) string {
	var w []string
	for _, f := range fl {
		w = append(w, "--"+f.name)
	}
	return strings.Join(w, " ")
}

// bashValueCases writes the case arms that complete the value of the flag before the cursor.
func bashValueCases(w io.Writer, fl []complFlag, indent string) {
	var files, plain []string
	for _, f := range fl {
		switch {
		case len(f.choices) > 0:
			fmt.Fprintf(w, "%s--%s) _ews_words %s; return ;;\n", indent, f.name, shQuote(strings.Join(f.choices, "\n")))
		case f.file:
			files = append(files, "--"+f.name)
		case f.value:
			plain = append(plain, "--"+f.name)
		}
	}
	if len(files) > 0 {
		fmt.Fprintf(w, "%s%s) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", indent, strings.Join(files, "|"))
	}
	if len(plain) > 0 {
		fmt.Fprintf(w, "%s%s) COMPREPLY=(); return ;;\n", indent, strings.Join(plain, "|"))
	}
}

func writeBashCompletion(w io.Writer, s complSpec) {
	var names, valueGlobals []string
	for _, c := range s.cmds {
		names = append(names, c.name)
	}
	for _, f := range s.globals {
		if f.value {
			valueGlobals = append(valueGlobals, "--"+f.name)
		}
	}
	fmt.Fprintf(w, `# bash completion for ews (generated by: ews completion bash)
_ews_words() {
	local IFS=$'\n' c
	COMPREPLY=()
	for c in $(compgen -W "$1" -- "$cur"); do
		COMPREPLY+=("$(printf '%%q' "$c")")
	done
}
_ews() {
	local cur="${COMP_WORDS[COMP_CWORD]}" prev="" op="" i w
	((COMP_CWORD > 0)) && prev="${COMP_WORDS[COMP_CWORD-1]}"
	for ((i = 1; i < COMP_CWORD; i++)); do
		w="${COMP_WORDS[i]}"
		case "$w" in
		%s) ((i++)) ;;
		-*) ;;
		*) op="$w"; break ;;
		esac
	done
	case "$prev" in
`, strings.Join(valueGlobals, "|"))
	bashValueCases(w, s.globals, "\t")
	fmt.Fprintf(w, `	esac
	if [[ -z "$op" ]]; then
		if [[ "$cur" == -* ]]; then
			COMPREPLY=($(compgen -W %s -- "$cur"))
		else
			COMPREPLY=($(compgen -W %s -- "$cur"))
		fi
		return
	fi
	case "$op" in
	help) COMPREPLY=($(compgen -W %s -- "$cur")); return ;;
	completion) COMPREPLY=($(compgen -W 'bash zsh fish' -- "$cur")); return ;;
	esac
	local flags=%s
	case "$op" in
`, shQuote(flagWords(s.globals)), shQuote(strings.Join(names, " ")), shQuote(strings.Join(names, " ")), shQuote(flagWords(s.globals)))
	for _, c := range s.cmds {
		if len(c.flags) == 0 {
			continue
		}
		fmt.Fprintf(w, "\t%s)\n\t\tcase \"$prev\" in\n", c.name)
		bashValueCases(w, c.flags, "\t\t")
		fw := flagWords(c.flags)
		if c.name == "fake-server" {
			fmt.Fprintf(w, "\t\tesac\n\t\tflags=%s ;;\n", shQuote(fw))
		} else {
			fmt.Fprintf(w, "\t\tesac\n\t\tflags+=%s ;;\n", shQuote(" "+fw))
		}
	}
	fmt.Fprint(w, `	esac
	COMPREPLY=($(compgen -W "$flags" -- "$cur"))
}
complete -o default -F _ews ews
`)
}

// zshEscape escapes a help text for an _arguments spec or a _describe entry.
func zshEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`, ":", `\:`, "'", `'\''`).Replace(oneLine(s))
}

func zshFlagSpecs(w io.Writer, fl []complFlag) {
	for _, f := range fl {
		spec := fmt.Sprintf("--%s[%s]", f.name, zshEscape(f.help))
		switch {
		case len(f.choices) > 0:
			var q []string
			for _, c := range f.choices {
				q = append(q, `"`+strings.ReplaceAll(c, " ", `\ `)+`"`)
			}
			spec += ":value:(" + strings.Join(q, " ") + ")"
		case f.file:
			spec += ":file:_files"
		case f.value:
			spec += ":value: "
		}
		fmt.Fprintf(w, "\t\t'%s'\n", spec)
	}
}

func writeZshCompletion(w io.Writer, s complSpec) {
	fmt.Fprint(w, "#compdef ews\n# zsh completion for ews (generated by: ews completion zsh)\n\n_ews() {\n\tlocal -a globals ops\n\tlocal curcontext=\"$curcontext\" state line\n\tglobals=(\n")
	zshFlagSpecs(w, s.globals)
	fmt.Fprint(w, "\t)\n\tops=(\n")
	var names []string
	for _, c := range s.cmds {
		fmt.Fprintf(w, "\t\t'%s:%s'\n", c.name, zshEscape(c.help))
		names = append(names, c.name)
	}
	fmt.Fprint(w, "\t)\n\t_arguments -C $globals '1:operation:->op' '*::arg:->args'\n\tcase $state in\n\top) _describe -t operations 'operation' ops ;;\n\targs)\n\t\tcase $line[1] in\n")
	fmt.Fprintf(w, "\t\thelp) _values 'operation' %s ;;\n\t\tcompletion) _values 'shell' bash zsh fish ;;\n", strings.Join(names, " "))
	for _, c := range s.cmds {
		if len(c.flags) == 0 {
			continue
		}
		fmt.Fprintf(w, "\t\t%s)\n\t\t\tlocal -a f=(\n", c.name)
		zshFlagSpecs(w, c.flags)
		if c.name == "fake-server" {
			fmt.Fprint(w, "\t\t\t)\n\t\t\t_arguments $f ;;\n")
		} else {
			fmt.Fprint(w, "\t\t\t)\n\t\t\t_arguments $globals $f ;;\n")
		}
	}
	fmt.Fprint(w, "\t\tesac ;;\n\tesac\n}\n\nif [ \"$funcstack[1]\" = \"_ews\" ]; then\n\t_ews \"$@\"\nelse\n\tcompdef _ews ews\nfi\n")
}

func writeFishCompletion(w io.Writer, s complSpec) {
	var names []string
	for _, c := range s.cmds {
		names = append(names, c.name)
	}
	sort.Strings(names)
	fmt.Fprint(w, "# fish completion for ews (generated by: ews completion fish)\ncomplete -c ews -f\n")
	flag := func(cond string, f complFlag) {
		line := fmt.Sprintf("complete -c ews -n %s -l %s -d %s", shQuote(cond), f.name, shQuote(oneLine(f.help)))
		switch {
		case len(f.choices) > 0:
			var q []string
			for _, c := range f.choices {
				q = append(q, shQuote(c))
			}
			line += " -x -a " + shQuote(strings.Join(q, " "))
		case f.file:
			line += " -r -F"
		case f.value:
			line += " -x"
		}
		fmt.Fprintln(w, line)
	}
	for _, f := range s.globals {
		flag("not __fish_seen_subcommand_from fake-server completion help version", f)
	}
	for _, c := range s.cmds {
		fmt.Fprintf(w, "complete -c ews -n '__fish_use_subcommand' -a %s -d %s\n", c.name, shQuote(oneLine(c.help)))
		for _, f := range c.flags {
			flag("__fish_seen_subcommand_from "+c.name, f)
		}
	}
	fmt.Fprintf(w, "complete -c ews -n '__fish_seen_subcommand_from help' -a %s\n", shQuote(strings.Join(names, " ")))
	fmt.Fprintln(w, "complete -c ews -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'")
}
