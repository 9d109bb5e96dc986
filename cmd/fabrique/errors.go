package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
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

// fileCause words in French why the system refused a file operation
// (disk full, read-only volume, access denied…), naming the path it
// refused; "" when err is none it knows, for the caller to show err.
func fileCause(err error) string {
	path := ""
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &le):
		path = le.New
	case errors.As(err, &pe):
		path = pe.Path
	}
	dir := ""
	if path != "" {
		dir = " (" + filepath.Dir(path) + ")"
	}
	switch {
	case errors.Is(err, context.Canceled):
		return "opération interrompue"
	case errors.Is(err, syscall.ENOSPC):
		return "disque plein, plus de place sur le volume de destination" + dir
	case errors.Is(err, syscall.EDQUOT):
		return "quota disque dépassé sur le volume de destination" + dir
	case errors.Is(err, syscall.EROFS):
		return "volume de destination en lecture seule" + dir
	case errors.Is(err, syscall.EIO):
		return "erreur d'entrée-sortie du disque" + dir
	case path == "":
		return ""
	case errors.Is(err, fs.ErrPermission):
		return "accès refusé à " + path + " (droits du fichier ou du répertoire)"
	case errors.Is(err, syscall.ENOTDIR):
		return "un élément du chemin " + path + " n'est pas un répertoire"
	case errors.Is(err, syscall.EISDIR),
		le != nil && (errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTEMPTY)):
		return path + " est un répertoire"
	case errors.Is(err, fs.ErrNotExist):
		return "fichier ou répertoire introuvable : " + path
	}
	return ""
}
