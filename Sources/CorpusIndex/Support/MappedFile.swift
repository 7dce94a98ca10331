#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory mapping of a whole file.
///
/// Owns the mapping: it is unmapped when the last reference goes away, so keep the `MappedFile` alive for as long
/// as any pointer obtained from `withUnsafeBytes` / `bytes` is used. An empty file is never mapped (mmap of length 0
/// fails); it reads as an empty buffer. Immutable after `init`, hence `Sendable`: many threads may read at once.
/// The bytes are whatever the file holds: readers must bounds-check everything they take from it.
public final class MappedFile: @unchecked Sendable {
    /// The path the file was opened with.
    public let path: String
    /// The file's size in bytes when it was mapped.
    public let count: Int
    private let base: UnsafeRawPointer?

    /// Maps `path` read-only (`open`, `fstat`, `mmap(PROT_READ, MAP_PRIVATE)`; the descriptor is closed at once).
    /// - Throws: `CorpusIndexError.io` naming the path and the failing call.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CorpusIndexError.io(path: path, errno: errno, operation: "open") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CorpusIndexError.io(path: path, errno: errno, operation: "fstat") }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw CorpusIndexError.io(path: path, errno: EINVAL, operation: "map (not a regular file)")
        }
        count = Int(st.st_size)
        if count == 0 {
            base = nil
            return
        }
        let p = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw CorpusIndexError.io(path: path, errno: errno, operation: "mmap") }
        base = UnsafeRawPointer(p)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// The mapped bytes; valid while `self` is alive.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : count) }

    /// Calls `body` with the mapped bytes, keeping the mapping alive for the call.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(bytes) }
    }

    /// Advises the kernel that the bytes will be read front to back (`madvise(MADV_SEQUENTIAL)`); a hint only.
    public func adviseSequential() {
        if let base { _ = madvise(UnsafeMutableRawPointer(mutating: base), count, MADV_SEQUENTIAL) }
    }
}
