package notice

import (
	"fmt"
	"io"
)

// readLimited reads the whole input, refusing it once it exceeds max bytes
// so that an endless or huge body never fills memory.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("notice: lecture: %w", err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("plus de %d octets: %w", max, ErrTooLarge)
	}
	return b, nil
}

// parseInput is the common start of every reader: it reads r within
// opts.MaxBytes, converts it to UTF-8 (toUTF8) and hands the text to
// parse, then notes the conversion in the Result.
func parseInput(r io.Reader, opts Options, parse func(b []byte, opts Options) (Result, error)) (Result, error) {
	opts = opts.withDefaults()
	b, err := readLimited(r, opts.MaxBytes)
	if err != nil {
		return Result{}, err
	}
	b, from, err := toUTF8(b)
	if err != nil {
		return Result{}, err
	}
	res, err := parse(b, opts)
	if from != "" {
		res.Notes = append([]string{"encodage " + from + " converti en UTF-8"}, res.Notes...)
	}
	return res, err
}

// readJSON decodes JSON text within opts' limits, refusing nesting deeper
// than opts.MaxDepth and more than opts.MaxElements objects and arrays.
func readJSON(b []byte, opts Options) (any, error) {
	return decodeJSON(b, opts.MaxDepth, opts.MaxElements)
}
