#if canImport(Glibc)
/// glibc's `mallopt` (declared in `<malloc.h>`, which the Glibc module does not bring in), reached by its symbol.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
/// `<malloc.h>`'s parameter numbers.
private let mallocTrimThreshold: Int32 = -1
private let mallocMmapThreshold: Int32 = -3
#endif

/// Keeps freed heap memory in the process for the next query instead of handing it back to the kernel.
///
/// A query allocates a few hundred KiB of scratch (decoded skip tables, top-scoring lists, candidate buffers)
/// and frees it when done. glibc's defaults return the top of the heap to the kernel as soon as 128 KiB of it is
/// free, and serve any request of 128 KiB or more with a mapping of its own, so every query would fault the same
/// pages in again (each fault zeroes a page in the kernel): on the full-size generated index an AND of three
/// common terms spent a quarter of its time there (docs/benchmarks.md). `retainFreedHeap()` raises both limits
/// once per process: up to `trimThreshold` of freed heap is kept, and requests below `mmapThreshold` come from the
/// heap. Called by `IndexQuerySource.init`, so only processes that query pay the retained memory; a no-op where
/// the C library is not glibc. Thread-safe (a `static let` runs once).
enum HeapRetention {
    /// Freed heap kept at the top before it is returned to the kernel.
    static let trimThreshold: Int32 = 16 << 20
    /// Requests of this size or more get a mapping of their own (returned to the kernel when freed).
    static let mmapThreshold: Int32 = 1 << 20

    private static let applied: Bool = {
        #if canImport(Glibc)
        return glibcMallopt(mallocTrimThreshold, trimThreshold) == 1 && glibcMallopt(mallocMmapThreshold, mmapThreshold) == 1
        #else
        return false
        #endif
    }()

    /// Raises the limits (once per process); returns whether the C library took them.
    @discardableResult
    static func retainFreedHeap() -> Bool { applied }
}
