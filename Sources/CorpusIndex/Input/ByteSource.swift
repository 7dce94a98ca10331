#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// A forward-only stream of bytes: a file descriptor (a pipe, standard input, a file that cannot be mapped), a
/// decompressor over another source, or replayed bytes followed by another source.
///
/// Not thread-safe: a source is read by one thread at a time (the reader's producer). `read` returns 0 only at the
/// end of the stream and throws `CorpusIndexError` naming the input on failure (I/O error, corrupt or truncated
/// compressed data).
protocol ByteSource: AnyObject {
    /// The input's name for messages.
    var name: String { get }
    /// Fills a prefix of `buffer`; returns how many bytes, 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteSource {
    /// Reads until `buffer` is full or the stream ends; returns the count.
    func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var total = 0
        while total < buffer.count {
            let got = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            if got == 0 { break }
            total += got
        }
        return total
    }

    /// Reads the whole rest of the stream.
    func readAll() throws -> [UInt8] {
        var out: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = try block.withUnsafeMutableBytes { try read(into: $0) }
            if got == 0 { return out }
            out.append(contentsOf: block[0..<got])
        }
    }
}

/// Reads a file descriptor with `read(2)`, retrying on `EINTR`. Closes it on deinit if it owns it.
final class FileDescriptorSource: ByteSource {
    let name: String
    private let fd: Int32
    private let owns: Bool

    init(fd: Int32, name: String, owns: Bool) {
        self.fd = fd
        self.name = name
        self.owns = owns
    }

    /// Opens `path` for reading.
    convenience init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CorpusIndexError.io(path: path, errno: errno, operation: "open") }
        self.init(fd: fd, name: path, owns: true)
    }

    deinit { if owns { close(fd) } }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let got = systemRead(fd, base, buffer.count)
            if got >= 0 { return got }
            if errno == EINTR { continue }
            throw CorpusIndexError.io(path: name, errno: errno, operation: "read")
        }
    }
}

/// Bytes already taken from a source (to sniff its format), then the rest of that source.
final class ReplaySource: ByteSource {
    var name: String { rest.name }
    private var prefix: [UInt8]
    private var used = 0
    private let rest: ByteSource

    init(prefix: [UInt8], rest: ByteSource) {
        self.prefix = prefix
        self.rest = rest
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if used < prefix.count {
            let n = min(buffer.count, prefix.count - used)
            prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + used, byteCount: n) }
            used += n
            if used == prefix.count {
                prefix = []
                used = 0
            }
            return n
        }
        return try rest.read(into: buffer)
    }
}

/// Bytes of a memory region (a mapped file) as a stream, for decompressing mapped input.
final class MemorySource: ByteSource {
    let name: String
    private let file: MappedFile
    private var position = 0

    init(file: MappedFile) {
        self.file = file
        name = file.path
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let bytes = file.bytes
        let n = min(buffer.count, bytes.count - position)
        guard n > 0 else { return 0 }
        buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + position, byteCount: n)
        position += n
        return n
    }
}
