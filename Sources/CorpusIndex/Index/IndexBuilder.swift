import Dispatch
import Foundation

/// Builds one index directory from cables handed over in chunks, in input order.
///
/// Use: `process` each chunk on a worker thread (it inverts the three text fields into a sorted run file and
/// encodes the stored documents), `collect` the results on one thread in chunk order (documents get ids in that
/// order; the document store and the metadata writer see them in that order), then `finish` (merges the runs
/// into the field indexes, writes the keyword fields, columns, document store and the manifest last). The index
/// bytes depend only on the cables and their order: not on the thread count, the memory budget or the chunking.
///
/// Files: everything goes into `directory` (the staging directory, see `IndexPublisher`); runs go into its
/// `runs/` subdirectory, deleted by `finish`. Thread safety: `process` is safe from many threads at once;
/// `collect` and `finish` must be called from one thread. Hence `@unchecked Sendable`.
public final class IndexBuilder: @unchecked Sendable {
    /// One processed chunk: its run, its encoded documents and its cables' metadata.
    public struct ProcessedChunk: Sendable {
        var run: PostingsInversion.Run
        var encodedDocuments: [UInt8]
        var documentEnds: [Int]
        /// The cables without header and body (the metadata writer does not need them).
        var metadata: [CableRecord]
        /// Documents in the chunk.
        public var documentCount: Int { run.documentCount }
    }

    /// What `finish` wrote.
    public struct Result: Sendable {
        public var manifest: Manifest
        public var runCount: Int
        public var runBytes: Int
        public var tokenCount: Int
        /// Bytes of all index files but the document store.
        public var indexBytes: UInt64
        /// Bytes of the document store.
        public var storeBytes: UInt64
        /// Sorted runs the keyword postings spilled to (0 when they fit in `BuildOptions.keywordPostingsBudget`).
        public var keywordSpills = 0
    }

    public let directory: String
    public let options: BuildOptions
    private let inversion: PostingsInversion
    private let documents: DocStoreWriter
    private let metadata: MetadataIndexWriter
    private var finished = false
    private var clock = BuildPhaseClock()
    /// Encoded-document buffers of collected chunks, for the next chunks to reuse (guarded by `bufferLock`): a
    /// chunk's buffer is ~its input size, above glibc's mmap threshold, so a fresh one per chunk was mapped, grown by
    /// copying and page-faulted in again every time (~5% of the build's CPU time in the kernel).
    private var spareBuffers: [[UInt8]] = []
    private let bufferLock = NSLock()

    /// Starts a build into `directory` (created if missing; it should be empty).
    public init(directory: String, options: BuildOptions) throws {
        self.directory = directory
        self.options = options
        let runs = directory + "/runs"
        do {
            try FileManager.default.createDirectory(atPath: runs, withIntermediateDirectories: true)
        } catch {
            throw CorpusIndexError.io(path: runs, errno: EACCES, operation: "mkdir")
        }
        inversion = PostingsInversion(runDirectory: runs, expectedChunkBytes: options.chunkBytes)
        documents = try DocStoreWriter(directory: directory, options: options.storeOptions, threads: options.threads)
        metadata = try MetadataIndexWriter(
            directory: directory, spillDirectory: runs, memoryBudget: options.keywordPostingsBudget)
    }

    /// Documents collected so far.
    public var documentCount: Int { inversion.documentCount }

    /// Processes one chunk (any thread). `feed` calls its argument with each cable of the chunk, in order.
    public func process(_ feed: (_ add: (CableRecord) -> Void) throws -> Void) throws -> ProcessedChunk {
        var encoded = takeBuffer()
        var ends: [Int] = []
        var metadata: [CableRecord] = []
        let run = try inversion.invertChunk { invert in
            try withoutActuallyEscaping(invert) { add in try feedAll(add) }
        }
        func feedAll(_ add: @escaping (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) throws {
            try feed { record in
                PostingsInversion.add(record, to: add)
                StoredDocument.encode(record, into: &encoded)
                ends.append(encoded.count)
                var meta = record
                meta.header = []
                meta.body = []
                metadata.append(meta)
            }
        }
        return ProcessedChunk(run: run, encodedDocuments: encoded, documentEnds: ends, metadata: metadata)
    }

    /// Processes an array of cables (any thread).
    public func process(records: [CableRecord]) throws -> ProcessedChunk {
        try process { add in records.forEach(add) }
    }

    /// Appends a processed chunk (the collecting thread, in chunk order).
    public func collect(_ chunk: ProcessedChunk) throws {
        try inversion.collect(chunk.run)
        try chunk.encodedDocuments.withUnsafeBytes { bytes in
            var start = 0
            for end in chunk.documentEnds {
                try documents.add(encoded: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                start = end
            }
        }
        for record in chunk.metadata { try metadata.add(record) }
        bufferLock.lock()
        spareBuffers.append(chunk.encodedDocuments)
        bufferLock.unlock()
    }

    /// An empty buffer for a chunk's encoded documents: a spare one (kept in place when no collected chunk still
    /// refers to it), or a new one with room for a typical chunk.
    private func takeBuffer() -> [UInt8] {
        bufferLock.lock()
        var buffer = spareBuffers.popLast()
        bufferLock.unlock()
        if buffer == nil {
            buffer = []
            buffer!.reserveCapacity(options.chunkBytes + options.chunkBytes / 4)
        }
        buffer!.removeAll(keepingCapacity: true)
        return buffer!
    }

    /// Merges the runs into the field indexes and writes everything else; the manifest last.
    public func finish() throws -> Result {
        precondition(!finished, "finish called twice")
        finished = true
        defer {
            inversion.removeRuns()
            try? FileManager.default.removeItem(atPath: inversion.runDirectory)
        }
        let count = inversion.documentCount
        bufferLock.lock()
        spareBuffers.removeAll()
        bufferLock.unlock()
        clock.mark("parse+invert")
        var files: [WrittenFile] = []
        let store = try documents.finish()
        files.append(store)
        clock.mark("document store finish")
        // The keyword fields and columns do not depend on the postings: with two or more threads they are
        // written while the text fields merge. The task is always waited for, so that nothing still writes into
        // the staging directory when a failed build removes it.
        let metadata = self.metadata
        let keywordSpills = metadata.keywordSpillCount
        let keywordTask = options.threads > 1 ? BackgroundTask { try metadata.finish() } : nil
        defer { _ = try? keywordTask?.wait() }
        let serialKeywords = keywordTask == nil ? try metadata.finish() : nil
        clock.mark("metadata finish")
        let writers = try inversion.makeFieldWriters(directory: directory)
        try inversion.merge(into: writers, threads: options.threads, memoryBudget: options.mergeBudget)
        let textFields = try writers.map { try $0.finish() }
        clock.mark("final merge")
        let (keywordFields, columns) = try serialKeywords ?? keywordTask!.wait()
        files.append(columns)
        for stats in textFields + keywordFields { files.append(contentsOf: stats.files) }
        let manifest = Manifest(
            documentCount: count, storeCompression: options.storeCompression, textFields: textFields,
            keywordFields: keywordFields, files: files)
        try manifest.write(toDirectory: directory)
        clock.mark("keyword fields wait, manifest")
        let indexBytes = files.filter { $0.name != store.name }.reduce(UInt64(0)) { $0 + $1.size }
        return Result(
            manifest: manifest, runCount: inversion.runCount, runBytes: inversion.runBytes,
            tokenCount: inversion.tokenCount, indexBytes: indexBytes, storeBytes: store.size,
            keywordSpills: keywordSpills)
    }

    /// Processes and collects `chunks` in order using `options.threads` workers: waves of `threads` chunks are
    /// processed with `DispatchQueue.concurrentPerform` and collected in order. For tests and in-memory sources;
    /// dumps on disk go through the dump reader's own parallel driver. Call `finish` afterwards.
    public func feed(chunks: [[CableRecord]]) throws {
        var next = 0
        while next < chunks.count {
            let wave = min(options.threads, chunks.count - next)
            let slots = DisjointSlots<Swift.Result<ProcessedChunk, Error>>(count: wave)
            let first = next
            DispatchQueue.concurrentPerform(iterations: wave) { i in
                slots[i] = Swift.Result { try self.process(records: chunks[first + i]) }
            }
            for result in slots.takeAll() { try collect(try result.get()) }
            next += wave
        }
    }
}
