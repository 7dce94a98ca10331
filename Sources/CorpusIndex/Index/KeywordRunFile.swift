#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Receives keyword values in strictly increasing byte order, each with its documents in increasing order, in
/// pieces: `beginValue`, any number of `appendDocs`, `endValue`. Implemented by the keyword run writer (spills
/// and intermediate merges) and by `FieldIndexWriter` (the index itself).
protocol KeywordPostingsSink: AnyObject {
    func beginValue(_ value: UnsafeRawBufferPointer) throws
    func appendDocs(_ docs: UnsafeBufferPointer<UInt32>) throws
    func endValue() throws
}

extension FieldIndexWriter: KeywordPostingsSink {
    func beginValue(_ value: UnsafeRawBufferPointer) throws { beginTerm(value) }
    func appendDocs(_ docs: UnsafeBufferPointer<UInt32>) throws { try append(docs: docs) }
    func endValue() throws { try endTerm() }
}

/// The temporary run files of the keyword postings (`KeywordPostingsCollector`): one file per spill holding every
/// keyword field one after another, each a sequence of values in increasing byte order:
///
///     value     := varint(byte count) bytes docs
///     docs      := varint(first doc + 1) varint(doc - previous doc)... varint(0)
///
/// (deltas are >= 1 since docs strictly increase, so 0 ends the list). `fields[f]` is the byte range of field `f`.
/// Internal to a build; never part of an index.
struct KeywordRun {
    var path: String
    var fields: [Range<Int>]
}

/// Writes one keyword run file, field after field. Not thread-safe.
final class KeywordRunWriter: KeywordPostingsSink {
    let path: String
    private let out: BufferedFileWriter
    private var fields: [Range<Int>] = []
    private var fieldStart = 0
    private var previousDoc: Int64 = -1

    init(path: String) throws {
        self.path = path
        out = try BufferedFileWriter(path: path, bufferSize: 256 << 10)
    }

    /// Ends the current field (the values written since the previous call).
    func endField() {
        fields.append(fieldStart..<out.offset)
        fieldStart = out.offset
    }

    func beginValue(_ value: UnsafeRawBufferPointer) throws {
        try out.appendVarint(UInt64(value.count))
        try out.append(value)
        previousDoc = -1
    }

    func appendDocs(_ docs: UnsafeBufferPointer<UInt32>) throws {
        for doc in docs {
            try out.appendVarint(UInt64(Int64(doc) - previousDoc))
            previousDoc = Int64(doc)
        }
    }

    func endValue() throws { try out.appendVarint(0) }

    /// Closes the file. - Returns: the run (every field must have been ended).
    func finish() throws -> KeywordRun {
        try out.close()
        return KeywordRun(path: path, fields: fields)
    }
}

/// Reads one field of a keyword run: the current value, then its documents. Owns a descriptor and a 64 KiB
/// buffer. The file is the build's own, but it is still read defensively: a truncated or malformed run throws
/// `.corrupt` naming it. Not thread-safe.
final class KeywordRunCursor {
    let path: String
    /// Position among the runs being merged (earlier runs hold lower doc ids).
    let rank: Int
    private let fd: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private var bufferCount = 0
    private var position = 0
    private var fileOffset: Int
    private let end: Int
    /// The current value's bytes (valid unless `exhausted`).
    private(set) var value: [UInt8] = []
    private(set) var exhausted = false
    private var docsRead = true
    private var piece: [UInt32] = []

    /// Opens the field range `range` of `path` and reads its first value.
    init(path: String, range: Range<Int>, rank: Int, bufferSize: Int = 64 << 10) throws {
        self.path = path
        self.rank = rank
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CorpusIndexError.io(path: path, errno: errno, operation: "open for reading") }
        buffer = .allocate(byteCount: bufferSize, alignment: 8)
        fileOffset = range.lowerBound
        end = range.upperBound
        try advance()
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    private func corrupt(_ reason: String) -> CorpusIndexError {
        .corrupt(file: path, section: "keyword run", reason: reason)
    }

    private func refill() throws -> Bool {
        let want = min(buffer.count, end - fileOffset)
        guard want > 0 else { return false }
        var n: Int
        repeat { n = pread(fd, buffer.baseAddress!, want, off_t(fileOffset)) } while n < 0 && errno == EINTR
        if n < 0 { throw CorpusIndexError.io(path: path, errno: errno, operation: "read") }
        if n == 0 { throw corrupt("file ends at byte \(fileOffset), the run ends at \(end)") }
        fileOffset += n
        bufferCount = n
        position = 0
        return true
    }

    @inline(__always)
    private func readByte() throws -> UInt8 {
        if position == bufferCount {
            guard try refill() else { throw corrupt("truncated value at byte \(fileOffset)") }
        }
        let b = buffer[position]
        position += 1
        return b
    }

    @inline(__always)
    private func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try readByte()
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw corrupt("varint longer than 10 bytes near byte \(fileOffset)") }
        }
    }

    /// Moves to the next value (skipping the current one's documents if they were not read).
    func advance() throws {
        if !docsRead { try readDocs { _ in } }
        if position == bufferCount, try !refill() {
            exhausted = true
            value = []
            return
        }
        let count = try readVarint()
        guard count <= 1 << 24 else { throw corrupt("value of \(count) bytes") }
        value.removeAll(keepingCapacity: true)
        for _ in 0..<Int(count) { value.append(try readByte()) }
        docsRead = false
    }

    /// Reads the current value's documents, handing them to `body` in pieces of at most 4096.
    func readDocs(_ body: (UnsafeBufferPointer<UInt32>) throws -> Void) throws {
        precondition(!docsRead, "readDocs twice for one value")
        docsRead = true
        piece.removeAll(keepingCapacity: true)
        var doc: Int64 = -1
        while true {
            let delta = try readVarint()
            if delta == 0 { break }
            doc += Int64(clamping: delta)
            guard doc <= Int64(UInt32.max) else { throw corrupt("doc id \(doc) out of range") }
            piece.append(UInt32(doc))
            if piece.count == 4096 {
                try piece.withUnsafeBufferPointer(body)
                piece.removeAll(keepingCapacity: true)
            }
        }
        if doc < 0 { throw corrupt("a value without documents") }
        if !piece.isEmpty { try piece.withUnsafeBufferPointer(body) }
    }
}
