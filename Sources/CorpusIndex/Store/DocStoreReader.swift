import Synchronization

/// Fetches stored documents from `documents.store`: binary search in the block index, decompress one block,
/// decode one document.
///
/// Word tables are parsed when a block first needs them (opening a store with dozens of tables stays cheap).
///
/// `Sendable`: immutable but for the parsed word tables and a one-block cache of the last block a single-document fetch decompressed, behind a
/// mutex. Bad bytes give `.corrupt`.
public final class DocStoreReader: @unchecked Sendable {
    /// Documents in the store.
    public let documentCount: Int
    /// How blocks are compressed.
    public var compression: StoreCompression { options.compression }
    /// How the store was written (codec, level, word table, block size), from `DSHD`.
    public let options: DocStoreOptions
    /// The number of word tables (0 without); a block's DIDX entry names its table.
    public var wordTableCount: Int { wordTableRanges.count }
    /// Each word table's bytes in DWRD.
    private let wordTableRanges: [Range<Int>]
    private let wordTableBytes: UnsafeRawBufferPointer
    /// Each segment's preset zlib dictionary in DDIC (zlib stores with word tables; else empty), one per table.
    private let dictionaryRanges: [Range<Int>]
    private let dictionaryBytes: UnsafeRawBufferPointer
    /// The word tables parsed so far.
    private let parsedTables: Mutex<[WordTable?]>
    /// Each segment's context table in DCTX (stores with context ranks; else empty), one per word table.
    private let contextRanges: [Range<Int>]
    private let contextBytes: UnsafeRawBufferPointer
    /// The context tables parsed so far.
    private let parsedContexts: Mutex<[ContextTable?]>
    /// The number of blocks.
    public let blockCount: Int
    let file: ContainerFile
    private let blocks: UnsafeRawBufferPointer
    private let index: UnsafeRawBufferPointer
    private let maxBlockBytes: Int
    /// The last block decompressed by a single-document fetch (block number and stream-split payload).
    private let cache = Mutex<(block: Int, payload: [UInt8])>((-1, []))

    /// Opens `path` (a `DSTO` file).
    public init(path: String) throws {
        file = try ContainerFile(path: path, kind: FileKind.documentStore)
        var header = try file.reader(DocStoreWriter.headerSection)
        let documents = try header.read(UInt64.self)
        let blockCount = try header.read(UInt64.self)
        let code = try header.read(UInt32.self)
        let blockSize = try header.read(UInt32.self)
        let level = try header.read(UInt32.self)
        let transform = try header.read(UInt32.self)
        guard header.isAtEnd else { throw header.corrupt("\(header.remaining) bytes after the header fields") }
        blocks = try file.section(DocStoreWriter.blocksSection)
        index = try file.section(DocStoreWriter.indexSection)
        guard blockSize > 0, blockSize <= 1 << 26 else { throw header.corrupt("block size \(blockSize)") }
        guard let compression = StoreCompression(code: code) else {
            throw header.corrupt("unknown compression code \(code)")
        }
        guard compression.levels.contains(Int(level)) else {
            throw header.corrupt("level \(level) is not a \(compression.rawValue) level (\(compression.levels))")
        }
        guard transform <= 2 else { throw header.corrupt("unknown transform code \(transform)") }
        let hasWords = file.sections.contains { $0.name == DocStoreWriter.wordsSection }
        guard hasWords == (transform >= 1) else {
            throw header.corrupt("transform \(transform) but the DWRD section is \(hasWords ? "present" : "missing")")
        }
        wordTableBytes = hasWords ? try file.section(DocStoreWriter.wordsSection) : UnsafeRawBufferPointer(start: nil, count: 0)
        wordTableRanges = hasWords ? try Self.tableRanges(wordTableBytes, file: file.name, section: "DWRD") : []
        let hasDictionaries = file.sections.contains { $0.name == DocStoreWriter.dictionariesSection }
        guard hasDictionaries == (transform >= 1 && compression.usesDictionary) else {
            throw header.corrupt(
                "\(compression.rawValue) with transform \(transform) but the DDIC section is \(hasDictionaries ? "present" : "missing")")
        }
        dictionaryBytes = hasDictionaries
            ? try file.section(DocStoreWriter.dictionariesSection) : UnsafeRawBufferPointer(start: nil, count: 0)
        dictionaryRanges = hasDictionaries ? try Self.tableRanges(dictionaryBytes, file: file.name, section: "DDIC") : []
        if hasDictionaries {
            guard dictionaryRanges.count == wordTableRanges.count else {
                throw CorpusIndexError.corrupt(
                    file: file.name, section: "DDIC",
                    reason: "\(dictionaryRanges.count) dictionaries for \(wordTableRanges.count) word tables")
            }
            if let (t, range) = dictionaryRanges.enumerated().first(where: { $0.1.count > DocStoreWriter.maxDictionaryBytes }) {
                throw CorpusIndexError.corrupt(
                    file: file.name, section: "DDIC",
                    reason: "dictionary \(t) has \(range.count) bytes, at most \(DocStoreWriter.maxDictionaryBytes)")
            }
        }
        parsedTables = Mutex([WordTable?](repeating: nil, count: wordTableRanges.count))
        let hasContexts = file.sections.contains { $0.name == DocStoreWriter.contextsSection }
        guard hasContexts == (transform == 2) else {
            throw header.corrupt("transform \(transform) but the DCTX section is \(hasContexts ? "present" : "missing")")
        }
        contextBytes = hasContexts
            ? try file.section(DocStoreWriter.contextsSection) : UnsafeRawBufferPointer(start: nil, count: 0)
        contextRanges = hasContexts ? try Self.tableRanges(contextBytes, file: file.name, section: "DCTX") : []
        guard !hasContexts || contextRanges.count == wordTableRanges.count else {
            throw CorpusIndexError.corrupt(
                file: file.name, section: "DCTX",
                reason: "\(contextRanges.count) context tables for \(wordTableRanges.count) word tables")
        }
        parsedContexts = Mutex([ContextTable?](repeating: nil, count: contextRanges.count))
        guard documents <= UInt64(UInt32.max), blockCount <= documents,
            UInt64(index.count) == blockCount * UInt64(DocStoreWriter.indexEntrySize), (blockCount == 0) == (documents == 0)
        else { throw header.corrupt("\(documents) documents in \(blockCount) blocks do not fit the block index") }
        options = DocStoreOptions(
            compression: compression, level: Int(level), wordTable: transform >= 1, blockSize: Int(blockSize),
            contextRanks: transform == 2)
        documentCount = Int(documents)
        self.blockCount = Int(blockCount)
        maxBlockBytes = Int(blockSize)
    }

    /// The document `doc` (0..<documentCount).
    public func document(_ doc: UInt32) throws -> CableRecord {
        try withEncodedDocument(doc) { try StoredDocument.decode($0, file: file.name, section: "DBLK doc \(doc)") }
    }

    /// The encoded bytes of `doc` (see `StoredDocument`).
    public func encodedDocument(_ doc: UInt32) throws -> [UInt8] {
        try withEncodedDocument(doc) { Array($0) }
    }

    /// Calls `body` with each document of `range` in doc-id order, decompressing each block once (for exports and
    /// result lists sorted by doc id). Return `false` from `body` to stop.
    public func forEachDocument(in range: Range<UInt32>, _ body: (_ doc: UInt32, _ record: CableRecord) throws -> Bool)
        throws
    {
        let range = range.clamped(to: 0..<UInt32(documentCount))
        guard !range.isEmpty else { return }
        var b = block(containing: range.lowerBound)
        while b < blockCount {
            let first = firstDoc(b)
            guard first < range.upperBound else { return }
            let (bytes, documents) = try decompress(block: b)
            let go = try bytes.withUnsafeBytes { raw -> Bool in
                var r = ByteReader(raw, file: file.name, section: "DBLK block \(b)")
                for i in 0..<documents {
                    let encoded = try r.readLengthPrefixed()
                    let doc = first + UInt32(i)
                    guard doc < range.upperBound else { return false }
                    if doc >= range.lowerBound {
                        let record = try StoredDocument.decode(encoded, file: file.name, section: "DBLK doc \(doc)")
                        if try !body(doc, record) { return false }
                    }
                }
                return true
            }
            guard go else { return }
            b += 1
        }
    }

    /// The last block whose first doc is `<= doc`.
    private func block(containing doc: UInt32) -> Int {
        var lo = 0
        var hi = blockCount
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if firstDoc(mid) <= doc { lo = mid } else { hi = mid }
        }
        return lo
    }

    private func firstDoc(_ block: Int) -> UInt32 {
        UInt32(littleEndian: index.loadUnaligned(fromByteOffset: block * DocStoreWriter.indexEntrySize, as: UInt32.self))
    }

    /// Word table `t` (0..<wordTableCount), parsed on first use; `checkLetters` (verify) parses it again with
    /// every word's letters checked.
    /// - Throws: `.corrupt` naming the file and `DWRD table t` if its bytes are not a table.
    public func wordTable(_ t: Int, checkLetters: Bool = false) throws -> WordTable {
        if !checkLetters, let table = parsedTables.withLock({ $0[t] }) { return table }
        let table = try WordTable.parse(
            UnsafeRawBufferPointer(rebasing: wordTableBytes[wordTableRanges[t]]), file: file.name,
            section: "DWRD table \(t)", forEncoding: false, checkLetters: checkLetters)
        parsedTables.withLock { $0[t] = table }
        return table
    }

    /// Context table `t` (0..<wordTableCount, with context ranks), parsed on first use.
    /// - Throws: `.corrupt` naming the file and `DCTX table t` if its bytes are not a table.
    func contextTable(_ t: Int) throws -> ContextTable {
        if let table = parsedContexts.withLock({ $0[t] }) { return table }
        let table = try ContextTable.parse(
            UnsafeRawBufferPointer(rebasing: contextBytes[contextRanges[t]]), file: file.name, section: "DCTX table \(t)")
        parsedContexts.withLock { $0[t] = table }
        return table
    }

    /// The byte ranges of the pieces of a DWRD, DDIC or DCTX section (`u32 count`, `count` u32 offsets, the pieces):
    /// offsets must start right after the offsets, increase, and stay inside the section.
    private static func tableRanges(_ section: UnsafeRawBufferPointer, file: String, section name: String) throws
        -> [Range<Int>]
    {
        var r = ByteReader(section, file: file, section: name)
        let n = Int(try r.read(UInt32.self))
        // Each piece takes its 4-byte offset, and a word table at least its 4-byte word count.
        guard n <= r.remaining / (name == "DWRD" ? 8 : 4) else { throw r.corrupt("\(n) pieces in \(section.count) bytes") }
        var starts: [Int] = []
        for _ in 0..<n { starts.append(Int(try r.read(UInt32.self))) }
        var ranges: [Range<Int>] = []
        for (i, start) in starts.enumerated() {
            let end = i + 1 < n ? starts[i + 1] : section.count
            guard start <= end, end <= section.count, i > 0 || start == r.offset else {
                throw r.corrupt("\(name == "DDIC" ? "dictionary" : name == "DCTX" ? "context table" : "word table") \(i) offset \(start) is out of order or outside the section")
            }
            ranges.append(start..<end)
        }
        if n == 0 { guard r.isAtEnd else { throw r.corrupt("\(r.remaining) bytes after an empty table list") } }
        return ranges
    }

    /// The word table of `block` (the DIDX entry's second field; 0 without word tables).
    private func tableNumber(_ block: Int) -> UInt32 {
        UInt32(littleEndian: index.loadUnaligned(fromByteOffset: block * DocStoreWriter.indexEntrySize + 4, as: UInt32.self))
    }

    private func blockOffset(_ block: Int) -> UInt64 {
        UInt64(littleEndian: index.loadUnaligned(fromByteOffset: block * DocStoreWriter.indexEntrySize + 8, as: UInt64.self))
    }

    /// Decompresses block `b` and re-joins its streams. - Returns: the length-prefixed documents and how many
    /// documents the block should hold.
    func decompress(block b: Int) throws -> (bytes: [UInt8], documents: Int) {
        let documents = Int(nextFirstDoc(b) - firstDoc(b))
        return (try joinStreams(try decompressRaw(block: b), documents: documents, block: b), documents)
    }

    /// Decompresses block `b` as stored (stream-split), after checking its block-index entry.
    private func decompressRaw(block b: Int) throws -> [UInt8] {
        let first = firstDoc(b)
        let next = b + 1 < blockCount ? firstDoc(b + 1) : UInt32(documentCount)
        let start = blockOffset(b)
        let end = b + 1 < blockCount ? blockOffset(b + 1) : UInt64(blocks.count)
        guard (b == 0 ? first == 0 : true), first < next, start <= end, end <= UInt64(blocks.count),
            options.wordTable || tableNumber(b) == 0
        else {
            throw CorpusIndexError.corrupt(
                file: file.name, section: "DIDX", reason: "block \(b) entry (doc \(first), table \(tableNumber(b)), offset \(start)) is inconsistent")
        }
        let region = UnsafeRawBufferPointer(rebasing: blocks[Int(start)..<Int(end)])
        var out: [UInt8] = []
        // Neither codec expands more than ~1032x, so a stated length beyond that is corrupt (and never allocated).
        let limit = min(Int(Int32.max), max(maxBlockBytes, region.count &* 1032 &+ 1024))
        let table = Int(tableNumber(b))
        let dictionary = table < dictionaryRanges.count
            ? UnsafeRawBufferPointer(rebasing: dictionaryBytes[dictionaryRanges[table]]) : nil
        guard let used = compression.decompress(region, at: 0, into: &out, maxOutput: limit, dictionary: dictionary),
            used == region.count
        else {
            throw CorpusIndexError.corrupt(
                file: file.name, section: "DBLK", reason: "block \(b) does not decompress (\(compression.rawValue))")
        }
        guard options.wordTable else { return out }
        guard table < wordTableCount else {
            throw CorpusIndexError.corrupt(
                file: file.name, section: "DIDX", reason: "block \(b) names word table \(table) of \(wordTableCount)")
        }
        let words = try wordTable(table)
        if options.contextRanks { out = try undoContextRanks(out, table: table, block: b) }
        // A code expands to at most 32 bytes.
        var plain: [UInt8] = []
        let decoded = out.withUnsafeBytes { words.decode($0, into: &plain, maxOutput: min(Int(Int32.max), out.count &* 32)) }
        guard decoded else {
            throw CorpusIndexError.corrupt(
                file: file.name, section: "DBLK", reason: "block \(b) is not a valid word-table transform (DWRD)")
        }
        return plain
    }

    /// The word-coded bytes of block `b`'s context-ranked bytes `ranked`, by context table `table`.
    private func undoContextRanks(_ ranked: [UInt8], table: Int, block b: Int) throws -> [UInt8] {
        let contexts = try contextTable(table)
        var failed = false
        let coded = [UInt8](unsafeUninitializedCapacity: ContextTable.outputBound(ranked.count)) { buffer, count in
            let written = ranked.withUnsafeBytes { contexts.decode($0, into: UnsafeMutableRawBufferPointer(buffer)) }
            failed = written == nil
            count = written ?? 0
        }
        guard !failed else {
            throw CorpusIndexError.corrupt(
                file: file.name, section: "DBLK", reason: "block \(b) is not a valid context rank transform (DCTX)")
        }
        return coded
    }

    /// Turns a block's four streams (per-document part lengths, metadata, headers, bodies) back into one
    /// length-prefixed `StoredDocument` encoding per document. The part lengths must add up to the block exactly.
    private func joinStreams(_ payload: [UInt8], documents: Int, block b: Int) throws -> [UInt8] {
        try payload.withUnsafeBytes { raw in
            var r = ByteReader(raw, file: file.name, section: "DBLK block \(b)")
            var partsTotal = 0
            // Each document takes at least its three length bytes: a larger count is corrupt (never allocated).
            guard documents <= raw.count / 3 else { throw r.corrupt("\(documents) documents in \(raw.count) bytes") }
            return try withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * documents) { sizes in
                for i in 0..<(3 * documents) {
                    sizes[i] = try r.readVarInt(limit: raw.count)
                    partsTotal += sizes[i]
                }
                guard partsTotal == r.remaining else {
                    throw r.corrupt("document parts take \(partsTotal) bytes, the block has \(r.remaining) after its lengths")
                }
                var out: [UInt8] = []
                out.reserveCapacity(raw.count + 16 * documents)
                var metadata = r.offset
                var header = metadata
                for d in 0..<documents { header += sizes[3 * d] }
                var body = header
                for d in 0..<documents { body += sizes[3 * d + 1] }
                for d in 0..<documents {
                    let (m, h, bd) = (sizes[3 * d], sizes[3 * d + 1], sizes[3 * d + 2])
                    let length = m + VarInt.encodedCount(UInt64(h)) + h + VarInt.encodedCount(UInt64(bd)) + bd
                    VarInt.encode(UInt64(length), into: &out)
                    out.append(contentsOf: raw[metadata..<(metadata + m)])
                    VarInt.encode(UInt64(h), into: &out)
                    out.append(contentsOf: raw[header..<(header + h)])
                    VarInt.encode(UInt64(bd), into: &out)
                    out.append(contentsOf: raw[body..<(body + bd)])
                    metadata += m
                    header += h
                    body += bd
                }
                return out
            }
        }
    }

    private func withEncodedDocument<R>(_ doc: UInt32, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard Int(doc) < documentCount else {
            throw CorpusIndexError.invalidArgument("document \(doc) out of range 0..<\(documentCount)")
        }
        let lo = block(containing: doc)
        let payload = try decompressedPayload(block: lo)
        let documents = Int(nextFirstDoc(lo) - firstDoc(lo))
        let encoded = try extractDocument(payload, index: Int(doc - firstDoc(lo)), documents: documents, block: lo)
        return try encoded.withUnsafeBytes { try body($0) }
    }

    /// The first doc id after block `b`.
    private func nextFirstDoc(_ b: Int) -> UInt32 { b + 1 < blockCount ? firstDoc(b + 1) : UInt32(documentCount) }

    /// The decompressed (still stream-split) payload of block `b`; the most recently used block is kept, so that
    /// fetching several documents of one block (result lists in doc-id or date order, prefix matches) decompresses
    /// it once.
    private func decompressedPayload(block b: Int) throws -> [UInt8] {
        if let cached = cache.withLock({ $0.block == b ? $0.payload : nil }) { return cached }
        let payload = try decompressRaw(block: b)
        cache.withLock { $0 = (b, payload) }
        return payload
    }

    /// Builds the `StoredDocument` encoding of the `index`-th document of a stream-split block payload, touching
    /// only that document's bytes (the block is not re-joined).
    private func extractDocument(_ payload: [UInt8], index: Int, documents: Int, block b: Int) throws -> [UInt8] {
        try payload.withUnsafeBytes { raw in
            var r = ByteReader(raw, file: file.name, section: "DBLK block \(b)")
            guard index < documents, documents <= raw.count / 3 else { throw r.corrupt("doc \(index) is not in its block") }
            var before = (0, 0, 0)  // bytes of the metadata, header and body streams before the document
            var totals = (0, 0, 0)
            var mine = (0, 0, 0)
            for d in 0..<documents {
                let m = try r.readVarInt(limit: raw.count)
                let h = try r.readVarInt(limit: raw.count)
                let bd = try r.readVarInt(limit: raw.count)
                if d < index { before = (before.0 + m, before.1 + h, before.2 + bd) }
                if d == index { mine = (m, h, bd) }
                totals = (totals.0 + m, totals.1 + h, totals.2 + bd)
            }
            guard totals.0 + totals.1 + totals.2 == r.remaining else {
                throw r.corrupt("document parts do not add up to the block's \(r.remaining) bytes")
            }
            let metadata = r.offset + before.0
            let header = r.offset + totals.0 + before.1
            let body = r.offset + totals.0 + totals.1 + before.2
            var out: [UInt8] = []
            out.reserveCapacity(mine.0 + mine.1 + mine.2 + 10)
            out.append(contentsOf: raw[metadata..<(metadata + mine.0)])
            VarInt.encode(UInt64(mine.1), into: &out)
            out.append(contentsOf: raw[header..<(header + mine.1)])
            VarInt.encode(UInt64(mine.2), into: &out)
            out.append(contentsOf: raw[body..<(body + mine.2)])
            return out
        }
    }

    /// Decodes every document of every block, calling `check` with each (verify). - Returns: documents decoded.
    func verifyAll(_ check: (_ doc: UInt32, _ record: CableRecord) throws -> Void = { _, _ in }) throws -> Int {
        for t in 0..<wordTableCount { _ = try wordTable(t, checkLetters: true) }  // every table, used or not
        for t in 0..<contextRanges.count { _ = try contextTable(t) }
        var decoded = 0
        for b in 0..<blockCount {
            let (bytes, documents) = try decompress(block: b)
            try bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw, file: file.name, section: "DBLK block \(b)")
                for _ in 0..<documents {
                    let record = try StoredDocument.decode(
                        try r.readLengthPrefixed(), file: file.name, section: "DBLK block \(b)")
                    try check(UInt32(decoded), record)
                    decoded += 1
                }
                guard r.isAtEnd else { throw r.corrupt("bytes left after the block's documents") }
            }
        }
        guard decoded == documentCount else {
            throw CorpusIndexError.corrupt(file: file.name, section: "DBLK", reason: "\(decoded) documents, header says \(documentCount)")
        }
        return decoded
    }
}
