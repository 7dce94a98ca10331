#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A run of whole records of one input: a view into a mapped file, bytes owned by the chunk (decompressed or piped
/// input), or a list of HTML pages of a directory tree (read when the chunk is iterated).
///
/// Value type, `Sendable`: chunks are handed to worker threads; a view keeps its `MappedFile` alive. Iterating a
/// chunk (`forEachRecord`) parses it; it may be done on any thread, and concurrently for different chunks.
public struct DumpChunk: Sendable {
    /// The input the chunk comes from (for a page list, the first page).
    public let file: String
    /// Byte offset of the chunk's first byte in `file` (in the decompressed stream for compressed input).
    public let offset: Int
    /// The form of the chunk's records.
    public let format: DumpFormat
    /// Input bytes in the chunk.
    public let byteCount: Int
    /// The chunk's position in the read, from 0.
    public let index: Int

    enum Storage: Sendable {
        case view(MappedFile, Range<Int>)
        case owned([UInt8])
        case pages([String], forcedFormat: DumpFormat?)
    }

    let storage: Storage
    let skipMalformed: Bool
    let maxReportedErrors: Int
    /// Where `forEachRecord` leaves its summary for the reader (slot `index % slots.count`: the chunks in
    /// flight have `slots.count` consecutive indices, so one writer per slot).
    let summarySlots: DisjointSlots<ChunkSummary>?

    /// Parses the chunk, calling `body` with each well-formed record in input order, and returns the chunk's summary.
    ///
    /// A malformed record throws `CorpusIndexError.malformedRecord` (record number counted from the chunk's first
    /// record, 1-based; `processInParallel` makes it global) unless the reader skips malformed records, in which case
    /// it is counted and the first few are kept in the summary. Errors thrown by `body` propagate unchanged.
    public func forEachRecord(_ body: (CableRecord) throws -> Void) throws -> ChunkSummary {
        try withoutActuallyEscaping(body) { body in try iterate(body) }
    }

    private func iterate(_ body: @escaping (CableRecord) throws -> Void) throws -> ChunkSummary {
        var sink = ChunkSink(
            file: file, base: offset, skipMalformed: skipMalformed, maxErrors: maxReportedErrors, body: body)
        switch storage {
        case let .view(mapped, range):
            try mapped.withUnsafeBytes { all in
                try parse(UnsafeRawBufferPointer(rebasing: all[range]), format, &sink)
            }
        case let .owned(bytes):
            try bytes.withUnsafeBytes { try parse($0, format, &sink) }
        case let .pages(paths, forced):
            for path in paths {
                sink.file = path
                sink.base = 0
                let bytes: [UInt8]
                do {
                    bytes = try DumpChunk.readWholeFile(path)
                } catch let error as CorpusIndexError {
                    try sink.malformed(offset: 0, reason: "cannot read the page: \(error)")
                    continue
                }
                try bytes.withUnsafeBytes { page in
                    try parse(page, forced ?? DumpFormat.detect(UnsafeRawBufferPointer(rebasing: page.prefix(512))), &sink)
                }
            }
        }
        var summary = sink.summary
        summary.bytes = byteCount
        if let summarySlots { summarySlots[index % summarySlots.count] = summary }
        return summary
    }

    private func parse(_ bytes: UnsafeRawBufferPointer, _ format: DumpFormat, _ sink: inout ChunkSink) throws {
        switch format {
        case .csv: try CSVRecordParser.parse(bytes, into: &sink)
        case .sql: try SQLDumpParser.parse(bytes, into: &sink)
        case .html: try HTMLPageParser.parse(bytes, into: &sink)
        case .text: try TextPageParser.parse(bytes, into: &sink)
        }
    }

    /// A whole (small) file, decompressed if it is compressed.
    static func readWholeFile(_ path: String) throws -> [UInt8] {
        let source = try FileDescriptorSource(path: path)
        let raw = try source.readAll()
        let compression = raw.withUnsafeBytes { DumpCompression.detect($0) }
        guard compression != .none else { return raw }
        let replay = ReplaySource(prefix: raw, rest: EmptySource(name: path))
        return try (compression == .gzip ? GzipSource(input: replay) as ByteSource : LZ4Source(input: replay))
            .readAll()
    }
}

/// A source with no bytes.
final class EmptySource: ByteSource {
    let name: String
    init(name: String) { self.name = name }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { 0 }
}

/// The sink of one chunk: numbers records, applies the skip policy, counts.
struct ChunkSink: RecordSink {
    var file: String
    var base: Int
    let skipMalformed: Bool
    let maxErrors: Int
    let body: (CableRecord) throws -> Void
    var summary = ChunkSummary()

    mutating func record(_ record: CableRecord, offset: Int, invalidUTF8: Bool) throws {
        summary.records += 1
        if invalidUTF8 { summary.invalidUTF8Records += 1 }
        try body(record)
    }

    mutating func malformed(offset: Int, reason: String) throws {
        let error = CorpusIndexError.malformedRecord(
            file: file, offset: base + offset, record: summary.records + summary.skipped + 1, reason: reason)
        guard skipMalformed else { throw error }
        summary.skipped += 1
        if summary.errors.count < maxErrors { summary.errors.append(error) }
    }
}
