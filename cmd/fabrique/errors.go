package main

import (
	"errors"
	"fmt"
)

// usageError is a mistake on the command line: fabrique exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// userError carries a French message for the user while keeping the
// underlying error for errors.Is and the logs.
type userError struct {
	msg string
	err error
}

func (e *userError) Error() string { return e.msg }
func (e *userError) Unwrap() error { return e.err }

// goError is the Go error under a userError's French message, for the
// logs; err itself otherwise.
func goError(err error) error {
	var ue *userError
	if errors.As(err, &ue) && ue.err != nil {
		return ue.err
	}
	return err
}

// partialError reports a command that did part of its work: what it
// could do is done and kept, the rest was refused and reported line by
// line. fabrique exits with status 3, so that a scheduled import that
// stored most notices but refused some is still noticed.
type partialError struct{ msg string }

func (e *partialError) Error() string { return e.msg }

// exitCode is the process status for the error run returned.
func exitCode(err error) int {
	var ue *usageError
	var pe *partialError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		return 2
	case errors.As(err, &pe):
		return 3
	}
	return 1
}
