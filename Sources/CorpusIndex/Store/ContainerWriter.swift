#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams one index file to disk: header, 8-byte-aligned sections written one after another, a section table
/// and the checksummed footer (docs/FORMAT.md, "File container").
///
/// Memory is bounded by a 1 MiB write buffer; the CRC-32 is computed as bytes go out. Every 8 MiB written, the
/// kernel is asked to start writing them to disk (`FileWriteback`), so the final `fsync` has little left to do. The file is created as
/// `<path>` (truncating); on error it is left incomplete (callers build into a temporary directory). Not
/// thread-safe: one writer per thread.
public final class ContainerWriter {
    /// The path being written.
    public let path: String
    private let kind: FourCC
    private var fd: Int32
    private let buffer = RawByteBuffer(capacity: bufferLimit)
    private var written: UInt64 = 0
    private var crc: UInt32 = 0
    private var sections: [(name: FourCC, offset: UInt64, length: UInt64)] = []
    private var openSection: (name: FourCC, offset: UInt64)?
    private static let bufferLimit = 1 << 20
    /// Bytes handed to the kernel, and the offset from which their writeback has not been started yet.
    private var flushed: UInt64 = 0
    private var writebackFrom: UInt64 = 0

    /// Creates the file and writes the header.
    /// - Throws: `CorpusIndexError.io` if the file cannot be created.
    public init(path: String, kind: FourCC) throws {
        self.path = path
        self.kind = kind
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CorpusIndexError.io(path: path, errno: errno, operation: "create") }
        var header = ByteWriter(capacity: IndexFormat.headerSize)
        header.append(IndexFormat.magic)
        header.append(kind.rawValue)
        header.append(IndexFormat.current)
        header.append(UInt32(0))
        try write(header.bytes)
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Bytes written to the file so far (including buffered ones).
    public var position: UInt64 { written }

    /// Bytes written into the open section so far.
    public var sectionPosition: UInt64 { written - (openSection?.offset ?? written) }

    /// Starts a section; pads to 8 bytes first.
    public func beginSection(_ name: FourCC) throws {
        precondition(openSection == nil, "section \(openSection!.name) still open")
        precondition(!sections.contains { $0.name == name }, "duplicate section \(name)")
        try padToAlignment()
        openSection = (name, written)
    }

    /// Ends the open section.
    public func endSection() throws {
        guard let open = openSection else { preconditionFailure("no open section") }
        sections.append((open.name, open.offset, written - open.offset))
        openSection = nil
    }

    /// Writes a whole section at once.
    public func writeSection(_ name: FourCC, _ bytes: [UInt8]) throws {
        try beginSection(name)
        try write(bytes)
        try endSection()
    }

    /// Appends bytes to the open section.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > Self.bufferLimit { try flush() }
        if bytes.count >= Self.bufferLimit {
            try writeOut(bytes)
        } else {
            buffer.append(bytes)
        }
        written += UInt64(bytes.count)
    }

    /// Appends bytes to the open section.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    private func padToAlignment() throws {
        let pad = Int((UInt64(IndexFormat.alignment) - written % UInt64(IndexFormat.alignment)) % UInt64(IndexFormat.alignment))
        if pad > 0 { try write([UInt8](repeating: 0, count: pad)) }
    }

    private func flush() throws {
        try writeOut(buffer.bytes)
        buffer.removeAll()
    }

    private func writeOut(_ bytes: UnsafeRawBufferPointer) throws {
        crc = CRC32.checksum(bytes, continuing: crc)
        var done = 0
        while done < bytes.count {
            let n = systemWrite(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw CorpusIndexError.io(path: path, errno: errno, operation: "write")
            }
            done += n
        }
        flushed += UInt64(bytes.count)
        if flushed - writebackFrom >= FileWriteback.stride {
            FileWriteback.start(fd, offset: writebackFrom, count: flushed - writebackFrom)
            writebackFrom = flushed
        }
    }

    /// Writes the section table and footer, closes the file.
    /// - Returns: the file's name (last path component), size and CRC-32 of all its bytes.
    public func finish() throws -> WrittenFile {
        precondition(openSection == nil, "section still open")
        try padToAlignment()
        let tableOffset = written
        var table = ByteWriter(capacity: sections.count * IndexFormat.sectionEntrySize + IndexFormat.footerSize)
        for s in sections {
            table.append(s.name.rawValue)
            table.append(UInt32(0))
            table.append(s.offset)
            table.append(s.length)
        }
        let footerOffset = tableOffset + UInt64(table.count)
        table.append(tableOffset)
        table.append(UInt32(sections.count))
        table.append(kind.rawValue)
        table.append(footerOffset)
        try write(table.bytes)
        try flush()
        var tail = ByteWriter(capacity: 8)
        tail.append(crc)
        tail.append(IndexFormat.footerMagic)
        try write(tail.bytes)
        try flush()
        FileWriteback.start(fd, offset: writebackFrom, count: flushed - writebackFrom)  // the rest, now
        guard fsyncIfNeeded() else { throw CorpusIndexError.io(path: path, errno: errno, operation: "close") }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return WrittenFile(name: name, size: written, crc32: crc)
    }

    private func fsyncIfNeeded() -> Bool {
        let r = close(fd)
        fd = -1
        return r == 0
    }
}

/// `write(2)`, named apart from `ContainerWriter.write`.
@inline(__always)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}
