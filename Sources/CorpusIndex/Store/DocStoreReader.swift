/// Fetches stored documents from `documents.store`: binary search in the block index, decompress one block,
/// decode one document.
///
/// Immutable and `Sendable` (no cache; each call decompresses into its own buffer). Bad bytes give `.corrupt`.
public final class DocStoreReader: @unchecked Sendable {
    /// Documents in the store.
    public let documentCount: Int
    /// How blocks are compressed.
    public let compression: StoreCompression
    /// The number of blocks.
    public let blockCount: Int
    let file: ContainerFile
    private let blocks: UnsafeRawBufferPointer
    private let index: UnsafeRawBufferPointer
    private let maxBlockBytes: Int

    /// Opens `path` (a `DSTO` file).
    public init(path: String) throws {
        file = try ContainerFile(path: path, kind: FileKind.documentStore)
        var header = try file.reader(DocStoreWriter.headerSection)
        let documents = try header.read(UInt64.self)
        let blockCount = try header.read(UInt64.self)
        let code = try header.read(UInt32.self)
        let blockSize = try header.read(UInt32.self)
        blocks = try file.section(DocStoreWriter.blocksSection)
        index = try file.section(DocStoreWriter.indexSection)
        guard blockSize <= 1 << 26 else { throw header.corrupt("block size \(blockSize)") }
        guard let compression = StoreCompression(code: code) else {
            throw header.corrupt("unknown compression code \(code)")
        }
        guard documents <= UInt64(UInt32.max), blockCount <= documents,
            UInt64(index.count) == blockCount * UInt64(DocStoreWriter.indexEntrySize), (blockCount == 0) == (documents == 0)
        else { throw header.corrupt("\(documents) documents in \(blockCount) blocks do not fit the block index") }
        self.compression = compression
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

    private func blockOffset(_ block: Int) -> UInt64 {
        UInt64(littleEndian: index.loadUnaligned(fromByteOffset: block * DocStoreWriter.indexEntrySize + 8, as: UInt64.self))
    }

    /// Decompresses block `b`. - Returns: the bytes and the number of documents it should hold.
    func decompress(block b: Int) throws -> (bytes: [UInt8], documents: Int) {
        let first = firstDoc(b)
        let next = b + 1 < blockCount ? firstDoc(b + 1) : UInt32(documentCount)
        let start = blockOffset(b)
        let end = b + 1 < blockCount ? blockOffset(b + 1) : UInt64(blocks.count)
        guard (b == 0 ? first == 0 : true), first < next, start <= end, end <= UInt64(blocks.count) else {
            throw CorpusIndexError.corrupt(
                file: file.name, section: "DIDX", reason: "block \(b) entry (doc \(first), offset \(start)) is inconsistent")
        }
        let region = UnsafeRawBufferPointer(rebasing: blocks[Int(start)..<Int(end)])
        var out: [UInt8] = []
        // Neither codec expands more than ~1032x, so a stated length beyond that is corrupt (and never allocated).
        let limit = min(Int(Int32.max), max(maxBlockBytes, region.count &* 1032 &+ 1024))
        guard let used = compression.decompress(region, at: 0, into: &out, maxOutput: limit), used == region.count
        else {
            throw CorpusIndexError.corrupt(
                file: file.name, section: "DBLK", reason: "block \(b) does not decompress (\(compression.rawValue))")
        }
        let documents = Int(next - first)
        return (try joinStreams(out, documents: documents, block: b), documents)
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
        let (bytes, documents) = try decompress(block: lo)
        let skip = Int(doc - firstDoc(lo))
        return try bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw, file: file.name, section: "DBLK block \(lo)")
            guard skip < documents else { throw r.corrupt("doc \(doc) is not in its block") }
            for _ in 0..<skip { _ = try r.readLengthPrefixed() }
            return try body(try r.readLengthPrefixed())
        }
    }

    /// Decodes every document of every block, calling `check` with each (verify). - Returns: documents decoded.
    func verifyAll(_ check: (_ doc: UInt32, _ record: CableRecord) throws -> Void = { _, _ in }) throws -> Int {
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
