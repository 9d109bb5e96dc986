package store

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"

	bolt "go.etcd.io/bbolt"
)

// The layout of a bbolt file (format version 2), as much of it as
// checkPages reads. bbolt writes its structures in the machine's byte
// order.
const (
	pageHeaderSize  = 16 // id u64, flags u16, count u16, overflow u32
	elementSize     = 16 // branch: pos u32, ksize u32, pgid u64; leaf: flags u32, pos u32, ksize u32, vsize u32
	inBucketSize    = 16 // root pgid u64, sequence u64
	branchPageFlag  = 0x01
	leafPageFlag    = 0x02
	freelistFlag    = 0x10
	bucketLeafFlag  = 0x01
	noFreelist      = ^uint64(0)
	metaTxidOffset  = pageHeaderSize + 48
	metaRootOffset  = pageHeaderSize + 16
	metaFreeOffset  = pageHeaderSize + 32
	freelistBigMark = 0xFFFF // count too big for the header: the first id is the count
)

var native = binary.NativeEndian

// checkPages reads, straight from the file, the page structure that tx
// stands on: the freelist page and every page of the bucket tree, nested
// buckets included. It checks each page's own id, type and extent (within
// the high-water mark), and that every element, key and value lies inside
// its page. bbolt trusts all of these: only its meta pages carry a
// checksum. On a damaged page it panics, reads memory the file does not map
// (a fault no recover catches in bbolt's own check goroutine) or, given a
// page that claims billions of overflow pages or free ids, allocates
// without bound. checkPages reads each page once and keeps one bit of
// state per page it reached.
func checkPages(tx *bolt.Tx) error {
	f, err := os.Open(tx.DB().Path())
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	pc := &pageChecker{r: f, pageSize: uint64(tx.DB().Info().PageSize), seen: map[uint64]bool{}}
	if pc.pageSize < pageHeaderSize+elementSize {
		return fmt.Errorf("page size %d", pc.pageSize)
	}
	pc.hwm = uint64(tx.Size()) / pc.pageSize
	txid := uint64(tx.ID())
	if tx.Writable() { // a writer's id is the next one
		txid--
	}
	root, freelist, err := pc.meta(txid)
	if err != nil {
		return err
	}
	if freelist != noFreelist {
		if err := pc.freelist(freelist); err != nil {
			return err
		}
	}
	return pc.tree(root)
}

type pageChecker struct {
	r        io.ReaderAt
	pageSize uint64
	hwm      uint64 // pages of the file the meta announces (checked against the file's size before)
	seen     map[uint64]bool
}

// meta returns the root and freelist page ids of the meta page of txid,
// the one bbolt chose (it checked its checksum).
func (pc *pageChecker) meta(txid uint64) (root, freelist uint64, err error) {
	b := make([]byte, pageHeaderSize+64)
	for id := uint64(0); id < 2; id++ {
		if _, err := pc.r.ReadAt(b, int64(id*pc.pageSize)); err != nil {
			return 0, 0, fmt.Errorf("meta page %d: %w", id, err)
		}
		if native.Uint64(b[metaTxidOffset:]) == txid {
			return native.Uint64(b[metaRootOffset:]), native.Uint64(b[metaFreeOffset:]), nil
		}
	}
	return 0, 0, fmt.Errorf("no meta page of transaction %d", txid)
}

// page reads the page id whole (with its overflow pages) after checking
// its header: its own id, a type among want, and its extent.
func (pc *pageChecker) page(id uint64, want ...uint16) ([]byte, error) {
	if id < 2 || id >= pc.hwm {
		return nil, fmt.Errorf("page %d: outside the file's %d pages", id, pc.hwm)
	}
	if pc.seen[id] {
		return nil, fmt.Errorf("page %d: reached twice", id)
	}
	pc.seen[id] = true
	h := make([]byte, pageHeaderSize)
	if _, err := pc.r.ReadAt(h, int64(id*pc.pageSize)); err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	if got := native.Uint64(h); got != id {
		return nil, fmt.Errorf("page %d: names itself %d", id, got)
	}
	flags, overflow := native.Uint16(h[8:]), uint64(native.Uint32(h[12:]))
	if id+overflow >= pc.hwm {
		return nil, fmt.Errorf("page %d: %d overflow pages, past the file's %d pages", id, overflow, pc.hwm)
	}
	ok := false
	for _, w := range want {
		ok = ok || flags == w
	}
	if !ok {
		return nil, fmt.Errorf("page %d: type %#x where %#x was expected", id, flags, want)
	}
	b := make([]byte, (overflow+1)*pc.pageSize)
	if _, err := pc.r.ReadAt(b, int64(id*pc.pageSize)); err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	return b, nil
}

// freelist checks that the free ids the freelist page counts fit in it.
func (pc *pageChecker) freelist(id uint64) error {
	b, err := pc.page(id, freelistFlag)
	if err != nil {
		return fmt.Errorf("freelist: %w", err)
	}
	count, first := uint64(native.Uint16(b[10:])), uint64(pageHeaderSize)
	if count == freelistBigMark {
		count, first = native.Uint64(b[pageHeaderSize:]), pageHeaderSize+8
	}
	if room := (uint64(len(b)) - first) / 8; count > room {
		return fmt.Errorf("freelist: page %d counts %d free pages, room for %d", id, count, room)
	}
	return nil
}

// tree checks the pages of the bucket whose root page is root, and of the
// buckets nested in it.
func (pc *pageChecker) tree(root uint64) error {
	stack := []uint64{root}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		b, err := pc.page(id, branchPageFlag, leafPageFlag)
		if err != nil {
			return err
		}
		children, err := elements(b, id)
		if err != nil {
			return err
		}
		stack = append(stack, children...)
	}
	return nil
}

// elements checks the elements of a branch or leaf page b (a page of the
// file, or an inline bucket's page held in a value) and returns the pages
// they lead to: a branch's children, the root pages of nested buckets.
func elements(b []byte, id uint64) ([]uint64, error) {
	flags, count := native.Uint16(b[8:]), int(native.Uint16(b[10:]))
	if pageHeaderSize+count*elementSize > len(b) {
		return nil, fmt.Errorf("page %d: %d elements overflow it", id, count)
	}
	var next []uint64
	for i := range count {
		e := pageHeaderSize + i*elementSize
		var pos, ksize, vsize int
		var child uint64
		leafFlags := uint32(0)
		switch flags {
		case branchPageFlag:
			pos, ksize, child = int(native.Uint32(b[e:])), int(native.Uint32(b[e+4:])), native.Uint64(b[e+8:])
			next = append(next, child)
		case leafPageFlag:
			leafFlags = native.Uint32(b[e:])
			pos, ksize, vsize = int(native.Uint32(b[e+4:])), int(native.Uint32(b[e+8:])), int(native.Uint32(b[e+12:]))
		default:
			return nil, fmt.Errorf("page %d: type %#x", id, flags)
		}
		start := e + pos
		if pos < 0 || ksize < 0 || vsize < 0 || start > len(b) || ksize+vsize > len(b)-start {
			return nil, fmt.Errorf("page %d: element %d outside the page", id, i)
		}
		if leafFlags&bucketLeafFlag == 0 {
			continue
		}
		v := b[start+ksize : start+ksize+vsize]
		if len(v) < inBucketSize {
			return nil, fmt.Errorf("page %d: element %d: bucket header of %d bytes", id, i, len(v))
		}
		if root := native.Uint64(v); root != 0 {
			next = append(next, root)
			continue
		}
		inline := v[inBucketSize:] // an inline bucket: its page in the value
		if len(inline) < pageHeaderSize || native.Uint16(inline[8:]) != leafPageFlag {
			return nil, fmt.Errorf("page %d: element %d: damaged inline bucket", id, i)
		}
		nested, err := elements(inline, id)
		if err != nil {
			return nil, err
		}
		next = append(next, nested...)
	}
	return next, nil
}
