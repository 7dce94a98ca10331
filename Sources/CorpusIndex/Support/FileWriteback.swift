#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts the kernel writing a file's dirty pages to disk without waiting for it (Linux
/// `sync_file_range(fd, offset, count, SYNC_FILE_RANGE_WRITE)`, RocksDB's `bytes_per_sync`), so that the `fsync`
/// which publishes an index finds little left to write instead of the whole index at once (about 0.6 s per GB
/// of idle wall time at the end of a build). Advisory: failures are ignored, the final `fsync` is what makes
/// the data durable. A no-op where the call is unavailable. Stateless; safe from any thread.
enum FileWriteback {
    private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32

    /// `sync_file_range`, looked up with `dlsym` (the Glibc module does not import it).
    private static let syncFileRange: SyncFileRange? = {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range") else { return nil }
        return unsafeBitCast(symbol, to: SyncFileRange.self)
        #else
        return nil
        #endif
    }()

    /// Bytes written between two writeback requests of one file.
    static let stride: UInt64 = 8 << 20

    /// Starts writeback of `count` bytes at `offset` of `fd`.
    static func start(_ fd: Int32, offset: UInt64, count: UInt64) {
        let syncFileRangeWrite: UInt32 = 2
        _ = syncFileRange?(fd, Int64(offset), Int64(count), syncFileRangeWrite)
    }
}
