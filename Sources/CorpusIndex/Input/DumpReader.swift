import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a `DumpReader` reads.
public struct ReaderOptions: Sendable {
    /// The dump form; `nil` detects it from each input's first bytes.
    public var format: DumpFormat?
    /// The compression; `nil` detects it from each input's magic bytes.
    public var compression: DumpCompression?
    /// Skip malformed records (counted, the first few reported) instead of stopping at the first.
    public var skipMalformed: Bool
    /// How many skipped records' errors a summary keeps.
    public var maxReportedErrors: Int
    /// Called on the reading thread after each chunk with the input bytes read so far.
    public var progress: (@Sendable (_ bytesRead: Int) -> Void)?

    public init(
        format: DumpFormat? = nil, compression: DumpCompression? = nil, skipMalformed: Bool = false,
        maxReportedErrors: Int = 5, progress: (@Sendable (Int) -> Void)? = nil
    ) {
        self.format = format
        self.compression = compression
        self.skipMalformed = skipMalformed
        self.maxReportedErrors = maxReportedErrors
        self.progress = progress
    }
}

/// One input of a read, resolved from a path.
enum DumpInput: Sendable {
    /// A regular file: mapped (plain) or streamed from the mapping (compressed).
    case file(String)
    /// Standard input (`-`) or a non-regular file (pipe, FIFO, `/dev/fd/N`): streamed.
    case stream(String)
    /// The cable pages of a directory tree, sorted by path, with their sizes.
    case pages([(String, Int)])
}

/// Reads cable dumps (every form of FORMATS.md, plain, gzip or LZ4, from files, directory trees of HTML pages or
/// standard input) as a stream of `CableRecord`s in input order, never holding the whole dump in memory.
///
/// Immutable after `init`, hence `Sendable`; each read opens the inputs anew (standard input can be read once).
/// Records are numbered globally across all inputs, 1-based, malformed ones included, in error messages.
public final class DumpReader: Sendable {
    /// The paths as given.
    public let paths: [String]
    public let options: ReaderOptions
    let inputs: [DumpInput]

    /// Resolves `paths`: `-` is standard input; a directory is an HTML tree (its `cable/` subtree if it has one,
    /// all `*.html`/`*.htm` files, also compressed, in sorted path order); anything else is a file.
    /// - Throws: `CorpusIndexError.io` for a path that does not exist or cannot be listed.
    public init(paths: [String], options: ReaderOptions = .init()) throws {
        guard !paths.isEmpty else { throw CorpusIndexError.invalidArgument("no input given") }
        self.paths = paths
        self.options = options
        inputs = try paths.map { path in
            if path == "-" { return .stream(path) }
            var st = stat()
            guard stat(path, &st) == 0 else { throw CorpusIndexError.io(path: path, errno: errno, operation: "stat") }
            switch st.st_mode & S_IFMT {
            case S_IFDIR: return .pages(try DirectoryWalk.cablePages(under: path))
            case S_IFREG: return .file(path)
            default: return .stream(path)
            }
        }
    }

    /// The total input bytes when every input is an uncompressed regular file or a tree of pages (for progress and
    /// ETA: compare with `ReadSummary.bytes` / the `progress` callback), else `nil`.
    public var totalBytes: Int? {
        var total = 0
        for input in inputs {
            switch input {
            case let .file(path):
                var st = stat()
                guard stat(path, &st) == 0, let source = try? FileDescriptorSource(path: path) else { return nil }
                var magic = [UInt8](repeating: 0, count: 4)
                let got = (try? magic.withUnsafeMutableBytes { try source.readFully(into: $0) }) ?? 0
                let compression = options.compression ?? magic.withUnsafeBytes {
                    DumpCompression.detect(UnsafeRawBufferPointer(rebasing: $0.prefix(got)))
                }
                guard compression == .none else { return nil }  // progress counts decompressed bytes
                total += Int(st.st_size)
            case .stream: return nil
            case let .pages(pages): total += pages.reduce(0) { $0 + $1.1 }
            }
        }
        return total
    }

    /// Reads every record in input order with `threads` workers, in chunks cut at record boundaries (about
    /// `chunkBytes` each; boundaries depend only on the input and `chunkBytes`). The pipeline is continuous
    /// (`ChunkPipeline`): a worker cuts (or decompresses) the next chunk as soon as it is free and works it, while
    /// the calling thread collects the results in chunk order; at most 2 × `threads` chunks are cut and not yet
    /// collected (in memory), so a slow chunk never leaves the other workers idle at a barrier. With `threads == 1`
    /// nothing overlaps: each chunk is cut, worked and collected in turn on the calling thread, so one thread
    /// means one core (`--threads 1` on a shared machine).
    ///
    /// `work` runs on worker threads, concurrently for different chunks, and must iterate its chunk once with
    /// `chunk.forEachRecord`. `collect` runs on the calling thread in chunk order with `work`'s result, the chunk's
    /// summary (global record numbers in its errors) and the 0-based global index of the chunk's first delivered
    /// record. The first error in chunk order stops the read (a read error found while cutting a chunk is thrown
    /// only after the chunks before it were collected): a malformed record's error names the file, byte offset
    /// and global record number. No `work` is running when this returns or throws.
    public func processInParallel<R: Sendable>(
        threads: Int, chunkBytes: Int = 16 << 20,
        work: @Sendable (DumpChunk) throws -> R,
        collect: (R, ChunkSummary, _ firstRecordIndex: Int) throws -> Void
    ) throws -> ReadSummary {
        let width = max(1, threads)
        // The chunks cut and not collected have indices in collected ..< collected + 2w: disjoint summary slots.
        // A chunk's slot is written by its worker before `post` and read here after `next`: the pipeline's lock
        // orders the two (the `DisjointSlots` discipline, with that lock in place of concurrentPerform's barrier).
        let summaries = DisjointSlots<ChunkSummary>(count: 2 * width)
        let producer = ChunkProducer(inputs: inputs, options: options, chunkBytes: chunkBytes, slots: summaries)
        var total = ReadSummary()
        var numbered = 0  // records + skipped before the next chunk to collect
        var index = 0  // the next chunk to collect

        func collectNext(_ result: Result<R, Error>, byteCount: Int) throws {
            let value: R
            switch result {
            case let .success(v): value = v
            case let .failure(error as CorpusIndexError): throw error.rebasingRecord(by: numbered)
            case let .failure(error): throw error
            }
            let slot = index % summaries.count
            var summary = summaries[slot] ?? ChunkSummary()
            summaries[slot] = nil
            index += 1
            summary.bytes = byteCount
            summary.errors = summary.errors.map { $0.rebasingRecord(by: numbered) }
            let first = total.records
            total.add(summary, maxErrors: options.maxReportedErrors)
            numbered += summary.records + summary.skipped
            try collect(value, summary, first)
            options.progress?(total.bytes)
        }

        if width == 1 {
            while let chunk = try producer.nextChunk() {
                try collectNext(Result { try work(chunk) }, byteCount: chunk.byteCount)
            }
            return total
        }

        return try withoutActuallyEscaping(work) { work in
            let pipeline = ChunkPipeline<R>(producer: producer, depth: summaries.count)
            let group = DispatchGroup()
            DispatchQueue.global().async(group: group) {
                DispatchQueue.concurrentPerform(iterations: width) { _ in
                    while let chunk = pipeline.nextChunk() {
                        pipeline.post(Result { try work(chunk) }, index: chunk.index, byteCount: chunk.byteCount)
                    }
                }
            }
            defer {  // never return or throw while a worker still runs
                pipeline.stop()
                group.wait()
            }
            while true {
                switch pipeline.next() {
                case let .chunk(result, byteCount):
                    try collectNext(result, byteCount: byteCount)  // reads the summary slot first
                    pipeline.markCollected()
                case .end: return total
                case let .readFailed(error): throw error
                }
            }
        }
    }

    /// Reads every record in input order on the calling thread.
    public func forEachRecord(chunkBytes: Int = 16 << 20, _ body: (CableRecord) throws -> Void) throws -> ReadSummary {
        let producer = ChunkProducer(inputs: inputs, options: options, chunkBytes: chunkBytes, slots: nil)
        var total = ReadSummary()
        var numbered = 0
        while let chunk = try producer.nextChunk() {
            var summary: ChunkSummary
            do {
                summary = try chunk.forEachRecord(body)
            } catch let error as CorpusIndexError {
                throw error.rebasingRecord(by: numbered)
            }
            summary.errors = summary.errors.map { $0.rebasingRecord(by: numbered) }
            total.add(summary, maxErrors: options.maxReportedErrors)
            numbered += summary.records + summary.skipped
            options.progress?(total.bytes)
        }
        return total
    }
}
