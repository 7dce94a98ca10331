#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DumpChunk {
    /// Drops the chunk's pages of a mapped input from this process's resident set once the chunk has been
    /// processed (`madvise(MADV_DONTNEED)` over the whole pages inside the chunk), so that indexing a mapped dump
    /// does not leave the whole file resident: peak memory then depends on the budget, not on the input size.
    ///
    /// Safe at any time: the mapping is private and read-only, so a dropped page that is touched again (by a
    /// neighbouring chunk sharing a boundary page, say) is simply read back from the file. Does nothing for
    /// streamed or owned chunks.
    func releaseInputPages() {
        guard case let .view(mapped, range) = storage, let base = mapped.bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let address = Int(bitPattern: base)
        let start = (address + range.lowerBound + page - 1) / page * page
        let end = (address + range.upperBound) / page * page
        guard end > start else { return }
        withExtendedLifetime(mapped) {
            _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_DONTNEED)
        }
    }
}
