/// Iterates one posting list in doc-id order, skipping whole 128-doc blocks via the skip data
/// (docs/FORMAT.md, "Postings").
///
/// The cursor starts on the list's first document. `doc` is the current document or `PostingCursor.end` once
/// exhausted. Frequencies come with the doc block; positions are decoded only when `positions()` is called.
/// For block-max WAND, `shallowAdvance(to:)` moves only the skip pointer and `blockMaxFreq`,
/// `blockMinFieldLength` and `blockLastDoc` describe the block under it (the block of the current doc until the
/// first shallow move). A list of at most 128 docs is one block whose bounds are the term's.
///
/// The packed skip table (`PackedSkipTable`) is decoded lazily, 32 entries at a time as the cursor moves forward,
/// into absolute values (prefix sums). Positions are a bit stream per doc block (`PositionCoding`): asking for a
/// document's positions first steps over those of the block's documents before it that were not asked for.
///
/// A cursor makes one allocation (128 doc ids, 128 frequencies and room for 16 positions; a longer position list
/// gets its own buffer), one more for the decoded skip table of a list of more than 128 docs, and keeps the mapped
/// files alive. Not thread-safe: one cursor per thread. Every skip entry and block is checked as it is decoded
/// (offsets inside the file, doc ids increasing and below the document count, the last doc equal to the skip
/// entry's, positions below the field length); bad bytes throw `.corrupt` naming the postings or positions file,
/// and a cursor that threw is spent.
public final class PostingCursor {
    /// The doc id of an exhausted cursor.
    public static let end: UInt32 = .max

    /// The current document, or `end`.
    @exclusivity(unchecked) public private(set) var doc: UInt32 = PostingCursor.end
    /// The term this cursor iterates.
    public let termInfo: TermInfo

    private let owner: FieldIndexReader
    private let data: UnsafeRawBufferPointer
    private let positionData: UnsafeRawBufferPointer
    /// The field-length column (`u32` per doc; empty for keyword fields), for the position codes.
    private let lengthValues: UnsafeRawBufferPointer
    /// The docs below this have a length in `lengthValues` (`fieldLength` gives 0 past it).
    private let lengthDocs: UInt32
    private let documentCount: UInt64
    private let count: Int
    private let blockCount: Int
    private let skipStart: Int
    /// The top-scoring documents' bytes (after their length), `listStart ..< skipStart`; empty when none.
    private let listStart: Int
    private let dataStart: Int
    private let docBuffer: UnsafeMutablePointer<UInt32>
    private let freqBuffer: UnsafeMutablePointer<UInt32>
    /// The decoded skip table (lists of more than one block): per block its last doc, the end of its doc data
    /// relative to `dataStart`, its largest frequency, smallest field length and weight bound; and the start of
    /// each block's positions relative to the term's (`blockCount + 1` values, the last the end).
    private let skipStorage: UnsafeMutableRawPointer?
    private let skipLast: UnsafeMutablePointer<UInt32>
    private let skipMaxFreq: UnsafeMutablePointer<UInt32>
    private let skipMinLength: UnsafeMutablePointer<UInt32>
    /// Per block its weight step (`PostingListEncoder.weightBound(step:)` gives the bound, on demand).
    private let skipWeightStep: UnsafeMutablePointer<UInt32>
    private let skipEnd: UnsafeMutablePointer<Int>
    private let skipPositions: UnsafeMutablePointer<UInt64>
    private let skipWidths: UInt64
    /// The block the last `probeFrequency` landed in (the next probe looks there and just after it first).
    @exclusivity(unchecked) private var probeHint = 0
    /// The patched block whose doc ids `probeDocs` holds for `probeFrequency` (-1: none), apart from the
    /// cursor's own block; and where that block's frequencies start in `data`.
    @exclusivity(unchecked) private var probeBlock = -1
    @exclusivity(unchecked) private var probeFreqStart = 0
    private let probeDocs: UnsafeMutablePointer<UInt32>
    /// Entries `0 ..< skipDecoded` have their last doc and block end decoded (all a probe needs); the next starts
    /// at bit `skipBit` of `data`. Entries `0 ..< skipTailDecoded` (never more) have their other fields too.
    @exclusivity(unchecked) private var skipDecoded = 0
    @exclusivity(unchecked) private var skipTailDecoded = 0
    @exclusivity(unchecked) private var skipBit = 0
    /// Where entry 0 starts (bit of `data`); entry `e` starts `e` entries' bits later.
    private let skipStartBit: Int
    @exclusivity(unchecked) private var positionBuffer: UnsafeMutablePointer<UInt32>
    @exclusivity(unchecked) private var positionCapacity = 16
    @exclusivity(unchecked) private var block = -1
    @exclusivity(unchecked) private var blockDocs = 0
    @exclusivity(unchecked) private var index = 0
    @exclusivity(unchecked) private var shallow = 0
    @exclusivity(unchecked) private var positionOffset = 0
    @exclusivity(unchecked) private var positionDocIndex = 0
    @exclusivity(unchecked) private var decodedPositionsFor = -1
    @exclusivity(unchecked) private var decodedPositionCount = 0
    @exclusivity(unchecked) private var consumedEnd = 0
    // Positions of the current doc block: a bit stream starting at byte `positionOffset` of `positionData`; the
    // positions of the docs from `positionDocIndex` on start at bit `positionBit`.
    @exclusivity(unchecked) private var positionBit = 0
    @exclusivity(unchecked) private var cachedTermMaxWeight: Float = -1

    init(owner: FieldIndexReader, termInfo: TermInfo, data: UnsafeRawBufferPointer, positions: UnsafeRawBufferPointer)
        throws
    {
        self.owner = owner
        self.termInfo = termInfo
        self.data = data
        positionData = positions
        lengthValues = owner.lengths.values
        lengthDocs = UInt32(clamping: lengthValues.count >> 2)
        documentCount = UInt64(owner.documentCount)
        count = Int(termInfo.documentFrequency)
        blockCount = (count + 127) / 128
        // One allocation: 128 doc ids, 128 frequencies, the first 16 positions and the probes' 128 doc ids.
        docBuffer = .allocate(capacity: 256 + 16 + 128)
        freqBuffer = docBuffer + 128
        positionBuffer = docBuffer + 256
        probeDocs = docBuffer + 256 + 16
        var offsetFits = termInfo.postingsOffset <= UInt64(data.count)
        let listOffset = offsetFits ? Int(termInfo.postingsOffset) : 0
        if owner.topScoring.applies(to: count) {
            // The list's top-scoring documents come first: `vint byteLength`, then that many bytes.
            if let (length, after) = VarInt.decode(data, at: listOffset), length <= UInt64(data.count - after) {
                listStart = after
                skipStart = after + Int(length)
            } else {
                (listStart, skipStart, offsetFits) = (0, 0, false)
            }
        } else {
            (listStart, skipStart) = (listOffset, listOffset)
        }
        let table = blockCount > 1 && offsetFits ? PackedSkipTable.widths(data, at: skipStart) : nil
        skipWidths = table?.packed ?? 0
        let blocks = blockCount
        let tableBytes = table.map { PackedSkipTable.byteCount(entryCount: blocks, entryBits: $0.entryBits) } ?? 0
        dataStart = skipStart + tableBytes
        skipBit = (skipStart + PackedSkipTable.headerSize) << 3
        skipStartBit = skipBit
        if blockCount > 1 {
            // 8-byte values first: ends (B), position starts (B + 1); then the 4-byte ones (4 x B).
            let storage = UnsafeMutableRawPointer.allocate(byteCount: 32 * blockCount + 8, alignment: 8)
            skipStorage = storage
            skipEnd = storage.bindMemory(to: Int.self, capacity: blockCount)
            skipPositions = (storage + 8 * blockCount).bindMemory(to: UInt64.self, capacity: blockCount + 1)
            let small = storage + 16 * blockCount + 8
            skipLast = small.bindMemory(to: UInt32.self, capacity: blockCount)
            skipMaxFreq = (small + 4 * blockCount).bindMemory(to: UInt32.self, capacity: blockCount)
            skipMinLength = (small + 8 * blockCount).bindMemory(to: UInt32.self, capacity: blockCount)
            skipWeightStep = (small + 12 * blockCount).bindMemory(to: UInt32.self, capacity: blockCount)
            skipPositions[0] = 0
        } else {
            // Never read: a single-block list has no skip table.
            skipStorage = nil
            skipEnd = UnsafeMutableRawPointer(docBuffer).bindMemory(to: Int.self, capacity: 0)
            skipPositions = UnsafeMutableRawPointer(docBuffer).bindMemory(to: UInt64.self, capacity: 0)
            skipLast = docBuffer
            skipMaxFreq = docBuffer
            skipMinLength = docBuffer
            skipWeightStep = UnsafeMutableRawPointer(docBuffer).bindMemory(to: UInt32.self, capacity: 0)
        }
        guard count > 0, offsetFits else {
            throw CorpusIndexError.corrupt(
                file: owner.postingsFileName, section: "DOCS",
                reason: "term \(termInfo.ordinal): postings offset \(termInfo.postingsOffset) outside the section, or the "
                    + "length of its top-scoring documents is malformed")
        }
        guard blockCount == 1 || table != nil else { throw corrupt("skip table header is cut short or malformed") }
        guard dataStart <= data.count else {
            throw corrupt("skip table of \(blockCount) blocks runs past the section")
        }
        try decode(block: 0)
    }

    deinit {
        if positionBuffer != docBuffer + 256 { positionBuffer.deallocate() }
        docBuffer.deallocate()
        skipStorage?.deallocate()
    }

    /// The number of documents in the list.
    public var documentFrequency: Int { count }

    /// Whether the list starts with top-scoring documents (`TopScoringDocuments`).
    public var hasTopScoringDocuments: Bool { owner.topScoring.applies(to: count) }

    /// The `ceilingStep` of the list's top-scoring documents (the step of its largest factor), or nil.
    private var topScoringCeilingStep: UInt32? {
        guard hasTopScoringDocuments, let (_, at) = VarInt.decode(data, at: listStart), at + 4 <= skipStart else { return nil }
        return UInt32(data[at + 2]) | UInt32(data[at + 3]) << 8
    }

    /// The list's top-scoring documents, decoded and checked (every doc id below the document count), or `nil`
    /// if it has none. Independent of the cursor's position.
    public func topScoringDocuments() throws -> TopScoringList? {
        guard hasTopScoringDocuments else { return nil }
        return try TopScoringList(
            data, start: listStart, end: skipStart, documentCount: owner.documentCount,
            runnersUp: owner.topScoring.runnerUpLength > 0, corrupt: corrupt)
    }

    /// The runners-up of `list` (this list's `topScoringDocuments()`), decoded and checked, or `nil` if the
    /// index was written without them. Independent of the cursor's position.
    public func runnersUp(of list: TopScoringList) throws -> TopScoringRunnersUp? {
        guard let range = list.runnersUpBytes, range.lowerBound >= listStart, range.upperBound <= skipStart else { return nil }
        return try TopScoringRunnersUp(data, range, listFloor: list.floor, documentCount: owner.documentCount, corrupt: corrupt)
    }

    /// The frequency of the term in the current document (undefined when exhausted).
    @inlinable public var freq: UInt32 { currentFreq }

    @usableFromInline var currentFreq: UInt32 { freqBuffer[min(index, 127)] }

    /// Moves to the next document.
    /// - Returns: the new `doc` (`end` when exhausted).
    @discardableResult
    public func next() throws -> UInt32 {
        guard doc != Self.end else { return doc }
        index += 1
        if index < blockDocs {
            doc = docBuffer[index]
        } else if block + 1 < blockCount {
            try decode(block: block + 1)
        } else {
            doc = Self.end
        }
        return doc
    }

    /// Moves to the first document `>= target` (never backwards), skipping blocks whose last doc is below it.
    /// - Returns: the new `doc` (`end` when exhausted).
    @discardableResult
    public func advance(to target: UInt32) throws -> UInt32 {
        guard doc < target else { return doc }
        if docBuffer[blockDocs - 1] < target {
            guard blockCount > 1 else {
                doc = Self.end
                return doc
            }
            var b = block + 1
            while b < blockCount {
                if b >= skipTailDecoded { try decodeSkipEntries(through: b) }
                if skipLast[b] >= target { break }
                b += 1
            }
            guard b < blockCount else {
                doc = Self.end
                return doc
            }
            try decode(block: b)
        }
        while docBuffer[index] < target { index += 1 }
        doc = docBuffer[index]
        return doc
    }

    /// Moves to the next document whose frequency is at least `minimum`, or to the first one after `limit`,
    /// whichever comes first, scanning the decoded frequencies without stopping on the documents in between
    /// (pruning by frequency: a document that cannot score enough is passed over on an integer comparison).
    /// - Returns: the new `doc` (`end` when exhausted).
    @discardableResult
    public func next(minimumFrequency minimum: UInt32, upTo limit: UInt32) throws -> UInt32 {
        try next { freqBuffer[$0] >= minimum || docBuffer[$0] > limit }
    }

    /// Moves to the next document whose field length is at most `limits[min(freq, count - 1)]` (a length limit
    /// per frequency: pruning by score without computing it), scanning the decoded blocks without stopping on
    /// the documents in between. `count` must be at least 1. A keyword field has no lengths: every document
    /// passes.
    /// - Returns: the new `doc` (`end` when exhausted).
    @discardableResult
    public func next(lengthAtMost limits: UnsafePointer<UInt32>, count: Int) throws -> UInt32 {
        guard doc != Self.end else { return doc }
        let top = UInt32(truncatingIfNeeded: count &- 1)
        let docs = docBuffer
        let freqs = freqBuffer
        var i = index &+ 1
        while true {
            let n = blockDocs
            if i < n {
                let last = docs[n - 1]
                if last < lengthDocs, let lengths = lengthValues.baseAddress {
                    // The block's last (largest) doc is in the column: so is every other, and the loop reads
                    // lengths with no check per document.
                    repeat {
                        let at = Int(docs[i]) &* 4
                        let length = UInt32(littleEndian: lengths.loadUnaligned(fromByteOffset: at, as: UInt32.self))
                        if length <= limits[Int(min(freqs[i], top))] { return stop(at: i) }
                        i &+= 1
                    } while i < n
                } else {
                    repeat {
                        if fieldLength(docs[i]) <= limits[Int(min(freqs[i], top))] { return stop(at: i) }
                        i &+= 1
                    } while i < n
                }
            }
            guard try decodeNextBlock() else { return doc }
            i = 0
        }
    }

    /// Decodes the block after the current one, or makes the cursor exhausted after the last block.
    /// - Returns: whether there was a next block.
    @inline(__always) private func decodeNextBlock() throws -> Bool {
        guard block + 1 < blockCount else {
            index = blockDocs
            doc = Self.end
            return false
        }
        try decode(block: block + 1)
        return true
    }

    /// Makes the decoded block's document `i` the current one.
    @inline(__always) private func stop(at i: Int) -> UInt32 {
        index = i
        doc = docBuffer[i]
        return doc
    }

    /// Moves to the next document whose index in the decoded block `accept`s, decoding blocks as needed.
    @inline(__always)
    private func next(where accept: (Int) -> Bool) throws -> UInt32 {
        guard doc != Self.end else { return doc }
        var i = index + 1
        while true {
            while i < blockDocs {
                if accept(i) {
                    index = i
                    doc = docBuffer[i]
                    return doc
                }
                i += 1
            }
            guard try decodeNextBlock() else { return doc }
            i = 0
        }
    }

    /// The decoded documents of the current block from the current one on (bulk reading, e.g. counting); valid
    /// until the cursor moves. Empty once exhausted.
    public var blockRemainder: UnsafeBufferPointer<UInt32> {
        doc == Self.end
            ? UnsafeBufferPointer(start: docBuffer, count: 0)
            : UnsafeBufferPointer(start: docBuffer + index, count: blockDocs - index)
    }

    /// Moves to the first document of the next block, or to `end` after the last block.
    /// - Returns: the new `doc`.
    @discardableResult
    public func nextBlock() throws -> UInt32 {
        guard doc != Self.end else { return doc }
        if block + 1 < blockCount { try decode(block: block + 1) } else { doc = Self.end }
        return doc
    }

    /// The positions of the term in the current document, increasing; valid until the cursor moves.
    /// Empty for keyword fields.
    public func positions() throws -> UnsafeBufferPointer<UInt32> {
        guard owner.hasPositions, doc != Self.end else { return UnsafeBufferPointer(start: positionBuffer, count: 0) }
        if decodedPositionsFor != index {
            guard positionOffset <= positionData.count else {
                throw corruptPositions("block \(block): positions start outside the section")
            }
            var reader = BitReader(positionData, byteOffset: 0)
            reader.position = positionBit
            for k in positionDocIndex..<index {
                guard PositionCoding.skip(&reader, frequency: Int(freqBuffer[k]), length: fieldLength(docBuffer[k])),
                    !reader.isOverrun
                else { throw corruptPositions("positions of doc \(docBuffer[k]) are malformed") }
            }
            let freq = Int(freqBuffer[index])
            // Every position of a document with two or more takes at least one bit: a larger count is corrupt (and
            // must not be allocated for).
            guard freq == 1 || freq <= reader.bitLimit - reader.position else {
                throw corruptPositions("\(freq) positions of doc \(doc) do not fit in the section")
            }
            if freq > positionCapacity {
                if positionBuffer != docBuffer + 256 { positionBuffer.deallocate() }
                positionCapacity = max(freq, positionCapacity * 2)
                positionBuffer = .allocate(capacity: positionCapacity)
            }
            guard PositionCoding.decode(&reader, frequency: freq, length: fieldLength(doc), into: positionBuffer),
                !reader.isOverrun
            else { throw corruptPositions("positions of doc \(doc) are malformed or not below its field length") }
            positionBit = reader.position
            positionDocIndex = index + 1
            decodedPositionsFor = index
            decodedPositionCount = freq
        }
        return UnsafeBufferPointer(start: positionBuffer, count: decodedPositionCount)
    }

    /// Moves the skip pointer (only) to the first block whose last doc is `>= target`, decoding nothing.
    /// - Returns: that block's last doc, or `end` if no block reaches `target`.
    @discardableResult
    public func shallowAdvance(to target: UInt32) throws -> UInt32 {
        if blockCount == 1 {
            if shallow == 0 && docBuffer[blockDocs - 1] < target { shallow = 1 }
        } else {
            while shallow < blockCount {
                if shallow >= skipTailDecoded { try decodeSkipEntries(through: shallow) }
                if skipLast[shallow] >= target { break }
                shallow += 1
            }
        }
        return blockLastDoc
    }

    /// The largest frequency in the block under the skip pointer (0 past the last block).
    public var blockMaxFreq: UInt32 {
        guard shallow < blockCount else { return 0 }
        return blockCount == 1 ? termInfo.maxFrequency : skipMaxFreq[shallow]
    }

    /// The smallest field length in the block under the skip pointer.
    public var blockMinFieldLength: UInt32 {
        guard shallow < blockCount else { return .max }
        return blockCount == 1 ? termInfo.minFieldLength : skipMinLength[shallow]
    }

    /// The block under the skip pointer's maximum of BM25's frequency-and-length factor (no idf;
    /// `PostingListEncoder.termWeight`) rounded up to a weight step (`PostingListEncoder.roundedUp`), 0 past the
    /// last block. A single-block list has no skip
    /// entry: its bound comes from the term's largest frequency and smallest length.
    public var blockMaxWeight: Float {
        guard shallow < blockCount else { return 0 }
        return blockCount == 1 ? termMaxWeight : PostingListEncoder.weightBound(step: skipWeightStep[shallow])
    }

    /// An upper bound of BM25's frequency-and-length factor over the whole list: the largest block `maxWeight`
    /// (read from the skip table on first use), or for a single-block list the factor at the term's largest
    /// frequency and smallest length. If the skip table is corrupt it is the largest bound (2.2), and the
    /// cursor's next move throws.
    public var termMaxWeight: Float {
        if cachedTermMaxWeight < 0 {
            if let step = topScoringCeilingStep {
                // The top-scoring documents' ceiling is the same bound, without decoding the skip table.
                cachedTermMaxWeight = PostingListEncoder.weightBound(step: min(step, PostingListEncoder.weightSteps))
            } else if blockCount == 1 {
                cachedTermMaxWeight = PostingListEncoder.roundedUp(PostingListEncoder.termWeight(
                    tf: termInfo.maxFrequency, length: termInfo.minFieldLength, averageLength: owner.averageFieldLength))
            } else {
                if (try? decodeSkipEntries(through: blockCount - 1)) == nil {
                    cachedTermMaxWeight = PostingListEncoder.weightBound(step: PostingListEncoder.weightSteps)
                } else {
                    // weightBound grows with the step: the largest step gives the largest bound.
                    var m: UInt32 = 0
                    for b in 0..<blockCount { m = max(m, skipWeightStep[b]) }
                    cachedTermMaxWeight = PostingListEncoder.weightBound(step: m)
                }
            }
        }
        return cachedTermMaxWeight
    }

    /// The last doc id of the block under the skip pointer (`end` past the last block).
    public var blockLastDoc: UInt32 {
        guard shallow < blockCount else { return Self.end }
        return blockCount == 1 ? docBuffer[blockDocs - 1] : skipLast[shallow]
    }

    // MARK: - Random access

    /// The frequency of `target` in the list, 0 if the list does not hold it; targets may come in any order
    /// (random access, for probing scattered documents such as the candidates of top-scoring documents). The
    /// block that would hold `target` is found on the skip table (its last docs and block ends decoded as far as
    /// needed, then a binary search); a dense block answers with a bit test, a patched one has its doc ids
    /// decoded apart (`patchedFrequencies`, as for a pass of one), a short tail block becomes the cursor's current
    /// block. A cursor used for probing is not walked afterwards.
    public func probeFrequency(_ target: UInt32) throws -> UInt32 {
        let (b, frequency) = try route(target)
        guard b >= 0 else { return frequency }
        var one = target
        var answered: UInt32 = 0
        try answer(block: b, &one, 1, into: &answered)
        return answered
    }

    /// Where a probe of `target` is answered: the block (of at least `PatchedBlock.smallestPartialBlock`
    /// documents) to answer it in, or -1 with the frequency when the cursor's buffers answer it (a single-block
    /// list, the cursor's own block, a short tail block, which this decodes) or the list ends before it (0).
    @inline(__always) private func route(_ target: UInt32) throws -> (block: Int, frequency: UInt32) {
        if blockCount > 1 && !inDecodedBlock(target) {
            guard let b = try blockHolding(target) else { return (-1, 0) }
            if blockSize(b) >= PatchedBlock.smallestPartialBlock { return (b, 0) }
            try decode(block: b)
        }
        return (-1, Self.find(target, docs: docBuffer, freqs: freqBuffer, count: blockDocs))
    }

    /// Whether `target` lies within the cursor's own decoded block (answered from its buffers).
    @inline(__always) private func inDecodedBlock(_ target: UInt32) -> Bool {
        block >= 0 && target <= docBuffer[blockDocs - 1] && (block == 0 || target > skipLast[block - 1])
    }

    /// The block that would hold `target` (lists with a skip table), nil past the list's last doc: the skip
    /// entries' heads decoded as far as needed, then a few steps on from the last probe's block when the target
    /// lies just ahead of it (probes in doc-id order), else a branch-free binary search (`firstAtLeast`).
    @inline(__always) private func blockHolding(_ target: UInt32) throws -> Int? {
        while skipDecoded < blockCount && skipLast[skipDecoded - 1] < target {
            try decodeSkipHeads(through: skipDecoded)
        }
        guard skipLast[skipDecoded - 1] >= target else { return nil }
        var b = probeHint
        if b < skipDecoded && (b == 0 || skipLast[b - 1] < target) {
            var steps = 0
            while skipLast[b] < target && steps < 4 {
                b &+= 1
                steps &+= 1
            }
            if skipLast[b] < target { b = Self.firstAtLeast(target, in: skipLast, count: skipDecoded) }
        } else {
            b = Self.firstAtLeast(target, in: skipLast, count: skipDecoded)
        }
        probeHint = b
        return b
    }

    /// `probeFrequency` for each of `count` targets, into `frequencies` (0: absent), for a pass that probes many
    /// documents in doc-id order (any order is answered right, ascending runs are what it is fast for): the
    /// targets that fall in one block are answered together, the block found once (on the skip table, as
    /// `probeFrequency` finds it), checked once, and each target then costs a bit test or a search among the
    /// block's doc ids, and on a hit one frequency decoded. Does not move the cursor. Throws at the first damaged
    /// block met; the frequencies before it are written.
    public func probeFrequencies(
        _ targets: UnsafePointer<UInt32>, count: Int, into frequencies: UnsafeMutablePointer<UInt32>
    ) throws {
        var i = 0
        while i < count {
            let target = targets[i]
            let (b, frequency) = try route(target)
            guard b >= 0 else {
                frequencies[i] = frequency
                i &+= 1
                continue
            }
            // The run of targets inside block b.
            let first: UInt32 = b == 0 ? 0 : skipLast[b - 1] &+ 1
            let last = skipLast[b]
            var j = i &+ 1
            while j < count && targets[j] <= last && targets[j] >= first { j &+= 1 }
            try answer(block: b, targets + i, j &- i, into: frequencies + i)
            i = j
        }
    }

    /// Answers `k` targets inside block `b` (of at least `PatchedBlock.smallestPartialBlock` documents, in a list
    /// with a skip table), a dense or a patched one.
    @inline(__always)
    private func answer(
        block b: Int, _ targets: UnsafePointer<UInt32>, _ k: Int, into frequencies: UnsafeMutablePointer<UInt32>
    ) throws {
        let n = blockSize(b)
        let start = b == 0 ? dataStart : dataStart + skipEnd[b - 1]
        let end = dataStart + skipEnd[b]
        guard start <= end, end <= data.count, let base = data.baseAddress else {
            throw corrupt("block \(b) spans \(start)..<\(end)")
        }
        // The block's bytes, without slicing `data` (bounds checked above).
        let region = UnsafeRawBufferPointer(start: base + start, count: end - start)
        if DenseDocBlock.starts(region, at: 0, count: n) {
            let first: UInt32 = b == 0 ? 0 : skipLast[b - 1] &+ 1
            try denseFrequencies(block: b, region, count: n, first: first, last: skipLast[b], targets, k, into: frequencies)
        } else {
            try patchedFrequencies(block: b, start: start, end: end, count: n, targets, k, into: frequencies)
        }
    }

    /// `probeFrequencies` for `k` targets inside the dense block `b` (its `n` documents spanning `first ... last`,
    /// its bytes `region`): the bitmap checked once (inside the block, `last`'s bit set), then a bit test per
    /// target, and for each hit its rank and its frequency (the frequencies' header checked at the first hit).
    private func denseFrequencies(
        block b: Int, _ region: UnsafeRawBufferPointer, count n: Int, first: UInt32, last: UInt32,
        _ targets: UnsafePointer<UInt32>, _ k: Int, into frequencies: UnsafeMutablePointer<UInt32>
    ) throws {
        let size = DenseDocBlock.byteCount(span: last &- first &+ 1)
        guard let bitmap = DenseDocBlock.bitmap(region, at: 0, first: first, last: last) else {
            throw corrupt("dense block \(b) is truncated or does not end at doc \(last)")
        }
        // The frequencies, checked at the first hit (misses never read them).
        var values: PatchedBlock.Values?
        for i in 0..<k {
            let rank = DenseDocBlock.rank(bitmap: bitmap, byteCount: size &- 1, bit: Int(targets[i] &- first))
            guard rank >= 0 else {
                frequencies[i] = 0
                continue
            }
            if values == nil { values = PatchedBlock.Values(region, at: size, count: n) }
            guard rank < n, let values else {
                throw corrupt("dense block \(b) holds more than \(n) documents or its frequencies are malformed")
            }
            frequencies[i] = values[rank] &+ 1
        }
    }

    /// `probeFrequencies` for `k` targets inside the patched block `b` of `n` documents at bytes `start ..< end`:
    /// its doc ids decoded and checked once (into `probeDocs`, kept for the next probe in the same block), then a
    /// search per target, and for each hit its frequency (the frequencies' header checked at the first hit).
    private func patchedFrequencies(
        block b: Int, start: Int, end: Int, count n: Int, _ targets: UnsafePointer<UInt32>, _ k: Int,
        into frequencies: UnsafeMutablePointer<UInt32>
    ) throws {
        if probeBlock != b {
            let region = UnsafeRawBufferPointer(rebasing: data[start..<end])
            let (afterDocs, last) = try decodeDocIDs(block: b, region, count: n, into: probeDocs)
            try checkDocIDs(block: b, last: last, probeDocs, count: n)
            probeBlock = b
            probeFreqStart = start + afterDocs
        }
        // The frequencies, checked at the first hit (misses never read them).
        var values: PatchedBlock.Values?
        for i in 0..<k {
            let at = Self.firstAtLeast(targets[i], in: probeDocs, count: n)
            guard probeDocs[at] == targets[i] else {
                frequencies[i] = 0
                continue
            }
            if values == nil {
                values = PatchedBlock.Values(UnsafeRawBufferPointer(rebasing: data[probeFreqStart..<end]), at: 0, count: n)
            }
            guard let values else { throw corrupt("block \(b): frequencies are malformed") }
            frequencies[i] = values[at] &+ 1
        }
    }

    /// The number of documents in block `b`.
    @inline(__always) private func blockSize(_ b: Int) -> Int { b < blockCount - 1 ? 128 : count - 128 * (blockCount - 1) }

    /// The frequency of `target` among the `count` increasing `docs`, 0 if absent (binary search).
    @inline(__always)
    private static func find(_ target: UInt32, docs: UnsafePointer<UInt32>, freqs: UnsafePointer<UInt32>, count: Int) -> UInt32 {
        guard count > 0 else { return 0 }
        let i = firstAtLeast(target, in: docs, count: count)
        return docs[i] == target ? freqs[i] : 0
    }

    /// The index of the first of the `count` (>= 1) increasing `values` that is at least `target`, or `count - 1`
    /// if none is: a binary search whose steps are conditional moves, not branches (probe targets are
    /// unpredictable).
    @inline(__always)
    private static func firstAtLeast(_ target: UInt32, in values: UnsafePointer<UInt32>, count: Int) -> Int {
        var low = 0
        var length = count
        while length > 1 {
            let half = length >> 1
            low = values[low &+ half &- 1] < target ? low &+ half : low
            length &-= half
        }
        return low
    }

    // MARK: - Decoding

    /// The field length of `doc` (0 past the column: its positions are then rejected).
    @inline(__always) private func fieldLength(_ doc: UInt32) -> UInt32 {
        let at = Int(doc) &* 4
        guard at + 4 <= lengthValues.count else { return 0 }
        return UInt32(littleEndian: lengthValues.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }

    /// Decodes every field of the skip entries through `b` (and up to 31 more), checking each.
    private func decodeSkipEntries(through b: Int) throws {
        if skipDecoded <= b { try decodeSkipHeads(through: b) }
        if skipTailDecoded <= b { try decodeSkipTails(through: skipDecoded - 1) }
    }

    /// The skip table's field widths, and the bits of an entry's first three fields and last three.
    private var skipLayout: (wDoc: Int, wBytes: Int, wFreq: Int, wLength: Int, wPositions: Int, wWeight: Int, head: Int, tail: Int) {
        let widths = skipWidths
        @inline(__always) func width(_ f: PackedSkipTable.Field) -> Int {
            Int(truncatingIfNeeded: (widths >> UInt64(8 * f.rawValue)) & 0xFF)
        }
        let (wDoc, wBytes, wFreq, wLength, wPositions, wWeight) = (
            width(.lastDocDelta), width(.blockBytes), width(.maxFrequencyMinusOne), width(.minFieldLength),
            width(.positionBytes), width(.weightStep))
        return (wDoc, wBytes, wFreq, wLength, wPositions, wWeight, wDoc + wBytes + wFreq, wLength + wPositions + wWeight)
    }

    @inline(__always) private static func field(_ word: UInt64, at shift: Int, width: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: (word &>> UInt64(shift)) & ((UInt64(1) &<< UInt64(width)) &- 1))
    }

    /// Decodes the last doc and block end of the skip entries from `skipDecoded` through `b` (and up to 31 more),
    /// checking each; the other fields wait for `decodeSkipTails` (entries are fixed-width, so it can start
    /// anywhere). A table too wide for one 57-bit peek per group of three fields is decoded whole here.
    private func decodeSkipHeads(through b: Int) throws {
        let last = min(blockCount - 1, max(b, skipDecoded + 31))
        guard skipDecoded <= last else { return }
        let table = UnsafeRawBufferPointer(rebasing: data[..<dataStart])
        var reader = BitReader(table, byteOffset: 0)
        reader.position = skipBit
        let layout = skipLayout
        var previousDoc: UInt64 = skipDecoded == 0 ? 0 : UInt64(skipLast[skipDecoded - 1])
        var end = skipDecoded == 0 ? 0 : skipEnd[skipDecoded - 1]
        let dataBytes = data.count - dataStart
        // The first three fields and the last three each fit in one peek (57 bits) in any real table: one load for
        // the first group, its two fields cut from it.
        let grouped = layout.head <= 57 && layout.tail <= 57
        for e in skipDecoded...last {
            let delta, bytes: UInt32
            if grouped {
                let head = reader.peek()
                reader.position &+= layout.head &+ layout.tail
                (delta, bytes) = (Self.field(head, at: 0, width: layout.wDoc), Self.field(head, at: layout.wDoc, width: layout.wBytes))
            } else {
                (delta, bytes) = (reader.read(bits: layout.wDoc), reader.read(bits: layout.wBytes))
                let freq = reader.read(bits: layout.wFreq)
                let (length, positionBytes, step) = (
                    reader.read(bits: layout.wLength), reader.read(bits: layout.wPositions), reader.read(bits: layout.wWeight))
                try storeTail(e, freq: freq, length: length, positionBytes: positionBytes, step: step)
            }
            let lastDoc = previousDoc + UInt64(delta)
            guard e == 0 || delta > 0, lastDoc < documentCount else {
                throw corrupt("skip entry \(e): last doc \(lastDoc) not increasing or not below \(documentCount)")
            }
            end += Int(bytes)
            guard end <= dataBytes else { throw corrupt("skip entry \(e): block end out of range") }
            skipLast[e] = UInt32(truncatingIfNeeded: lastDoc)
            skipEnd[e] = end
            previousDoc = lastDoc
        }
        guard !reader.isOverrun else { throw corrupt("skip table is cut short") }
        skipBit = reader.position
        skipDecoded = last + 1
        if !grouped { skipTailDecoded = skipDecoded }
    }

    /// Decodes the largest frequency, smallest length, position bytes and weight step of the skip entries from
    /// `skipTailDecoded` through `last` (< `skipDecoded`), checking each.
    private func decodeSkipTails(through last: Int) throws {
        guard skipTailDecoded <= last else { return }
        let table = UnsafeRawBufferPointer(rebasing: data[..<dataStart])
        var reader = BitReader(table, byteOffset: 0)
        let layout = skipLayout
        let entryBits = layout.head &+ layout.tail
        let first = skipStartBit &+ skipTailDecoded &* entryBits
        reader.position = first
        for e in skipTailDecoded...last {
            let head = reader.peek()
            reader.position &+= layout.head
            let tail = reader.peek()
            reader.position &+= layout.tail
            try storeTail(
                e, freq: Self.field(head, at: layout.wDoc &+ layout.wBytes, width: layout.wFreq),
                length: Self.field(tail, at: 0, width: layout.wLength),
                positionBytes: Self.field(tail, at: layout.wLength, width: layout.wPositions),
                step: Self.field(tail, at: layout.wLength &+ layout.wPositions, width: layout.wWeight))
        }
        guard !reader.isOverrun else { throw corrupt("skip table is cut short") }
        skipTailDecoded = last + 1
    }

    @inline(__always)
    private func storeTail(_ e: Int, freq: UInt32, length: UInt32, positionBytes: UInt32, step: UInt32) throws {
        guard freq < UInt32.max, step <= PostingListEncoder.weightSteps else {
            throw corrupt("skip entry \(e): frequency or weight out of range")
        }
        skipMaxFreq[e] = freq + 1
        skipMinLength[e] = length
        skipWeightStep[e] = step
        skipPositions[e + 1] = skipPositions[e] + UInt64(positionBytes)
    }

    /// Decodes the doc ids of block `b` (`n >= PatchedBlock.smallestPartialBlock` of them: a dense bitmap or
    /// patched gaps) from `region` into `out`.
    /// - Returns: where they end in `region`, and the last doc id (nil when a gap is 0 where none may be).
    @inline(__always)
    private func decodeDocIDs(
        block b: Int, _ region: UnsafeRawBufferPointer, count n: Int, into out: UnsafeMutablePointer<UInt32>
    ) throws -> (end: Int, last: UInt64?) {
        let base: UInt32 = b == 0 ? 0 : skipLast[b - 1]
        if DenseDocBlock.starts(region, at: 0, count: n) {
            // A bitmap from the first id the block may hold: 0 in the first block, else after the last block's.
            guard let after = DenseDocBlock.decode(region, at: 0, count: n, first: b == 0 ? 0 : base &+ 1, into: out)
            else { throw corrupt("dense block \(b) is truncated or malformed") }
            return (after, UInt64(out[n - 1]))
        }
        guard let after = PatchedBlock.decode(region, at: 0, count: n, into: out) else {
            throw corrupt("block \(b) is truncated or malformed")
        }
        // Gaps checked and summed in one vectorisable pass; only a list's very first gap may be 0.
        return (after, Delta.decodeIncreasing(out, count: n, base: base, firstMayBeZero: b == 0))
    }

    /// Throws unless block `b`'s `n` decoded doc ids (`last` the last one, nil after a zero gap) increase, stay
    /// below the document count and end at the skip entry's last doc (lists with a skip table).
    @inline(__always)
    private func checkDocIDs(block b: Int, last: UInt64?, _ docs: UnsafePointer<UInt32>, count n: Int) throws {
        guard let last, last < documentCount else {
            throw corrupt("block \(b): doc ids not increasing or not below \(documentCount)")
        }
        if blockCount > 1 && docs[n - 1] != skipLast[b] {
            throw corrupt("block \(b) ends at doc \(docs[n - 1]), its skip entry says \(skipLast[b])")
        }
    }

    private func decode(block b: Int) throws {
        if blockCount > 1 && b >= skipTailDecoded { try decodeSkipEntries(through: b) }
        let start = b == 0 ? dataStart : dataStart + skipEnd[b - 1]
        let end = blockCount > 1 ? dataStart + skipEnd[b] : data.count
        guard start <= end, end <= data.count else { throw corrupt("block \(b) spans \(start)..<\(end)") }
        let region = UnsafeRawBufferPointer(rebasing: data[start..<end])
        let base: UInt32 = b == 0 ? 0 : skipLast[b - 1]
        let n = blockSize(b)
        var sum = UInt64(base)
        var zeroDelta = false
        if n >= PatchedBlock.smallestPartialBlock {
            let (afterDocs, last) = try decodeDocIDs(block: b, region, count: n, into: docBuffer)
            if let last { sum = last } else { zeroDelta = true }
            guard let afterFreqs = PatchedBlock.decode(region, at: afterDocs, count: n, into: freqBuffer) else {
                throw corrupt("block \(b) is truncated or malformed")
            }
            consumedEnd = start + afterFreqs
            for i in 0..<n { freqBuffer[i] &+= 1 }
        } else {
            var offset = 0
            for i in 0..<n {
                guard let (d, next) = VarInt.decode32(region, at: offset),
                    let (f, after) = VarInt.decode32(region, at: next)
                else { throw corrupt("tail block \(b) is truncated") }
                zeroDelta = zeroDelta || (d == 0 && (i > 0 || b > 0))
                sum += UInt64(d)
                docBuffer[i] = UInt32(truncatingIfNeeded: sum)
                freqBuffer[i] = f &+ 1
                offset = after
            }
            consumedEnd = start + offset
        }
        if blockCount > 1 && consumedEnd != end {
            throw corrupt("block \(b) decodes to \(consumedEnd - start) bytes, its skip entry says \(end - start)")
        }
        try checkDocIDs(block: b, last: zeroDelta ? nil : sum, docBuffer, count: n)
        block = b
        blockDocs = n
        index = 0
        doc = docBuffer[0]
        shallow = max(shallow, b)
        let relative = blockCount > 1 ? skipPositions[b] : 0
        let (p, overflow) = termInfo.positionsOffset.addingReportingOverflow(relative)
        positionOffset = overflow || p > UInt64(positionData.count) ? positionData.count + 1 : Int(p)
        positionBit = positionOffset << 3
        positionDocIndex = 0
        decodedPositionsFor = -1
    }

    /// Decodes the whole list from the start, checking everything against the term's entry and the skip data
    /// (verify). The cursor must be fresh. - Returns: the counts and where the list's bytes end.
    func verifyList(lengths: FieldLengths) throws -> (postings: UInt64, positions: UInt64, docsEnd: Int, positionsEnd: Int) {
        var postings: UInt64 = 0
        var positionCount: UInt64 = 0
        var maxFreq: UInt32 = 0
        var minLength: UInt32 = .max
        var blockMax: UInt32 = 0
        var blockMin: UInt32 = .max
        var blockWeight = 0.0
        let average = lengths.averageLength
        var positionsEnd = Int(clamping: termInfo.positionsOffset)
        let keep = hasTopScoringDocuments ? Int(owner.topScoring.listLength) : 0
        var top = TopScoringSelector()
        top.reset(capacity: keep, runnersUp: Int(owner.topScoring.runnerUpLength))
        while doc != Self.end {
            let f = freq
            let length = lengths[doc]
            postings += 1
            maxFreq = max(maxFreq, f)
            minLength = min(minLength, length)
            blockMax = max(blockMax, f)
            blockMin = min(blockMin, length)
            let weight = PostingListEncoder.termWeight(tf: f, length: length, averageLength: average)
            blockWeight = max(blockWeight, weight)
            top.add(doc: doc, freq: f, weight: weight)
            if owner.hasPositions {
                let p = try positions()
                positionCount += UInt64(p.count)
                positionsEnd = (positionBit + 7) >> 3
            } else {
                positionCount += UInt64(f)
            }
            let b = block
            try next()
            if blockCount > 1 && (doc == Self.end || block != b) {
                guard skipMaxFreq[b] == blockMax, skipMinLength[b] == blockMin,
                    skipWeightStep[b] == PostingListEncoder.weightStep(for: blockWeight)
                else {
                    throw corrupt("skip entry \(b) block maxima differ from the block")
                }
                blockMax = 0
                blockMin = .max
                blockWeight = 0
                if owner.hasPositions && doc != Self.end && positionOffset != positionsEnd {
                    throw corruptPositions("positions of block \(block) do not start where block \(b)'s end")
                }
            }
        }
        if blockCount > 1 && owner.hasPositions
            && UInt64(positionsEnd) != termInfo.positionsOffset + skipPositions[blockCount]
        {
            throw corruptPositions("positions end at \(positionsEnd), the skip table says they run further or less")
        }
        if hasTopScoringDocuments {
            var expected: [UInt8] = []
            top.encode(into: &expected)
            let stored = UnsafeRawBufferPointer(rebasing: data[Int(termInfo.postingsOffset)..<skipStart])
            guard expected.elementsEqual(stored) else {
                throw corrupt("top-scoring documents differ from the ones the list's postings give")
            }
        }
        guard postings == UInt64(count), positionCount == termInfo.collectionFrequency,
            maxFreq == termInfo.maxFrequency, minLength == termInfo.minFieldLength
        else { throw corrupt("list differs from its dictionary entry (df, cf, max frequency or min length)") }
        return (postings, positionCount, consumedEnd, positionsEnd)
    }

    private func corrupt(_ reason: String) -> CorpusIndexError {
        .corrupt(file: owner.postingsFileName, section: "DOCS", reason: "term \(termInfo.ordinal): \(reason)")
    }

    private func corruptPositions(_ reason: String) -> CorpusIndexError {
        .corrupt(file: owner.positionsFileName, section: "POSS", reason: "term \(termInfo.ordinal): \(reason)")
    }
}
