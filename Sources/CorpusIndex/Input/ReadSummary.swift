/// What reading one chunk gave. `errors` are the first few malformed records skipped (with `skipMalformed`); as
/// delivered to `processInParallel`'s `collect` and in `ReadSummary`, their record numbers are global (1-based over
/// the whole input); straight from `DumpChunk.forEachRecord` they count from the chunk's first record.
public struct ChunkSummary: Sendable, Equatable {
    /// Well-formed records delivered.
    public var records: Int = 0
    /// Malformed records skipped.
    public var skipped: Int = 0
    /// Delivered records with some invalid UTF-8 (kept; strings repaired).
    public var invalidUTF8Records: Int = 0
    /// Input bytes of the chunk (decompressed).
    public var bytes: Int = 0
    /// The first `maxReportedErrors` skipped records' errors.
    public var errors: [CorpusIndexError] = []

    public init() {}
}

/// What reading a whole input gave; the sum of its chunks.
public struct ReadSummary: Sendable, Equatable {
    public var records: Int = 0
    public var skipped: Int = 0
    public var invalidUTF8Records: Int = 0
    /// Input bytes read (decompressed).
    public var bytes: Int = 0
    /// The first few skipped records' errors, with global record numbers.
    public var firstErrors: [CorpusIndexError] = []

    public init() {}

    mutating func add(_ chunk: ChunkSummary, maxErrors: Int) {
        records += chunk.records
        skipped += chunk.skipped
        invalidUTF8Records += chunk.invalidUTF8Records
        bytes += chunk.bytes
        for error in chunk.errors where firstErrors.count < maxErrors { firstErrors.append(error) }
    }
}

extension CorpusIndexError {
    /// A `malformedRecord` with its record number moved by `delta`; any other error unchanged.
    func rebasingRecord(by delta: Int) -> CorpusIndexError {
        if case let .malformedRecord(file, offset, record, reason) = self {
            return .malformedRecord(file: file, offset: offset, record: record + delta, reason: reason)
        }
        return self
    }
}
