package notice

import (
	"bytes"
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
	return bytes.TrimPrefix(b, []byte("\ufeff")), nil
}

// readJSON reads the whole input within opts' limits and decodes it as
// JSON, refusing nesting deeper than opts.MaxDepth and more than
// opts.MaxElements objects and arrays.
func readJSON(r io.Reader, opts Options) (any, error) {
	b, err := readLimited(r, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	return decodeJSON(b, opts.MaxDepth, opts.MaxElements)
}
