/// Iterates one posting list in doc-id order, skipping whole 128-doc blocks via the skip data
/// (docs/FORMAT.md, "Postings").
///
/// The cursor starts on the list's first document. `doc` is the current document or `PostingCursor.end` once
/// exhausted. Frequencies come with the doc block; positions are decoded only when `positions()` is called.
/// For block-max WAND, `shallowAdvance(to:)` moves only the skip pointer and `blockMaxFreq`,
/// `blockMinFieldLength` and `blockLastDoc` describe the block under it (the block of the current doc until the
/// first shallow move). A list of at most 128 docs is one block whose bounds are the term's.
///
/// A cursor makes one allocation (128 doc ids, 128 frequencies, one decoded 128-position chunk and room for 16
/// positions; a longer position list gets
/// its own buffer) and keeps the mapped files alive. Not thread-safe: one cursor per thread. Every block is checked as it is decoded (offsets inside
/// the file, doc ids increasing and below the document count, the last doc equal to the skip entry's); bad bytes
/// throw `.corrupt` naming the postings file, and a cursor that threw is spent.
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
    private let documentCount: UInt64
    private let count: Int
    private let blockCount: Int
    private let skipStart: Int
    private let dataStart: Int
    private let docBuffer: UnsafeMutablePointer<UInt32>
    private let freqBuffer: UnsafeMutablePointer<UInt32>
    private let chunkBuffer: UnsafeMutablePointer<UInt32>
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
    // Positions of the current doc block: a stream of patched 128-value chunks and a VarInt tail starting at
    // `positionOffset`. `positionsBefore` positions belong to the docs before `positionDocIndex`; chunk
    // `chunkIndex` (bytes `chunkStart..<chunkEnd`) is decoded in `chunkBuffer`.
    @exclusivity(unchecked) private var positionsBefore = 0
    @exclusivity(unchecked) private var blockPositionTotal = -1
    @exclusivity(unchecked) private var chunkIndex = -1
    @exclusivity(unchecked) private var chunkEnd = 0
    @exclusivity(unchecked) private var cachedTermMaxWeight: Float = -1

    init(owner: FieldIndexReader, termInfo: TermInfo, data: UnsafeRawBufferPointer, positions: UnsafeRawBufferPointer)
        throws
    {
        self.owner = owner
        self.termInfo = termInfo
        self.data = data
        positionData = positions
        documentCount = UInt64(owner.documentCount)
        count = Int(termInfo.documentFrequency)
        blockCount = (count + 127) / 128
        // One allocation: 128 doc ids, 128 frequencies and the first 16 positions.
        docBuffer = .allocate(capacity: 384 + 16)
        freqBuffer = docBuffer + 128
        chunkBuffer = docBuffer + 256
        positionBuffer = docBuffer + 384
        guard count > 0, termInfo.postingsOffset <= UInt64(data.count) else {
            skipStart = 0
            dataStart = 0
            throw CorpusIndexError.corrupt(
                file: owner.postingsFileName, section: "DOCS",
                reason: "term \(termInfo.ordinal): postings offset \(termInfo.postingsOffset) outside the section")
        }
        skipStart = Int(termInfo.postingsOffset)
        dataStart = skipStart + (blockCount > 1 ? PostingListEncoder.skipEntrySize * blockCount : 0)
        guard dataStart <= data.count else {
            throw corrupt("skip table of \(blockCount) blocks runs past the section")
        }
        try decode(block: 0)
    }

    deinit {
        if positionBuffer != docBuffer + 384 { positionBuffer.deallocate() }
        docBuffer.deallocate()
    }

    /// The number of documents in the list.
    public var documentFrequency: Int { count }

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
            while b < blockCount && skipLastDoc(b) < target { b += 1 }
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
        guard doc != Self.end else { return doc }
        var i = index + 1
        while true {
            while i < blockDocs {
                if freqBuffer[i] >= minimum || docBuffer[i] > limit {
                    index = i
                    doc = docBuffer[i]
                    return doc
                }
                i += 1
            }
            guard block + 1 < blockCount else {
                index = blockDocs
                doc = Self.end
                return doc
            }
            try decode(block: block + 1)
            if freqBuffer[0] >= minimum || doc > limit { return doc }
            i = 1
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
            if blockPositionTotal < 0 { try startBlockPositions() }
            var first = positionsBefore
            for k in positionDocIndex..<index { first += Int(freqBuffer[k]) }
            let freq = Int(freqBuffer[index])
            if freq > positionCapacity {
                if positionBuffer != docBuffer + 384 { positionBuffer.deallocate() }
                positionCapacity = max(freq, positionCapacity * 2)
                positionBuffer = .allocate(capacity: positionCapacity)
            }
            var sum: UInt64 = 0
            for k in 0..<freq {
                let p = first + k
                if p >> 7 != chunkIndex { try loadChunk(p >> 7) }
                let delta = chunkBuffer[p & 127]
                guard k == 0 || delta > 0 else { throw corruptPositions("position \(k) of doc \(doc) repeats") }
                sum += UInt64(delta)
                positionBuffer[k] = UInt32(truncatingIfNeeded: sum)
            }
            guard sum <= UInt64(UInt32.max) else { throw corruptPositions("position overflows 32 bits") }
            positionsBefore = first + freq
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
            while shallow < blockCount && skipLastDoc(shallow) < target { shallow += 1 }
        }
        return blockLastDoc
    }

    /// The largest frequency in the block under the skip pointer (0 past the last block).
    public var blockMaxFreq: UInt32 {
        guard shallow < blockCount else { return 0 }
        return blockCount == 1 ? termInfo.maxFrequency : skipField(shallow, 8)
    }

    /// The smallest field length in the block under the skip pointer.
    public var blockMinFieldLength: UInt32 {
        guard shallow < blockCount else { return .max }
        return blockCount == 1 ? termInfo.minFieldLength : skipField(shallow, 12)
    }

    /// The block under the skip pointer's exact maximum of BM25's frequency-and-length factor (no idf; rounded
    /// up to Float32; `PostingListEncoder.termWeight`), 0 past the last block. A single-block list has no skip
    /// entry: its bound comes from the term's largest frequency and smallest length.
    public var blockMaxWeight: Float {
        guard shallow < blockCount else { return 0 }
        return blockCount == 1 ? termMaxWeight : Float(bitPattern: skipField(shallow, 24))
    }

    /// An upper bound of BM25's frequency-and-length factor over the whole list: the largest block `maxWeight`
    /// (read from the skip table on first use), or for a single-block list the factor at the term's largest
    /// frequency and smallest length.
    public var termMaxWeight: Float {
        if cachedTermMaxWeight < 0 {
            if blockCount == 1 {
                cachedTermMaxWeight = PostingListEncoder.roundedUp(PostingListEncoder.termWeight(
                    tf: termInfo.maxFrequency, length: termInfo.minFieldLength, averageLength: owner.averageFieldLength))
            } else {
                var m: Float = 0
                for b in 0..<blockCount { m = max(m, Float(bitPattern: skipField(b, 24))) }
                cachedTermMaxWeight = m
            }
        }
        return cachedTermMaxWeight
    }

    /// The last doc id of the block under the skip pointer (`end` past the last block).
    public var blockLastDoc: UInt32 {
        guard shallow < blockCount else { return Self.end }
        return blockCount == 1 ? docBuffer[blockDocs - 1] : skipLastDoc(shallow)
    }

    // MARK: - Decoding

    @inline(__always) private func skipField(_ b: Int, _ field: Int) -> UInt32 {
        UInt32(littleEndian: data.loadUnaligned(fromByteOffset: skipStart + b * PostingListEncoder.skipEntrySize + field, as: UInt32.self))
    }
    @inline(__always) private func skipLastDoc(_ b: Int) -> UInt32 { skipField(b, 0) }

    private func decode(block b: Int) throws {
        let start = b == 0 ? dataStart : dataStart + Int(skipField(b - 1, 4))
        let end = blockCount > 1 ? dataStart + Int(skipField(b, 4)) : data.count
        guard start <= end, end <= data.count else { throw corrupt("block \(b) spans \(start)..<\(end)") }
        let region = UnsafeRawBufferPointer(rebasing: data[start..<end])
        let base: UInt32 = b == 0 ? 0 : skipLastDoc(b - 1)
        let n = b < blockCount - 1 ? 128 : count - 128 * (blockCount - 1)
        var sum = UInt64(base)
        var zeroDelta = false
        if n >= PatchedBlock.smallestPartialBlock {
            guard let afterDocs = PatchedBlock.decode(region, at: 0, count: n, into: docBuffer),
                let afterFreqs = PatchedBlock.decode(region, at: afterDocs, count: n, into: freqBuffer)
            else { throw corrupt("block \(b) is truncated or malformed") }
            consumedEnd = start + afterFreqs
            for i in 0..<n {
                let d = docBuffer[i]
                zeroDelta = zeroDelta || (d == 0 && (i > 0 || b > 0))
                sum &+= UInt64(d)
                docBuffer[i] = UInt32(truncatingIfNeeded: sum)
                freqBuffer[i] &+= 1
            }
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
        guard !zeroDelta, sum < documentCount else {
            throw corrupt("block \(b): doc ids not increasing or not below \(documentCount)")
        }
        if blockCount > 1 && docBuffer[n - 1] != skipLastDoc(b) {
            throw corrupt("block \(b) ends at doc \(docBuffer[n - 1]), its skip entry says \(skipLastDoc(b))")
        }
        block = b
        blockDocs = n
        index = 0
        doc = docBuffer[0]
        shallow = max(shallow, b)
        let relative = blockCount > 1
            ? data.loadUnaligned(fromByteOffset: skipStart + b * PostingListEncoder.skipEntrySize + 16, as: UInt64.self) : 0
        let (p, overflow) = termInfo.positionsOffset.addingReportingOverflow(UInt64(littleEndian: relative))
        positionOffset = overflow || p > UInt64(positionData.count) ? positionData.count + 1 : Int(p)
        positionDocIndex = 0
        decodedPositionsFor = -1
        positionsBefore = 0
        blockPositionTotal = -1
        chunkIndex = -1
        chunkEnd = positionOffset
    }

    /// Sums the block's frequencies (its position count) and checks it against the bytes left: every position but
    /// a document's first is a delta of at least 1 and takes at least one bit, so a larger count is corrupt (and
    /// must not be allocated for).
    private func startBlockPositions() throws {
        var total = 0
        for k in 0..<blockDocs { total += Int(freqBuffer[k]) }
        guard positionOffset <= positionData.count, total - blockDocs <= 8 * (positionData.count - positionOffset) else {
            throw corruptPositions("block \(block): \(total) positions do not fit in the section")
        }
        blockPositionTotal = total
    }

    /// Decodes chunk `k` (after the current one) of the block's positions into `chunkBuffer`, skipping the
    /// chunks in between by their headers.
    private func loadChunk(_ k: Int) throws {
        var at = chunkEnd
        var c = chunkIndex + 1
        let fullChunks = blockPositionTotal >> 7
        while c < k {
            guard let size = PatchedBlock.encodedSize(positionData, at: at) else {
                throw corruptPositions("block \(block): positions chunk \(c) is malformed")
            }
            at += size
            c += 1
        }
        if k < fullChunks {
            guard let end = PatchedBlock.decode(positionData, at: at, into: chunkBuffer) else {
                throw corruptPositions("block \(block): positions chunk \(k) is malformed")
            }
            chunkEnd = end
        } else if blockPositionTotal & 127 >= PatchedBlock.smallestPartialBlock {
            let rest = blockPositionTotal & 127
            guard let end = PatchedBlock.decode(positionData, at: at, count: rest, into: chunkBuffer) else {
                throw corruptPositions("block \(block): last positions chunk is malformed")
            }
            chunkEnd = end
        } else {
            for i in 0..<(blockPositionTotal & 127) {
                guard let (delta, next) = VarInt.decode32(positionData, at: at) else {
                    throw corruptPositions("block \(block): positions tail is truncated")
                }
                chunkBuffer[i] = delta
                at = next
            }
            chunkEnd = at
        }
        chunkIndex = k
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
        while doc != Self.end {
            let f = freq
            let length = lengths[doc]
            postings += 1
            maxFreq = max(maxFreq, f)
            minLength = min(minLength, length)
            blockMax = max(blockMax, f)
            blockMin = min(blockMin, length)
            blockWeight = max(blockWeight, PostingListEncoder.termWeight(tf: f, length: length, averageLength: average))
            if owner.hasPositions {
                let p = try positions()
                positionCount += UInt64(p.count)
                positionsEnd = chunkEnd
            } else {
                positionCount += UInt64(f)
            }
            let b = block
            try next()
            if blockCount > 1 && (doc == Self.end || block != b) {
                guard skipField(b, 8) == blockMax, skipField(b, 12) == blockMin,
                    skipField(b, 24) == PostingListEncoder.roundedUp(blockWeight).bitPattern
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
