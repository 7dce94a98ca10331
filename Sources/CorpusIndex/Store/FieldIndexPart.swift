#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a field writer's encoded bytes go: the open section of an index file, or a part's temporary file.
protocol FieldByteSink: AnyObject {
    /// Bytes written so far (offsets recorded in the dictionary are counted from the start).
    var sectionPosition: UInt64 { get }
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension FieldByteSink {
    func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }
}

extension ContainerWriter: FieldByteSink {}

extension BufferedFileWriter: FieldByteSink {
    var sectionPosition: UInt64 { UInt64(offset) }
    func write(_ bytes: UnsafeRawBufferPointer) throws { try append(bytes) }
}

/// Where a field writer's terms go: the term dictionary, or a part's term log.
protocol TermSink: AnyObject {
    /// Terms added so far.
    var termCount: Int { get }
    /// Adds the next term (strictly increasing byte order).
    func add(_ term: UnsafeRawBufferPointer, _ info: TermInfo) throws
}

extension TermDictionaryWriter: TermSink {}

/// One contiguous slice of a text field's terms, encoded on its own so that slices can be written concurrently
/// (the partitioned final merge, see `PartitionedMerge`) and then appended in term order to the field's writer
/// with `FieldIndexWriter.append(part:)`.
///
/// `writer` encodes exactly like the field's writer, into three temporary files beside each other:
/// `<prefix>.docs` (postings bytes), `<prefix>.poss` (positions bytes) and `<prefix>.terms`, the term log:
/// per term `varint termLength, term bytes, varint documentFrequency, varint collectionFrequency,
/// varint maxFrequency, varint minFieldLength, varint postingsOffset, varint positionsOffset` (offsets from the
/// part's start). Memory: three 256 KiB write buffers. Not thread-safe; one part per thread.
final class FieldIndexPart {
    let prefix: String
    /// The writer to add the part's terms to (same API and rules as the field's writer; do not call `finish`).
    private(set) var writer: FieldIndexWriter!
    private let postings: BufferedFileWriter
    private let positions: BufferedFileWriter
    private let terms: TermLog
    private var closed = false

    /// Creates the part's files `<prefix>.*` for a slice of `whole`'s field.
    init(of whole: FieldIndexWriter, prefix: String) throws {
        self.prefix = prefix
        postings = try BufferedFileWriter(path: prefix + ".docs", bufferSize: 256 << 10)
        positions = try BufferedFileWriter(path: prefix + ".poss", bufferSize: 256 << 10)
        terms = TermLog(try BufferedFileWriter(path: prefix + ".terms", bufferSize: 256 << 10))
        writer = FieldIndexWriter(partOf: whole, dictionary: terms, postings: postings, positions: positions)
    }

    /// Terms in the part.
    var termCount: Int { terms.termCount }

    /// Flushes and closes the files (the writer is released).
    func finish() throws {
        writer = nil
        closed = true
        try postings.close()
        try positions.close()
        try terms.out.close()
    }

    func copyPostings(_ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try Self.copy(prefix + ".docs", expected: postings.offset, sink)
    }

    func copyPositions(_ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try Self.copy(prefix + ".poss", expected: positions.offset, sink)
    }

    /// Reads the term log back, in order.
    func forEachTerm(_ body: (UnsafeRawBufferPointer, TermInfo) throws -> Void) throws {
        precondition(closed, "forEachTerm before finish()")
        let file = try MappedFile(path: prefix + ".terms")
        file.adviseSequential()
        var reader = ByteReader(file.bytes, file: prefix + ".terms", section: "term log")
        for ordinal in 0..<terms.termCount {
            let term = try reader.readLengthPrefixed()
            let documentFrequency = try reader.readVarInt()
            let collectionFrequency = try reader.readVarInt()
            let maxFrequency = try reader.readVarInt()
            let minFieldLength = try reader.readVarInt()
            let postingsOffset = try reader.readVarInt()
            let positionsOffset = try reader.readVarInt()
            guard documentFrequency <= UInt32.max, maxFrequency <= UInt32.max, minFieldLength <= UInt32.max else {
                throw reader.corrupt("value out of range")
            }
            try body(term, TermInfo(
                ordinal: ordinal, documentFrequency: UInt32(documentFrequency), collectionFrequency: collectionFrequency,
                maxFrequency: UInt32(maxFrequency), minFieldLength: UInt32(minFieldLength),
                postingsOffset: postingsOffset, positionsOffset: positionsOffset))
        }
        guard reader.isAtEnd else { throw reader.corrupt("bytes after the last term") }
    }

    /// Deletes the part's files.
    func remove() {
        for suffix in [".docs", ".poss", ".terms"] { unlink(prefix + suffix) }
    }

    /// Streams the file at `path` to `sink` in 1 MiB pieces (`pread`, so the bytes are not mapped into the
    /// process) and checks it held `expected` bytes.
    private static func copy(_ path: String, expected: Int, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CorpusIndexError.io(path: path, errno: errno, operation: "open") }
        defer { close(fd) }
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let n = read(fd, buffer, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw CorpusIndexError.io(path: path, errno: errno, operation: "read")
            }
            if n == 0 { break }
            try sink(UnsafeRawBufferPointer(start: buffer, count: n))
            total += n
        }
        guard total == expected else {
            throw CorpusIndexError.corrupt(file: path, section: "part", reason: "\(total) bytes, expected \(expected)")
        }
    }
}

/// The term log of a part (format in `FieldIndexPart`).
private final class TermLog: TermSink {
    let out: BufferedFileWriter
    private(set) var termCount = 0

    init(_ out: BufferedFileWriter) { self.out = out }

    func add(_ term: UnsafeRawBufferPointer, _ info: TermInfo) throws {
        try out.appendVarint(UInt64(term.count))
        try out.append(term)
        try out.appendVarint(UInt64(info.documentFrequency))
        try out.appendVarint(info.collectionFrequency)
        try out.appendVarint(UInt64(info.maxFrequency))
        try out.appendVarint(UInt64(info.minFieldLength))
        try out.appendVarint(info.postingsOffset)
        try out.appendVarint(info.positionsOffset)
        termCount += 1
    }
}
