import Dispatch

/// Writes `documents.store` (docs/FORMAT.md, "Document store"): encoded documents cut into blocks of about
/// `blockSize` uncompressed bytes, each compressed on its own, plus a block index (first doc id, offset) so that
/// fetching one document decompresses one block.
///
/// Block cutting is deterministic: a block ends after the first document that brings it to `>= blockSize` bytes.
/// Completed blocks are queued and compressed `threads` at a time with `DispatchQueue.concurrentPerform`, then
/// written in order; memory is bounded by about `8 * threads` blocks. With word tables, the store is cut into
/// segments of `wordSegmentBytes` of payload (a segment starts with the first block written after the previous
/// one reached that size); each segment gets its own table, chosen from its first `wordSampleBytes` of blocks,
/// which are held until then. The text of a dump drifts (old cables are all capitals, recent ones are not), so
/// one table per segment follows it. A zlib store also gives each segment a preset deflate dictionary (`DDIC`):
/// the last 32 KiB of its transformed sample. With context ranks (zlib's default), each segment also gets a
/// context table (`DCTX`, `ContextTable`) counted over its first `contextSampleBytes` of blocks, which are held
/// until then (word-coded and counted `threads` at a time, and not word-coded again). Segments, tables,
/// dictionaries and the whole file depend only on the documents. Documents must be added in doc-id order. Not thread-safe itself (it
/// parallelises internally).
public final class DocStoreWriter {
    static let headerSection = FourCC("DSHD")
    static let blocksSection = FourCC("DBLK")
    static let indexSection = FourCC("DIDX")
    static let wordsSection = FourCC("DWRD")
    static let dictionariesSection = FourCC("DDIC")
    static let contextsSection = FourCC("DCTX")
    /// The largest preset dictionary: deflate's window.
    static let maxDictionaryBytes = 32 << 10
    static let indexEntrySize = 16
    static let headerSize = 32
    /// The default target uncompressed block size (`DocStoreOptions.defaultBlockSize`).
    public static let defaultBlockSize = DocStoreOptions.defaultBlockSize
    /// Block payload bytes a word table is chosen from: the segment's first whole blocks reaching 4 MiB.
    var wordSampleBytes = 4 << 20
    /// Block payload bytes per word-table segment (a table of ~130 KB per 64 MiB costs 0.2%). Tests lower both.
    var wordSegmentBytes = 64 << 20
    /// With context ranks, block payload bytes a context table is chosen from: the segment's first whole blocks
    /// reaching 32 MiB (held until then: half a segment gains most of a whole one's 0.2 points more).
    var contextSampleBytes = 32 << 20

    private let out: ContainerWriter
    public let options: DocStoreOptions
    private var blockSize: Int { options.blockSize }
    private let threads: Int
    /// The current segment's word table (nil before the first is chosen, and without word tables).
    private var table: WordTable?
    /// Serialized sizes of the word tables chosen so far (one per segment), whose bytes wait in `tableSpill`: a
    /// table is ~0.5 MB in memory, one per 64 MiB of documents, so keeping them all would make the build's peak
    /// grow with the input.
    private var tableSizes: [Int] = []
    private let tableSpill: SpilledColumn<UInt8>?
    /// The current segment's preset dictionary (zlib with word tables: `DDIC`), and the sizes and spilled
    /// bytes of those chosen so far, kept like the tables.
    private var dictionary: [UInt8]?
    private var dictionarySizes: [Int] = []
    private let dictionarySpill: SpilledColumn<UInt8>?
    /// The current segment's context table (`DCTX`, with context ranks), and the sizes and spilled bytes of
    /// those chosen so far, kept like the word tables.
    private var contexts: ContextTable?
    private var contextSizes: [Int] = []
    /// One counter per worker (their buffers are kept from one segment to the next).
    private let contextCounters: [ContextCounter]
    /// The word-coded bytes of the pending blocks, when the context table's counting made them (compression
    /// then skips the word table).
    private var pendingCoded: [[UInt8]] = []
    private let contextSpill: SpilledColumn<UInt8>?
    /// Whether the pending blocks start a segment whose table is not chosen yet.
    private var choosingTable: Bool
    /// Payload bytes of the current segment's blocks.
    private var segmentBytes = 0
    private var pendingBytes = 0
    // The block being filled, as four streams (docs/FORMAT.md, "Document store").
    private var lengths: [UInt8] = []
    private var metadata: [UInt8] = []
    private var headers: [UInt8] = []
    private var bodies: [UInt8] = []
    private var currentBytes = 0
    private var currentFirstDoc: UInt32 = 0
    private var pending: [(firstDoc: UInt32, bytes: [UInt8])] = []
    private var index = ByteWriter(capacity: 64 * 1024)
    private var encodeScratch: [UInt8] = []
    private var count = 0
    private var blockCount = 0
    private let compressors: [BlockCompressor]

    /// Starts `documents.store` in `directory`, written as `options` say.
    public init(directory: String, options: DocStoreOptions, threads: Int = 2) throws {
        precondition(threads > 0)
        self.options = options
        self.threads = threads
        choosingTable = options.wordTable
        compressors = (0..<threads).map { _ in BlockCompressor(options) }
        tableSpill = options.wordTable ? try SpilledColumn<UInt8>(path: "\(directory)/documents.words.spill") : nil
        dictionarySpill = options.wordTable && options.compression.usesDictionary
            ? try SpilledColumn<UInt8>(path: "\(directory)/documents.dictionaries.spill") : nil
        contextCounters = options.contextRanks ? (0..<threads).map { _ in ContextCounter() } : []
        contextSpill = options.contextRanks
            ? try SpilledColumn<UInt8>(path: "\(directory)/documents.contexts.spill") : nil
        out = try ContainerWriter(path: "\(directory)/\(IndexFiles.documentStore)", kind: FileKind.documentStore)
        try out.beginSection(Self.blocksSection)
    }

    /// Starts `documents.store` in `directory` (`level` nil: the codec's default).
    public convenience init(
        directory: String, compression: StoreCompression = .lz4, level: Int? = nil, wordTable: Bool = true,
        blockSize: Int = DocStoreWriter.defaultBlockSize, threads: Int = 2
    ) throws {
        try self.init(
            directory: directory,
            options: DocStoreOptions(compression: compression, level: level, wordTable: wordTable, blockSize: blockSize),
            threads: threads)
    }

    /// Documents added so far (the next doc id).
    public var documentCount: Int { count }

    /// Adds the next document.
    public func add(_ record: CableRecord) throws {
        encodeScratch.removeAll(keepingCapacity: true)
        StoredDocument.encode(record, into: &encodeScratch)
        try encodeScratch.withUnsafeBytes { try add(encoded: $0) }
    }

    /// Adds the next document, already encoded with `StoredDocument.encode` (lets callers encode in parallel).
    public func add(encoded: UnsafeRawBufferPointer) throws {
        guard count < Int(UInt32.max) else { throw CorpusIndexError.invalidArgument("too many documents for a store") }
        let parts: (metadata: Range<Int>, header: Range<Int>, body: Range<Int>)
        do {
            // (The document number goes into the error below: no string is built per document.)
            parts = try StoredDocument.parts(encoded, file: "documents.store", section: "document")
        } catch {
            throw CorpusIndexError.invalidArgument("document \(count) is not a StoredDocument encoding: \(error)")
        }
        if currentBytes == 0 { currentFirstDoc = UInt32(count) }
        VarInt.encode(UInt64(parts.metadata.count), into: &lengths)
        VarInt.encode(UInt64(parts.header.count), into: &lengths)
        VarInt.encode(UInt64(parts.body.count), into: &lengths)
        metadata.append(contentsOf: encoded[parts.metadata])
        headers.append(contentsOf: encoded[parts.header])
        bodies.append(contentsOf: encoded[parts.body])
        currentBytes = lengths.count + metadata.count + headers.count + bodies.count
        count += 1
        if currentBytes >= blockSize { try closeBlock() }
    }

    private func closeBlock() throws {
        guard currentBytes > 0 else { return }
        var block: [UInt8] = []
        block.reserveCapacity(currentBytes)
        for stream in [lengths, metadata, headers, bodies] { block.append(contentsOf: stream) }
        if options.wordTable && segmentBytes >= wordSegmentBytes {
            try flushPending()
            choosingTable = true
            segmentBytes = 0
        }
        pending.append((currentFirstDoc, block))
        pendingBytes += block.count
        segmentBytes += block.count
        currentBytes = 0
        lengths.removeAll(keepingCapacity: true)
        metadata.removeAll(keepingCapacity: true)
        headers.removeAll(keepingCapacity: true)
        bodies.removeAll(keepingCapacity: true)
        let sampleBytes = options.contextRanks ? max(contextSampleBytes, wordSampleBytes) : wordSampleBytes
        if choosingTable ? pendingBytes >= sampleBytes : pending.count >= 8 * threads { try flushPending() }
    }

    /// Chooses the segment's word table from the pending blocks (the segment's first blocks) reaching
    /// `wordSampleBytes`, its context table from all of them, and its dictionary.
    private func chooseTable() throws {
        guard choosingTable, !pending.isEmpty, let tableSpill else { return }
        var wordSample = 0
        var sampleBytes = 0
        while wordSample < pending.count && sampleBytes < wordSampleBytes {
            sampleBytes += pending[wordSample].bytes.count
            wordSample += 1
        }
        var sample: [UInt8] = []
        sample.reserveCapacity(sampleBytes)
        for block in pending[..<wordSample] { sample += block.bytes }
        let chosen = sample.withUnsafeBytes { WordTable.build(sample: $0) }
        let serialized = chosen.serialized()
        try serialized.withUnsafeBufferPointer { try tableSpill.append(contentsOf: $0) }
        tableSizes.append(serialized.count)
        table = chosen
        choosingTable = false
        if let contextSpill {
            let chosenContexts = countContexts(chosen)
            let serializedContexts = chosenContexts.serialized()
            try serializedContexts.withUnsafeBufferPointer { try contextSpill.append(contentsOf: $0) }
            contextSizes.append(serializedContexts.count)
            contexts = chosenContexts
        }
        if let dictionarySpill {
            let chosenDictionary = chooseDictionary(chosen, wordSample: wordSample)
            try chosenDictionary.withUnsafeBufferPointer { try dictionarySpill.append(contentsOf: $0) }
            dictionarySizes.append(chosenDictionary.count)
            dictionary = chosenDictionary
        }
    }

    /// Word-codes the pending blocks by `words` (into `pendingCoded`) and counts their contexts, `threads` at a
    /// time (each worker its own counter and sort; the table does not depend on which worker saw which block).
    /// - Returns: the context table the counts choose.
    private func countContexts(_ words: WordTable) -> ContextTable {
        let work = pending
        let workers = min(threads, work.count)
        let slots = DisjointSlots<[UInt8]>(count: work.count)
        let compressors = compressors
        let counters = contextCounters
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            counters[w].reset()
            for i in stride(from: w, to: work.count, by: workers) {
                let coded = work[i].bytes.withUnsafeBytes { compressors[w].transformed($0, words: words) }
                coded.withUnsafeBytes { counters[w].add($0) }
                slots[i] = coded
            }
        }
        pendingCoded = slots.takeAll()
        // Each worker sorts its own keys; the table merges the sorted arrays (no copy of all the keys).
        DispatchQueue.concurrentPerform(iterations: workers) { w in counters[w].sort() }
        return ContextCounter.table(of: Array(counters[0..<workers]))
    }

    /// The segment's preset dictionary: the last `maxDictionaryBytes` of its word sample blocks (the first
    /// `wordSample` pending ones), transformed by its word table `words` (and context table). Deflate then starts
    /// every block with a full window of the segment's text instead of an empty one (docs/FORMAT.md, "Document
    /// store").
    private func chooseDictionary(_ words: WordTable, wordSample: Int) -> [UInt8] {
        var pieces: [[UInt8]] = []
        var total = 0
        for block in pending[..<wordSample].reversed() where total < Self.maxDictionaryBytes {
            let piece = block.bytes.withUnsafeBytes { compressors[0].transformed($0, words: words, contexts: contexts) }
            total += piece.count
            pieces.append(piece)
        }
        return Array(pieces.reversed().joined().suffix(Self.maxDictionaryBytes))
    }

    private func flushPending() throws {
        try chooseTable()
        guard !pending.isEmpty else { return }
        let work = pending
        let coded = pendingCoded
        pending.removeAll(keepingCapacity: true)
        pendingCoded.removeAll()
        pendingBytes = 0
        let slots = DisjointSlots<[UInt8]>(count: work.count)
        let workers = min(threads, work.count)
        let compressors = compressors
        let words = self.table
        let dictionary = self.dictionary
        let contexts = self.contexts
        let table = UInt32(max(tableSizes.count - 1, 0))
        // Worker w compresses blocks w, w + workers, ... with its own compressor (reused state and buffers).
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for i in stride(from: w, to: work.count, by: workers) {
                var packed: [UInt8] = []
                if i < coded.count {
                    coded[i].withUnsafeBytes { compressors[w].compress(coded: $0, contexts: contexts, dictionary: dictionary, into: &packed) }
                } else {
                    work[i].bytes.withUnsafeBytes {
                        compressors[w].compress($0, words: words, contexts: contexts, dictionary: dictionary, into: &packed)
                    }
                }
                slots[i] = packed
            }
        }
        for (i, packed) in slots.takeAll().enumerated() {
            index.append(work[i].firstDoc)
            index.append(table)
            index.append(out.sectionPosition)
            try out.write(packed)
            blockCount += 1
        }
    }

    /// Compresses and writes what is left, the block index, the word table and the header section.
    public func finish() throws -> WrittenFile {
        try closeBlock()
        try flushPending()
        try out.endSection()
        try out.writeSection(Self.indexSection, index.bytes)
        if let tableSpill { try writeSpilled(Self.wordsSection, sizes: tableSizes, spill: tableSpill) }
        if let dictionarySpill { try writeSpilled(Self.dictionariesSection, sizes: dictionarySizes, spill: dictionarySpill) }
        if let contextSpill { try writeSpilled(Self.contextsSection, sizes: contextSizes, spill: contextSpill) }
        var header = ByteWriter(capacity: Self.headerSize)
        header.append(UInt64(count))
        header.append(UInt64(blockCount))
        header.append(options.compression.code)
        header.append(UInt32(blockSize))
        header.append(UInt32(options.level))
        header.append(options.transformCode)
        try out.writeSection(Self.headerSection, header.bytes)
        return try out.finish()
    }

    /// Writes a `DWRD`, `DDIC` or `DCTX` section: `u32 count`, `count` u32 section offsets, then the pieces (sizes
    /// `sizes`) streamed back from `spill`, which is then removed.
    private func writeSpilled(_ section: FourCC, sizes: [Int], spill: SpilledColumn<UInt8>) throws {
        var head = ByteWriter()
        head.append(UInt32(sizes.count))
        var offset = 4 + 4 * sizes.count
        for size in sizes {
            head.append(UInt32(offset))
            offset += size
        }
        try out.beginSection(section)
        try out.write(head.bytes)
        try spill.readBytes(pieceValues: 1 << 20) { try out.write($0) }
        try out.endSection()
        spill.remove()
    }
}
