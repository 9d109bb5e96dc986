package index

// Rebuilding reports whether a Rebuild is running, for readiness checks:
// searches keep answering from the previous generation meanwhile, but may
// miss what the store holds.
func (ix *Index) Rebuilding() bool {
	if ix.rebuildMu.TryLock() {
		ix.rebuildMu.Unlock()
		return false
	}
	return true
}
