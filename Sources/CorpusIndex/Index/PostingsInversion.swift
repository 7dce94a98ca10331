import Foundation

/// The postings half of an index build: workers invert chunks of cables into sorted run files (in parallel, one
/// run per chunk), the calling thread collects the runs in chunk order, and `merge` streams every (field, term)
/// with its complete postings, in order, to the field writers.
///
/// Why one run per chunk: a chunk holds consecutive documents, so every run covers a contiguous document range
/// and the merge of one term is a concatenation in run order (PISA's batch-and-join) instead of a per-posting
/// merge; and the result cannot depend on which worker inverted which chunk or how many threads there were. The
/// memory budget sets the chunk size, so the in-memory structures stay bounded whatever the input size.
///
/// Thread safety: `invertChunk` may run on many threads at once (inverters come from a locked pool, each run file
/// has its own name); `collect` and `merge` run on one thread, the caller's. That split is why the class is
/// `@unchecked Sendable`: the pool and the run-name counter are guarded by `lock`, the collected state is touched
/// only by the collecting thread.
final class PostingsInversion: @unchecked Sendable {
    /// One inverted chunk, as the worker hands it to `collect`.
    struct Run: Sendable {
        var path: String?
        var documentCount: Int
        var tokenCount: Int
        var fileBytes: Int
        /// `fieldLengths[field][doc]`, tokens per field per document of this chunk.
        var fieldLengths: [[UInt32]]
    }

    let runDirectory: String
    private let expectedChunkBytes: Int
    private let lock = NSLock()
    private var pool: [ChunkInverter] = []
    private var nextRunNumber = 0

    /// Collected state (the collecting thread only).
    private(set) var runs: [(path: String, documentBase: UInt32, documentCount: UInt32)] = []
    private(set) var documentCount = 0
    private(set) var tokenCount = 0
    private(set) var runBytes = 0
    /// Runs written by the inverters (before any intermediate merge pass).
    private(set) var runCount = 0
    /// Intermediate merge passes the last `merge` made, and the run files they wrote.
    private(set) var intermediatePasses = 0
    private(set) var intermediateRuns = 0
    /// `lengthSpills[field]`: one token count per document of the whole index, in document order, spilled to
    /// `runDirectory` (created by the first `collect`) so that memory does not grow with the document count.
    private var lengthSpills: [SpilledColumn<UInt32>] = []
    /// `fieldLengthTotals[field]`: the sum of the field's lengths.
    private(set) var fieldLengthTotals = [UInt64](repeating: 0, count: RunFile.fieldCount)

    /// - Parameters:
    ///   - runDirectory: an existing directory for the run files (the build's staging directory).
    ///   - expectedChunkBytes: the input bytes of a typical chunk; sizes the inverters' first allocation.
    init(runDirectory: String, expectedChunkBytes: Int) {
        self.runDirectory = runDirectory
        self.expectedChunkBytes = expectedChunkBytes
    }

    private func takeInverter() -> (ChunkInverter, Int) {
        lock.lock()
        defer { lock.unlock() }
        nextRunNumber += 1
        return (pool.popLast() ?? ChunkInverter(expectedInputBytes: expectedChunkBytes), nextRunNumber)
    }

    private func giveBack(_ inverter: ChunkInverter) {
        lock.lock()
        pool.append(inverter)
        lock.unlock()
    }

    /// Inverts one chunk of documents (worker thread). `feed` calls its argument once per document, in order,
    /// with the body, SUBJECT and header bytes. Writes the chunk's sorted run and returns it.
    func invertChunk(
        _ feed: (_ add: (_ body: UnsafeRawBufferPointer, _ subject: UnsafeRawBufferPointer, _ header: UnsafeRawBufferPointer) -> Void) throws -> Void
    ) throws -> Run {
        let (inverter, number) = takeInverter()
        defer { giveBack(inverter) }
        inverter.reset()
        try feed { body, subject, header in inverter.addDocument(body: body, subject: subject, header: header) }
        var run = Run(
            path: nil, documentCount: inverter.documentCount, tokenCount: inverter.tokenCount, fileBytes: 0,
            fieldLengths: inverter.fieldLengths)
        if inverter.termCount > 0 {
            let path = "\(runDirectory)/\(number).run"
            run.fileBytes = try RunFile.write(inverter, to: path)
            run.path = path
        }
        return run
    }

    /// Inverts one chunk of records (worker thread): the body, the parsed SUBJECT and the header of each.
    func invertChunk(records: some Sequence<CableRecord>) throws -> Run {
        try invertChunk { add in
            for record in records { PostingsInversion.add(record, to: add) }
        }
    }

    /// Feeds the three text fields of `record` to `add`.
    @inline(__always)
    static func add(
        _ record: CableRecord,
        to add: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void
    ) {
        var subject = record.subject
        subject.withUTF8 { s in
            record.body.withUnsafeBytes { b in
                record.header.withUnsafeBytes { h in add(b, UnsafeRawBufferPointer(s), h) }
            }
        }
    }

    /// Appends a run (the collecting thread, in chunk order): its documents get the next document ids.
    func collect(_ run: Run) throws {
        let base = documentCount
        guard base + run.documentCount < Int(UInt32.max) else {
            throw CorpusIndexError.invalidArgument("more than \(UInt32.max - 1) documents: the index holds at most that many")
        }
        if let path = run.path {
            runs.append((path, UInt32(base), UInt32(run.documentCount)))
            runCount += 1
        }
        documentCount += run.documentCount
        tokenCount += run.tokenCount
        runBytes += run.fileBytes
        let spills = try fieldLengthSpills()
        for f in 0..<RunFile.fieldCount {
            try run.fieldLengths[f].withUnsafeBufferPointer { try spills[f].append(contentsOf: $0) }
            fieldLengthTotals[f] = run.fieldLengths[f].reduce(fieldLengthTotals[f]) { $0 + UInt64($1) }
        }
    }

    private func fieldLengthSpills() throws -> [SpilledColumn<UInt32>] {
        if lengthSpills.isEmpty {
            lengthSpills = try (0..<RunFile.fieldCount).map {
                try SpilledColumn<UInt32>(path: "\(runDirectory)/lengths-\($0).spill")
            }
        }
        return lengthSpills
    }

    /// Starts the writers of the text fields in `directory` (call once every run is collected): each field's
    /// lengths stream from their spill into its `FLEN` file, which the writer then reads mapped (no copy).
    func makeFieldWriters(directory: String) throws -> [FieldIndexWriter] {
        let spills = try fieldLengthSpills()
        return try TextField.allCases.enumerated().map { ordinal, field in
            let path = "\(directory)/\(IndexFiles.lengths(field.rawValue))"
            let file = try FieldLengths.write(path: path, spilled: spills[ordinal], total: fieldLengthTotals[ordinal])
            let lengths = try FieldLengths(path: path, documentCount: documentCount)
            return try FieldIndexWriter(directory: directory, field: field.rawValue, lengths: lengths, lengthsFile: file)
        }
    }

    /// The field lengths collected so far, read back from the spill files (tests).
    func readFieldLengths() throws -> [[UInt32]] {
        try fieldLengthSpills().map { spill in
            var values: [UInt32] = []
            try spill.read { values.append(contentsOf: $0) }
            return values
        }
    }

    /// Merges every run into `writers` (one text-field writer per field, in field order). One thread merges
    /// inline; two or more run the partitioned merge (`PartitionedMerge`). The files are the same either way.
    /// Each term's run postings go straight into its writer's encoder (`FieldIndexWriter.addMerged`), so memory
    /// is the readers' buffers plus one term's encoded doc blocks (its positions are written as they fill 1 MiB).
    /// - Parameters:
    ///   - memoryBudget: bytes the merge may use for read buffers, shared by the workers.
    ///   - fanIn: the most runs merged at once (see `merge(memoryBudget:slicePositions:fanIn:consume:)`).
    ///   - segmentsPerThread: key-range segments per worker in the partitioned merge (more balance the load).
    func merge(
        into writers: [FieldIndexWriter], threads: Int, memoryBudget: Int, fanIn: Int? = nil, segmentsPerThread: Int = 8
    ) throws {
        try prepareMerge(memoryBudget: memoryBudget, fanIn: fanIn)
        guard threads > 1 else {
            let merger = RunMerger(readers: try openReaders(bufferSize: readerBuffer(memoryBudget: memoryBudget)))
            try merger.forEachKey(buckets: 0..<RunFile.bucketCount) { key, group in
                try writers[Int(key[0])].addMerged(term: UnsafeRawBufferPointer(rebasing: key[1...]), from: group)
            }
            return
        }
        // Every worker opens every run: stay well inside the descriptor limit (a low one means fewer workers).
        let workers = max(1, min(threads, (FileLimits.raiseOpenFileLimit() - 64) / max(runs.count, 1)))
        let share = memoryBudget / workers
        try PartitionedMerge.run(
            runs: runs, into: writers, partDirectory: runDirectory, threads: workers, segmentsPerThread: segmentsPerThread,
            readerBuffer: readerBuffer(memoryBudget: share))
    }

    /// Readers over every run, in rank order.
    private func openReaders(bufferSize: Int) throws -> [RunReader] {
        try runs.enumerated().map { rank, run in
            try RunReader(path: run.path, rank: rank, documentBase: run.documentBase, bufferSize: bufferSize)
        }
    }

    /// Merges every run on the calling thread and calls `consume` with each (field, term) in order: fields in
    /// ordinal order, terms in byte order; a term with more than `slicePositions` positions comes in several
    /// consecutive slices (see `TermSlice`).
    /// - Parameters:
    ///   - memoryBudget: bytes the merge may use for read buffers and postings.
    ///   - slicePositions: the slice size; by default 1/64 of the budget's worth of positions (at least 64 Ki).
    ///   - fanIn: the most runs merged at once; more runs are first joined in intermediate passes (groups of
    ///     consecutive runs concatenated into one), so neither open files nor read buffers grow with the input.
    ///     By default one run per MiB of budget, between 16 and 128.
    func merge(
        memoryBudget: Int, slicePositions: Int? = nil, fanIn: Int? = nil,
        consume: (_ field: Int, _ term: UnsafeRawBufferPointer, _ docs: UnsafeBufferPointer<UInt32>,
            _ freqs: UnsafeBufferPointer<UInt32>, _ positions: UnsafeBufferPointer<UInt32>, _ slice: TermSlice) throws -> Void
    ) throws {
        try prepareMerge(memoryBudget: memoryBudget, fanIn: fanIn)
        let merger = RunMerger(
            readers: try openReaders(bufferSize: readerBuffer(memoryBudget: memoryBudget)), slicePositions: slicePositions ?? Self.defaultSlicePositions(memoryBudget: memoryBudget))
        try merger.merge(buckets: 0..<RunFile.bucketCount) { key, postings, slice in
            try consume(
                Int(key[0]), UnsafeRawBufferPointer(rebasing: key[1...]), postings.docsBuffer, postings.freqsBuffer,
                postings.positionsBuffer, slice)
        }
    }

    /// Frees the inverters and joins runs down to the fan-in.
    private func prepareMerge(memoryBudget: Int, fanIn: Int?) throws {
        FileLimits.raiseOpenFileLimit()
        // The inverters are done: give their arenas and tables back before the merge allocates its buffers.
        lock.lock()
        pool.removeAll()
        lock.unlock()
        FileLimits.returnFreedMemory()
        try reduceRuns(toAtMost: max(fanIn ?? min(max(memoryBudget >> 20, 16), 128), 2), memoryBudget: memoryBudget)
    }

    /// A quarter of the budget for the run readers' buffers, split between the runs (16 KiB to 1 MiB each).
    private func readerBuffer(memoryBudget: Int) -> Int {
        min(max(memoryBudget / 4 / max(runs.count, 1), 16 << 10), 1 << 20)
    }

    private static func defaultSlicePositions(memoryBudget: Int) -> Int { max(memoryBudget / 64 / 4, 64 << 10) }

    /// Joins groups of consecutive runs until at most `fanIn` remain (each pass divides the count by `fanIn`).
    private func reduceRuns(toAtMost fanIn: Int, memoryBudget: Int) throws {
        intermediatePasses = 0
        intermediateRuns = 0
        let readerBuffer = min(max(memoryBudget / 4 / fanIn, 16 << 10), 1 << 20)
        while runs.count > fanIn {
            intermediatePasses += 1
            var joined: [(path: String, documentBase: UInt32, documentCount: UInt32)] = []
            for start in stride(from: 0, to: runs.count, by: fanIn) {
                let group = runs[start..<min(start + fanIn, runs.count)]
                let first = group.first!
                let last = group.last!
                let documentCount = Int(last.documentBase - first.documentBase) + Int(last.documentCount)
                let path = "\(runDirectory)/pass\(intermediatePasses)-\(joined.count).run"
                if group.count == 1 {
                    joined.append(first)
                    continue
                }
                let readers = try group.enumerated().map { rank, run in
                    try RunReader(path: run.path, rank: rank, documentBase: run.documentBase, bufferSize: readerBuffer)
                }
                _ = try RunConcatenation.concatenate(readers, documentCount: documentCount, into: path)
                for run in group { unlink(run.path) }
                joined.append((path, first.documentBase, UInt32(documentCount)))
                intermediateRuns += 1
            }
            runs = joined
        }
    }

    /// Deletes the run files and the field-length spills.
    func removeRuns() {
        for run in runs { unlink(run.path) }
        for spill in lengthSpills { spill.remove() }
    }
}
