package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	_ "time/tzdata" // French dates need Europe/Paris, even where the system has no zone database

	"fabrique/data"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "fabrique : %v\n", err)
	}
	os.Exit(exitCode(err))
}

// run is the whole program, testable in-process: it parses args (without
// the program name), reads the environment through getenv and writes only
// to stdout and stderr. It returns a *usageError for command-line mistakes.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printUsage(stderr)
		return usageErrorf("commande manquante")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		printUsage(stdout)
		return nil
	}
	cmd, ok := findCommand(args[0])
	if !ok {
		printUsage(stderr)
		return usageErrorf("commande inconnue « %s »", args[0])
	}

	var cfg config
	fs := flag.NewFlagSet("fabrique "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and help are printed below, in French
	cfg.bind(fs, cmd.options)
	rest, err := parseInterspersed(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		printCommandUsage(stdout, cmd)
		return nil
	}
	switch {
	case err != nil:
		err = errors.New(flagErrorFR(err))
	case cmd.nargs == oneOrMore && len(rest) == 0:
		err = fmt.Errorf("au moins un argument attendu")
	case cmd.nargs == zeroOrOne && len(rest) > 1:
		err = fmt.Errorf("un argument au plus, %d reçus", len(rest))
	case cmd.nargs >= 0 && len(rest) != cmd.nargs:
		err = fmt.Errorf("%s, %s", data.CountFR(cmd.nargs, "argument attendu", "arguments attendus"), data.CountFR(len(rest), "reçu", "reçus"))
	}
	if err != nil {
		printCommandUsage(stderr, cmd)
		return usageErrorf("%s : %v", cmd.name, err)
	}
	cfg.applyEnv(fs, cmd.options, getenv, cmd.defaults)
	if err := cfg.validate(); err != nil {
		return err
	}
	p := &program{cfg: cfg, stdout: stdout, stderr: stderr, log: cfg.newLogger(stderr)}
	return cmd.run(ctx, p, rest)
}

// parseInterspersed parses flags wherever they are among the positional
// arguments ("backup FILE --data DIR" as well as "backup --data DIR FILE");
// everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		// flag stops at the first non-flag argument, or just after a "--",
		// which it consumes: then everything left is positional.
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	return positional, nil
}

// flagValueError matches package flag's message for a value a flag
// refused: invalid [boolean ]value "V" for [flag ]-NAME: CAUSE.
var flagValueError = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-(\S+): (.*)$`)

// flagErrorFR words in French the errors of package flag, whose messages
// are English: an unknown option, a missing or refused value, a malformed
// option. Another message is kept as it is.
func flagErrorFR(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return fmt.Sprintf("option inconnue « --%s »", name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return fmt.Sprintf("l'option --%s attend une valeur", name)
	}
	if arg, ok := strings.CutPrefix(msg, "bad flag syntax: "); ok {
		return fmt.Sprintf("option mal formée « %s »", arg)
	}
	if m := flagValueError.FindStringSubmatch(msg); m != nil {
		value, uerr := strconv.Unquote(m[1])
		if uerr != nil {
			value = m[1]
		}
		return fmt.Sprintf("--%s : valeur « %s » refusée (%s)", m[2], value, m[3])
	}
	return msg
}

// printUsage lists the subcommands.
func printUsage(w io.Writer) {
	fmt.Fprint(w, "Fabrique — le fabriqué en France dans la commande publique.\n\n"+
		"Utilisation :\n  fabrique COMMANDE [options] [arguments]\n\nCommandes :\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\n« fabrique COMMANDE --help » détaille une commande et ses options.\n")
}

// printCommandUsage is the help of one subcommand.
func printCommandUsage(w io.Writer, c command) {
	synopsis := []string{"fabrique", c.name}
	if len(c.options) > 0 {
		synopsis = append(synopsis, "[options]")
	}
	if c.args != "" {
		synopsis = append(synopsis, c.args)
	}
	fmt.Fprintf(w, "Utilisation : %s\n\n%s\n", strings.Join(synopsis, " "), c.help)
	printOptions(w, c.options, c.texts)
}
