/// Streams a term dictionary (`TDIC` file, docs/FORMAT.md "Term dictionary"): terms in strictly increasing byte
/// order, front-coded in blocks of `termsPerBlock`, with an in-memory block index written at the end.
///
/// Memory: one block (a few KB) plus 24 bytes per block of index. Not thread-safe.
final class TermDictionaryWriter {
    static let termsPerBlock = 32
    static let blocksSection = FourCC("TBLK")
    static let indexSection = FourCC("TIDX")
    static let statsSection = FourCC("TSTA")
    static let entrySize = 24

    private let out: ContainerWriter
    private var block = ByteWriter(capacity: 4096)
    /// Where one entry is encoded before it joins the block.
    private var scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    private var scratchCapacity = 256
    private var blockIndex = ByteWriter(capacity: 4096)
    private var inBlock = 0
    private let previousTerm = RawByteBuffer(capacity: 256)
    private var previousPostings: UInt64 = 0
    private var previousPositions: UInt64 = 0
    private(set) var termCount = 0
    private(set) var postingCount: UInt64 = 0
    private(set) var tokenCount: UInt64 = 0
    private var maxTermLength = 0

    init(path: String) throws {
        out = try ContainerWriter(path: path, kind: FileKind.termDictionary)
        try out.beginSection(Self.blocksSection)
    }

    deinit { scratch.deallocate() }

    /// Adds the next term. - Throws: `.invalidArgument` if it is not greater than the previous one.
    func add(_ term: UnsafeRawBufferPointer, _ info: TermInfo) throws {
        let shared = termCount == 0 ? 0 : sharedPrefix(term)
        if termCount > 0 {
            let greater = shared < term.count && (shared == previousTerm.count || term[shared] > previousTerm.bytes[shared])
            guard greater else {
                throw CorpusIndexError.invalidArgument(
                    "term dictionary \(out.path): term \(termCount) is not greater than the previous term")
            }
        }
        if inBlock == Self.termsPerBlock { try flushBlock() }
        let prefix = inBlock == 0 ? 0 : shared
        if inBlock == 0 {
            previousPostings = info.postingsOffset
            previousPositions = info.positionsOffset
            blockIndex.append(out.sectionPosition + UInt64(0))  // patched below: block offset is known at flush
            blockIndex.append(info.postingsOffset)
            blockIndex.append(info.positionsOffset)
        }
        // The entry is encoded into a scratch buffer and appended at once (one capacity check, not one a byte).
        let suffix = UnsafeRawBufferPointer(rebasing: term[prefix...])
        if suffix.count + 8 * 10 > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = suffix.count + 8 * 10
            scratch = .allocate(capacity: scratchCapacity)
        }
        let out = scratch
        var w = 0
        func put(_ value: UInt64) {
            var v = value
            while v >= 0x80 {
                out[w] = UInt8(truncatingIfNeeded: v) | 0x80
                v >>= 7
                w += 1
            }
            out[w] = UInt8(v)
            w += 1
        }
        put(UInt64(prefix))
        put(UInt64(suffix.count))
        if let base = suffix.baseAddress { UnsafeMutableRawPointer(out + w).copyMemory(from: base, byteCount: suffix.count) }
        w += suffix.count
        put(UInt64(info.documentFrequency))
        put(info.collectionFrequency - UInt64(info.documentFrequency))
        put(UInt64(info.maxFrequency))
        put(UInt64(info.minFieldLength))
        put(info.postingsOffset - previousPostings)
        put(info.positionsOffset - previousPositions)
        block.append(UnsafeRawBufferPointer(start: out, count: w))
        previousPostings = info.postingsOffset
        previousPositions = info.positionsOffset
        previousTerm.removeAll()
        previousTerm.append(term)
        inBlock += 1
        termCount += 1
        postingCount += UInt64(info.documentFrequency)
        tokenCount += info.collectionFrequency
        maxTermLength = max(maxTermLength, term.count)
    }

    private func sharedPrefix(_ term: UnsafeRawBufferPointer) -> Int {
        let previous = previousTerm.bytes
        let n = min(term.count, previous.count)
        var i = 0
        while i < n && term[i] == previous[i] { i += 1 }
        return i
    }

    private func flushBlock() throws {
        guard inBlock > 0 else { return }
        // The block starts where the section stands now; fix the index entry written when the block began.
        let entryStart = blockIndex.count - Self.entrySize
        let offset = out.sectionPosition
        blockIndex.bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: offset.littleEndian, toByteOffset: entryStart, as: UInt64.self)
        }
        try out.write(block.bytes)
        block.removeAll()
        inBlock = 0
    }

    /// Writes the last block, the block index and the stats; closes the file.
    func finish() throws -> WrittenFile {
        try flushBlock()
        try out.endSection()
        try out.writeSection(Self.indexSection, blockIndex.bytes)
        var stats = ByteWriter(capacity: 32)
        stats.append(UInt64(termCount))
        stats.append(postingCount)
        stats.append(tokenCount)
        stats.append(UInt32(maxTermLength))
        stats.append(UInt32(Self.termsPerBlock))
        try out.writeSection(Self.statsSection, stats.bytes)
        return try out.finish()
    }
}
