#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends bytes to a new file through a fixed buffer (`write(2)` in large pieces).
///
/// Owns its descriptor and buffer; `close()` flushes (and optionally `fsync`s) and must be called before the file
/// is read. Not thread-safe: one writer per file.
final class BufferedFileWriter {
    let path: String
    private var fd: Int32
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var count = 0
    /// Bytes appended so far (the file offset of the next byte).
    private(set) var offset = 0

    /// Creates (truncates) `path` for writing.
    init(path: String, bufferSize: Int = 1 << 20) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CorpusIndexError.io(path: path, errno: errno, operation: "open for writing") }
        capacity = max(bufferSize, 4096)
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
        buffer.deallocate()
    }

    @inline(__always)
    func append(_ byte: UInt8) throws {
        if count == capacity { try flush() }
        buffer[count] = byte
        count += 1
        offset += 1
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if bytes.count > capacity - count {
            try flush()
            if bytes.count >= capacity {
                try writeAll(base, bytes.count)
                offset += bytes.count
                return
            }
        }
        (buffer + count).update(from: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        count += bytes.count
        offset += bytes.count
    }

    @inline(__always)
    func appendVarint(_ value: UInt64) throws {
        if capacity - count < 10 { try flush() }
        var v = value
        while v >= 0x80 {
            buffer[count] = UInt8(truncatingIfNeeded: v) | 0x80
            v >>= 7
            count += 1
            offset += 1
        }
        buffer[count] = UInt8(truncatingIfNeeded: v)
        count += 1
        offset += 1
    }

    func appendLittleEndian<T: FixedWidthInteger>(_ value: T) throws {
        var v = value.littleEndian
        try withUnsafeBytes(of: &v) { try append($0) }
    }

    func flush() throws {
        if count > 0 { try writeAll(UnsafeRawPointer(buffer), count) }
        count = 0
    }

    private func writeAll(_ base: UnsafeRawPointer, _ length: Int) throws {
        var done = 0
        while done < length {
            #if canImport(Glibc)
            let n = Glibc.write(fd, base + done, length - done)
            #else
            let n = Darwin.write(fd, base + done, length - done)
            #endif
            if n < 0 {
                if errno == EINTR { continue }
                throw CorpusIndexError.io(path: path, errno: errno, operation: "write")
            }
            done += n
        }
    }

    /// Flushes, optionally `fsync`s, and closes the file.
    func close(sync: Bool = false) throws {
        try flush()
        if sync && fsync(fd) != 0 { throw CorpusIndexError.io(path: path, errno: errno, operation: "fsync") }
        let result = Glibc.close(fd)
        fd = -1
        if result != 0 { throw CorpusIndexError.io(path: path, errno: errno, operation: "close") }
    }
}
