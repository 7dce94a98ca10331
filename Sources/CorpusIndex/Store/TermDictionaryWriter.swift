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
    private var blockIndex = ByteWriter(capacity: 4096)
    private var inBlock = 0
    private var previousTerm: [UInt8] = []
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

    /// Adds the next term. - Throws: `.invalidArgument` if it is not greater than the previous one.
    func add(_ term: UnsafeRawBufferPointer, _ info: TermInfo) throws {
        let shared = termCount == 0 ? 0 : sharedPrefix(term)
        if termCount > 0 {
            let greater = shared < term.count && (shared == previousTerm.count || term[shared] > previousTerm[shared])
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
        block.appendVarInt(UInt64(prefix))
        block.appendVarInt(UInt64(term.count - prefix))
        block.append(UnsafeRawBufferPointer(rebasing: term[prefix...]))
        block.appendVarInt(UInt64(info.documentFrequency))
        block.appendVarInt(info.collectionFrequency - UInt64(info.documentFrequency))
        block.appendVarInt(UInt64(info.maxFrequency))
        block.appendVarInt(UInt64(info.minFieldLength))
        block.appendVarInt(info.postingsOffset - previousPostings)
        block.appendVarInt(info.positionsOffset - previousPositions)
        previousPostings = info.postingsOffset
        previousPositions = info.positionsOffset
        previousTerm.removeAll(keepingCapacity: true)
        previousTerm.append(contentsOf: term)
        inBlock += 1
        termCount += 1
        postingCount += UInt64(info.documentFrequency)
        tokenCount += info.collectionFrequency
        maxTermLength = max(maxTermLength, term.count)
    }

    private func sharedPrefix(_ term: UnsafeRawBufferPointer) -> Int {
        let n = min(term.count, previousTerm.count)
        var i = 0
        while i < n && term[i] == previousTerm[i] { i += 1 }
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
