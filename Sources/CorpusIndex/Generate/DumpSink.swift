import CLZ4
import CZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a generated dump's bytes go: a file (or standard output for `-`), optionally through a streaming gzip
/// (zlib deflate with the gzip wrapper) or LZ4-frame compressor. Writes go out with `write(2)` in large blocks.
///
/// Not thread-safe: one writer at a time (the generator's serial writer queue). `finish()` must be called once
/// to flush the compressor and close the file; errors are `CorpusIndexError.io` naming the path.
final class DumpSink: @unchecked Sendable {
    let path: String
    /// The descriptor written to; -1 once `finish` has closed it (so that `deinit` cannot close it again).
    private var fd: Int32
    private let ownsDescriptor: Bool
    private let compression: DumpCompression
    private var zstream = z_stream()
    private var lz4Context: OpaquePointer?
    private var lz4Preferences = LZ4F_preferences_t()
    private var staging: [UInt8]
    private static let lz4Slice = 1 << 20
    /// Bytes handed to the sink (before compression).
    private(set) var bytesIn = 0
    /// Bytes written to the file.
    private(set) var bytesOut = 0

    /// gzip level: 1 (fastest) to 9; the generator uses 1.
    init(path: String, compression: DumpCompression, gzipLevel: Int32 = 1) throws {
        self.path = path
        self.compression = compression
        if path == "-" {
            fd = STDOUT_FILENO
            ownsDescriptor = false
        } else {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw CorpusIndexError.io(path: path, errno: errno, operation: "open for writing") }
            ownsDescriptor = true
        }
        switch compression {
        case .none:
            staging = []
        case .gzip:
            staging = [UInt8](repeating: 0, count: 1 << 20)
            let status = deflateInit2_(
                &zstream, gzipLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else { throw CorpusIndexError.internalError("deflateInit2 failed (\(status)) for \(path)") }
        case .lz4:
            lz4Preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
            lz4Preferences.frameInfo.blockSizeID = LZ4F_max4MB
            let bound = LZ4F_compressBound(DumpSink.lz4Slice, &lz4Preferences) + 64
            staging = [UInt8](repeating: 0, count: bound)
            var context: OpaquePointer?
            guard LZ4F_isError(LZ4F_createCompressionContext(&context, UInt32(LZ4F_VERSION))) == 0 else {
                throw CorpusIndexError.internalError("LZ4F_createCompressionContext failed for \(path)")
            }
            lz4Context = context
            let written = staging.withUnsafeMutableBytes {
                LZ4F_compressBegin(context, $0.baseAddress, $0.count, &lz4Preferences)
            }
            guard LZ4F_isError(written) == 0 else { throw lz4Error(written, "LZ4F_compressBegin") }
            try staging.withUnsafeBytes { try writeAll(UnsafeRawBufferPointer(rebasing: $0[0..<written])) }
        }
    }

    deinit {
        if compression == .gzip { deflateEnd(&zstream) }
        if let lz4Context { LZ4F_freeCompressionContext(lz4Context) }
        if ownsDescriptor && fd >= 0 { close(fd) }
    }

    /// Compresses (if asked) and writes `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0, let base = bytes.baseAddress else { return }
        bytesIn += bytes.count
        switch compression {
        case .none:
            try writeAll(bytes)
        case .gzip:
            zstream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
            zstream.avail_in = UInt32(bytes.count)
            while zstream.avail_in > 0 { try deflateStep(Z_NO_FLUSH) }
        case .lz4:
            var offset = 0
            while offset < bytes.count {
                let length = min(DumpSink.lz4Slice, bytes.count - offset)
                let written = staging.withUnsafeMutableBytes {
                    LZ4F_compressUpdate(lz4Context, $0.baseAddress, $0.count, base + offset, length, nil)
                }
                guard LZ4F_isError(written) == 0 else { throw lz4Error(written, "LZ4F_compressUpdate") }
                try staging.withUnsafeBytes { try writeAll(UnsafeRawBufferPointer(rebasing: $0[0..<written])) }
                offset += length
            }
        }
    }

    /// Flushes the compressor's tail and closes the file.
    func finish() throws {
        switch compression {
        case .none: break
        case .gzip:
            zstream.avail_in = 0
            while try deflateStep(Z_FINISH) != Z_STREAM_END {}
        case .lz4:
            let written = staging.withUnsafeMutableBytes { LZ4F_compressEnd(lz4Context, $0.baseAddress, $0.count, nil) }
            guard LZ4F_isError(written) == 0 else { throw lz4Error(written, "LZ4F_compressEnd") }
            try staging.withUnsafeBytes { try writeAll(UnsafeRawBufferPointer(rebasing: $0[0..<written])) }
        }
        if ownsDescriptor && fd >= 0 {
            // Closed once: a second close in deinit could close a descriptor another thread has opened since.
            let result = close(fd)
            fd = -1
            guard result == 0 else { throw CorpusIndexError.io(path: path, errno: errno, operation: "close") }
        }
    }

    @discardableResult
    private func deflateStep(_ flush: Int32) throws -> Int32 {
        var status: Int32 = Z_OK
        let produced = try staging.withUnsafeMutableBytes { out -> Int in
            zstream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
            zstream.avail_out = UInt32(out.count)
            status = deflate(&zstream, flush)
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw CorpusIndexError.internalError("deflate failed (\(status)) writing \(path)")
            }
            return out.count - Int(zstream.avail_out)
        }
        try staging.withUnsafeBytes { try writeAll(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
        return status
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = posixWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw CorpusIndexError.io(path: path, errno: errno, operation: "write")
            }
            offset += n
        }
        bytesOut += bytes.count
    }

    private func lz4Error(_ code: Int, _ call: String) -> CorpusIndexError {
        .internalError("\(call) failed (\(String(cString: LZ4F_getErrorName(code)))) writing \(path)")
    }
}

/// `write(2)`, named apart from the methods called `write`.
@inline(__always)
func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}

extension DumpSink {
    /// Compresses `input` into one complete gzip member appended to `out` (one `deflate(Z_FINISH)` call into a
    /// `deflateBound`-sized buffer). Concatenated members are a valid gzip file (RFC 1952 §2.2; gzip, pigz and the
    /// project's readers read them all), which lets workers compress their own units in parallel while the output
    /// stays the same whatever the thread count.
    static func appendGzipMember(_ input: UnsafeRawBufferPointer, level: Int32 = 1, to out: ByteBuffer) throws {
        var stream = z_stream()
        let status = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw CorpusIndexError.internalError("deflateInit2 failed (\(status))") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.count))) + 64
        out.reserve(bound)
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = UInt32(input.count)
        stream.next_out = out.base + out.count
        stream.avail_out = UInt32(bound)
        let result = deflate(&stream, Z_FINISH)
        guard result == Z_STREAM_END else { throw CorpusIndexError.internalError("deflate of a gzip member failed (\(result))") }
        out.count += bound - Int(stream.avail_out)
    }
}
