#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zero-filled anonymous memory for the inverter's randomly probed structures (term table, postings arena),
/// aligned to 2 MiB and, on Linux, advised to be backed by transparent huge pages (`madvise(MADV_HUGEPAGE)`).
///
/// Why: a 16 MiB chunk's table and arena span ~6,000 4 KiB pages, far more than the data TLB holds, so nearly
/// every probe of a rare term paid a page walk on top of its cache miss; with 2 MiB pages they span a dozen. The
/// advice is a hint: where the kernel declines (THP `never`, other systems), this is plain `mmap` memory.
///
/// Sizes are rounded up to whole 2 MiB pages; `deallocate` must get the `byteCount` given to `allocate`.
/// Stateless, thread-safe.
enum LargePageMemory {
    static let pageSize = 2 << 20

    /// The bytes `allocate(byteCount)` really maps.
    static func roundedSize(_ byteCount: Int) -> Int { (max(byteCount, 1) + pageSize - 1) & ~(pageSize - 1) }

    /// Maps `byteCount` zeroed bytes aligned to 2 MiB. Traps when the system has no memory left, as `allocate` does.
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let size = roundedSize(byteCount)
        // Map one page more than needed, then trim the unaligned head and the rest of the tail.
        let raw = mmap(nil, size + pageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let raw, raw != MAP_FAILED else { fatalError("out of memory: mmap of \(size) bytes failed (errno \(errno))") }
        let address = UInt(bitPattern: raw)
        let aligned = (address + UInt(pageSize - 1)) & ~UInt(pageSize - 1)
        let head = Int(aligned - address)
        if head > 0 { munmap(raw, head) }
        let tail = pageSize - head
        let base = UnsafeMutableRawPointer(bitPattern: aligned)!
        if tail > 0 { munmap(base + size, tail) }
        #if os(Linux)
        _ = madvise(base, size, MADV_HUGEPAGE)
        #endif
        return base
    }

    static func deallocate(_ base: UnsafeMutableRawPointer, byteCount: Int) {
        munmap(base, roundedSize(byteCount))
    }
}
