package main

// releaseStoreMap gives back the pages of the store's memory map that a
// full scan has just read (an index rebuild reads every record, learning
// the links every award): they would otherwise stay in serve's resident
// memory although serving reads few of them again. Nothing is lost: the
// pages stay in the kernel's page cache and the next read maps them again
// (data/store/mmap_linux.go). At a million suppliers a rebuild left 2.6 GiB
// of the store mapped (docs/performance.md). A failure only costs memory:
// it is logged and serving goes on.
func (d *directory) releaseStoreMap(p *program, after string) {
	n, err := d.store.ReleaseMapped()
	if err != nil {
		p.log.Warn("store map not released", "after", after, "err", err)
		return
	}
	p.log.Debug("store map released", "after", after, "bytes", n)
}
