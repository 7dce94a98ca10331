#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One value per document, appended in document order to a temporary file and streamed back once at the end of
/// the build: a per-document column (row ids, dates, value ids, field lengths) then costs a fixed write buffer
/// instead of 4–8 bytes of memory per document, so the build's peak does not grow with the input.
///
/// File: the values as little-endian `Value`s, back to back, nothing else (the same bytes the index's column
/// sections hold). Lifecycle: `append` while collecting, then `read` once (it closes the writer first); the file
/// is deleted by `remove()` or when the build removes its staging directory. Not thread-safe.
final class SpilledColumn<Value: FixedWidthInteger> {
    let path: String
    private var writer: BufferedFileWriter?
    /// Values appended so far.
    private(set) var count = 0

    /// Creates (truncates) `path`.
    init(path: String, bufferSize: Int = 64 << 10) throws {
        self.path = path
        writer = try BufferedFileWriter(path: path, bufferSize: bufferSize)
    }

    /// Appends the next document's value.
    @inline(__always)
    func append(_ value: Value) throws {
        precondition(writer != nil, "SpilledColumn appended after read")
        try writer!.appendLittleEndian(value)
        count += 1
    }

    /// Appends consecutive documents' values.
    func append(contentsOf values: UnsafeBufferPointer<Value>) throws {
        precondition(writer != nil, "SpilledColumn appended after read")
        #if _endian(little)
        try writer!.append(UnsafeRawBufferPointer(values))
        #else
        for v in values { try writer!.appendLittleEndian(v) }
        #endif
        count += values.count
    }

    /// Streams every value back in order, as consecutive pieces of at most `pieceValues` little-endian values
    /// (raw bytes, ready to be copied into an index section). Can be called more than once.
    /// - Throws: `.io` on a read error, `.corrupt` if the file is shorter than `count` values.
    func readBytes(pieceValues: Int = 16 << 10, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        if let writer {
            try writer.close()
            self.writer = nil
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CorpusIndexError.io(path: path, errno: errno, operation: "open for reading") }
        defer { close(fd) }
        let width = MemoryLayout<Value>.size
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(pieceValues, 1) * width, alignment: 8)
        defer { buffer.deallocate() }
        var remaining = count * width
        var offset = 0
        while remaining > 0 {
            let want = min(remaining, buffer.count)
            var got = 0
            while got < want {
                let n = pread(fd, buffer.baseAddress! + got, want - got, off_t(offset + got))
                if n < 0 && errno == EINTR { continue }
                if n < 0 { throw CorpusIndexError.io(path: path, errno: errno, operation: "read") }
                if n == 0 {
                    throw CorpusIndexError.corrupt(
                        file: path, section: "spill", reason: "\(offset + got) bytes, \(count * width) expected")
                }
                got += n
            }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<want]))
            offset += want
            remaining -= want
        }
    }

    /// Streams every value back in order, decoded, in pieces of at most `pieceValues`.
    func read(pieceValues: Int = 16 << 10, _ body: (UnsafeBufferPointer<Value>) throws -> Void) throws {
        var values: [Value] = []
        values.reserveCapacity(pieceValues)
        try readBytes(pieceValues: pieceValues) { bytes in
            values.removeAll(keepingCapacity: true)
            let width = MemoryLayout<Value>.size
            for i in stride(from: 0, to: bytes.count, by: width) {
                values.append(Value(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: Value.self)))
            }
            try values.withUnsafeBufferPointer(body)
        }
    }

    /// Deletes the file.
    func remove() {
        if let writer { try? writer.close() }
        writer = nil
        unlink(path)
    }
}
