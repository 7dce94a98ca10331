/// Encodes one posting list into reusable buffers (docs/FORMAT.md, "Postings" and "Positions"): a packed skip
/// table (lists of more than 128 docs, `PackedSkipTable`), 128-doc blocks of patched (PFor) doc-id deltas and
/// frequencies - 1, the last partial block patched too (VarInt pairs below 4 docs), and per doc block a
/// byte-padded bit stream of each document's positions coded against its field length (`PositionCoding`).
///
/// Each skip entry also holds a bound of the block's BM25 term weight (`termWeight`), its exact maximum rounded up
/// to a step of 2.2 / 65535 (`weightStep(for:)`), computed from the field lengths and their average, so the query
/// engine's block bound is tight and never below a document's weight.
///
/// The buffers are kept between terms, so encoding allocates only when a list is longer than any before it.
/// The doc blocks and positions are written through raw pointers into room reserved once per slice
/// (`RawByteBuffer`, `RawBitWriter`). Not thread-safe.
struct PostingListEncoder {
    var skip = ByteWriter(capacity: 1024)
    let data = RawByteBuffer(capacity: 16 * 1024)
    let positions = RawByteBuffer(capacity: 16 * 1024)
    /// The current block's doc-id deltas and frequencies - 1.
    let block = BlockScratch()
    /// The average field length of the list being encoded (`termWeight`).
    var averageLength = 0.0
    /// The skip fields of the list's blocks so far (`PackedSkipTable.fieldCount` per block).
    private var skipFields: [UInt32] = []
    /// The position bit stream's bits not yet stored (see `RawBitWriter`).
    var positionAccumulator: UInt64 = 0
    var positionPending = 0
    /// A text field's long lists: their top-scoring documents, written in front of the skip table.
    private var topScoring = TopScoringSelector()
    private var topParameters = TopScoringDocuments.Parameters(minimumDocumentFrequency: 0, listLength: 0)

    /// Totals of the last encoded list.
    struct Summary {
        var collectionFrequency: UInt64 = 0
        var maxFrequency: UInt32 = 0
        var minFieldLength: UInt32 = .max
        /// The largest block `maxWeight` (of the whole list).
        var maxWeight: Float = 0
    }

    /// BM25's frequency-and-length factor of a term in one document, without idf (k1 = 1.2, b = 0.75):
    /// `tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / averageLength))`; `averageLength <= 0` counts as 1.
    @inline(__always)
    static func termWeight(tf: UInt32, length: UInt32, averageLength: Double) -> Double {
        let average = averageLength > 0 ? averageLength : 1
        let t = Double(tf)
        return t * 2.2 / (t + 1.2 * 0.25 + (1.2 * 0.75 / average) * Double(length))
    }

    /// The largest weight step: `termWeight` is below 2.2 (= k1 + 1), and step 65535 stands for 2.2.
    static let weightSteps: UInt32 = 65535

    /// `value` as a Float32 no smaller than it (an upper bound survives the narrowing).
    @inline(__always)
    static func floatRoundedUp(_ value: Double) -> Float {
        let f = Float(value)
        return Double(f) < value ? f.nextUp : f
    }

    /// The weight bound that step `q` (0...65535) stands for: `q * 2.2 / 65535` rounded up to Float32.
    @inline(__always)
    static func weightBound(step q: UInt32) -> Float {
        floatRoundedUp(Double(q) * 2.2 / Double(weightSteps))
    }

    /// `weightBound(step:)` of every step, computed once (256 KiB): encoding looks bounds up per block.
    private static let weightBounds: [Float] = (0...weightSteps).map { weightBound(step: $0) }

    /// The smallest step whose bound is at least `weight` (65535 for anything from 2.2 on).
    static func weightStep(for weight: Double) -> UInt32 {
        guard weight > 0 else { return 0 }
        return weightBounds.withUnsafeBufferPointer { bounds in
            var q = UInt32(min(Double(weightSteps), (weight * Double(weightSteps) / 2.2).rounded(.up)))
            while q > 0 && Double(bounds[Int(q - 1)]) >= weight { q -= 1 }
            while q < weightSteps && Double(bounds[Int(q)]) < weight { q += 1 }
            return q
        }
    }

    /// `weightBound(step:)` from the table.
    @inline(__always)
    static func tabulatedWeightBound(step q: UInt32) -> Float { weightBounds.withUnsafeBufferPointer { $0[Int(q)] } }

    /// The bound a skip entry stores for a block whose largest `termWeight` is `value`: never below it, at most
    /// one step (2.2 / 65535) above.
    static func roundedUp(_ value: Double) -> Float { weightBound(step: weightStep(for: value)) }

    /// Encodes `docs` / `freqs` / `positions` (see `FieldIndexWriter.add`). `freqs == nil` means all 1 and no
    /// positions (keyword fields). `lengths` gives per-doc field lengths (empty: 0 for all); `averageLength` is
    /// their average (`FieldLengths.averageLength`) for the skip entries' `maxWeight`.
    /// One-shot form of `begin` / `append` / `end`: same bytes.
    /// - Throws: `.invalidArgument` naming `context` if the input breaks the contract.
    mutating func encode(
        docs: UnsafeBufferPointer<UInt32>, freqs: UnsafeBufferPointer<UInt32>?, positions input: UnsafeBufferPointer<UInt32>?,
        documentCount: Int, lengths: UnsafeBufferPointer<UInt32>, averageLength: Double, context: @autoclosure () -> String
    ) throws -> Summary {
        begin(withPositions: input != nil)
        try append(
            docs: docs, freqs: freqs, positions: input, documentCount: documentCount, lengths: lengths,
            averageLength: averageLength, context: context())
        return try end(context: context())
    }

    // MARK: Incremental encoding

    /// Per-list state of the incremental encoder.
    private var summary = Summary()
    private(set) var documentsInList = 0
    private var blocksInList = 0
    var previousDoc: UInt32 = 0
    /// Docs in the current (incomplete) block, gathered in `block`.
    var pending = 0
    private var blockPositionsStart: UInt64 = 0
    private var previousBlockLastDoc: UInt32 = 0
    /// Position bytes of this list already taken out of `positions` by `drainPositions`.
    private var positionsDrained: UInt64 = 0
    private(set) var listHasPositions = false

    /// Starts a new posting list (`withPositions`: a text field's, else a keyword field's): empties `skip`,
    /// `data` and `positions`.
    mutating func begin(withPositions: Bool) {
        listHasPositions = withPositions
        if skip.count > 0 { skip.removeAll() }
        data.removeAll()
        positions.removeAll()
        summary = Summary()
        documentsInList = 0
        blocksInList = 0
        previousDoc = 0
        positionsDrained = 0
        previousBlockLastDoc = 0
        if !skipFields.isEmpty { skipFields.removeAll(keepingCapacity: true) }
        positionAccumulator = 0
        positionPending = 0
        startBlock()
    }

    private mutating func startBlock() {
        pending = 0
        blockPositionsStart = positionsDrained + UInt64(positions.count)
    }

    /// Appends the next slice of the list (docs continue strictly increasing after the previous slice's last).
    /// `positions` holds exactly the slice's `sum(freqs)` positions. Every complete 128-doc block is encoded at
    /// once; only the current partial block stays in scratch, so a slice may be any size, down to one doc.
    mutating func append(
        docs: UnsafeBufferPointer<UInt32>, freqs: UnsafeBufferPointer<UInt32>?, positions input: UnsafeBufferPointer<UInt32>?,
        documentCount: Int, lengths: UnsafeBufferPointer<UInt32>, averageLength: Double, context: @autoclosure () -> String
    ) throws {
        let n = docs.count
        guard (input != nil) == listHasPositions else {
            throw CorpusIndexError.invalidArgument("\(context()): positions given for a list begun without them or missing")
        }
        if let freqs, freqs.count != n {
            throw CorpusIndexError.invalidArgument("\(context()): \(freqs.count) frequencies for \(n) docs")
        }
        guard input == nil || freqs != nil else {
            throw CorpusIndexError.invalidArgument("\(context()): positions given without frequencies")
        }
        self.averageLength = averageLength
        if documentsInList == 0 { startList(documentCount: documentCount) }
        guard n > 0 else {
            if let input, input.count != 0 {
                throw CorpusIndexError.invalidArgument("\(context()): \(input.count) positions given, frequencies sum to 0")
            }
            return
        }
        let positionBase = input?.baseAddress
        let positionTotal = input?.count ?? 0
        // Room for the slice's position codes (`PositionCoding.maxEncodedBytes` summed, a byte of rounding and
        // one of block padding a doc at most), the bits pending from the previous slice and the writer's slack.
        if positionBase != nil { positions.reserve((34 * positionTotal + 7) / 8 + n + 16 + RawBitWriter.slack) }
        var writer = RawBitWriter(cursor: positions.end, accumulator: positionAccumulator, pending: positionPending)
        defer {
            if positionBase != nil { commitPositions(writer) }
        }
        let deltas = block.deltas
        let frequencies = block.frequencies
        let blockLengths = block.lengths
        let lengthBase = lengths.isEmpty ? nil : lengths.baseAddress
        let freqBase = freqs?.baseAddress
        var positionCursor = 0
        var i = 0
        // The docs up to the end of the current block at a time: first their deltas, frequencies and lengths
        // (checked), then their positions; the block's maxima wait for `finishBlock`.
        while i < n {
            let chunk = min(BitPacking.blockSize - pending, n - i)
            var previous = previousDoc
            var chunkPositions = 0
            for j in 0..<chunk {
                let doc = docs[i &+ j]
                guard Int(doc) < documentCount, documentsInList &+ j == 0 || doc > previous else {
                    throw CorpusIndexError.invalidArgument(
                        "\(context()): doc \(doc) at index \(documentsInList + j) is out of order or >= \(documentCount)")
                }
                let freq = freqBase?[i &+ j] ?? 1
                guard freq >= 1 else { throw CorpusIndexError.invalidArgument("\(context()): frequency 0") }
                deltas[pending &+ j] = doc &- previous
                frequencies[pending &+ j] = freq &- 1
                blockLengths[pending &+ j] = lengthBase?[Int(doc)] ?? 0
                chunkPositions &+= Int(freq)
                previous = doc
            }
            previousDoc = previous
            if let positionBase, let freqBase {
                guard chunkPositions <= positionTotal - positionCursor else {
                    throw CorpusIndexError.invalidArgument("\(context()): fewer positions than the frequencies need")
                }
                let coded = PositionCoding.encodeDocuments(
                    positionBase + positionCursor, frequencies: freqBase + i, lengths: blockLengths + pending,
                    count: chunk, into: &writer)
                guard coded == chunk else {
                    throw CorpusIndexError.invalidArgument(
                        "\(context()): positions not strictly increasing or not below the field length "
                            + "\(blockLengths[pending + coded])")
                }
                positionCursor += chunkPositions
            }
            pending += chunk
            documentsInList += chunk
            i += chunk
            if pending == BitPacking.blockSize {
                if positionBase != nil {
                    writer.flush()
                    commitPositions(writer)
                    writer = RawBitWriter(cursor: positions.end)
                }
                finishBlock()
            }
        }
        if positionBase != nil, positionCursor != positionTotal {
            throw CorpusIndexError.invalidArgument(
                "\(context()): \(positionTotal) positions given, frequencies sum to \(positionCursor)")
        }
    }

    /// Sets up the list's top-scoring selection (before its first documents) for an index of `documentCount`.
    mutating func startList(documentCount: Int) {
        topParameters = TopScoringDocuments.Parameters(documentCount: listHasPositions ? documentCount : 0)
        topScoring.reset(
            capacity: listHasPositions ? Int(topParameters.listLength) : 0,
            runnersUp: Int(topParameters.runnerUpLength),
            gatherUpTo: Int(topParameters.minimumDocumentFrequency))
    }

    /// Counts `count` more documents of the list (appended into `block` by an extension, `pending` kept up to date).
    @inline(__always)
    mutating func countDocuments(_ count: Int) { documentsInList &+= count }

    /// Counts the bytes `writer` stored since `positions.end` and keeps its pending bits.
    @inline(__always)
    mutating func commitPositions(_ writer: RawBitWriter) {
        positions.advance(by: writer.cursor - positions.end)
        positionAccumulator = writer.accumulator
        positionPending = writer.pending
    }

    /// Encodes the current block (full or the list's last, partial one) and records its skip entry; the
    /// block's position bits are already flushed.
    mutating func finishBlock() {
        let count = pending
        let blockStart = data.count
        var maxFreqMinusOne: UInt32 = 0
        var minLength = UInt32.max
        var frequencySum: UInt64 = 0
        var maxWeight = 0.0
        var doc = previousBlockLastDoc
        for j in 0..<count {
            let freqMinusOne = block.frequencies[j]
            let length = block.lengths[j]
            maxFreqMinusOne = max(maxFreqMinusOne, freqMinusOne)
            minLength = min(minLength, length)
            frequencySum &+= UInt64(freqMinusOne)
            let weight = Self.termWeight(tf: freqMinusOne &+ 1, length: length, averageLength: averageLength)
            maxWeight = max(maxWeight, weight)
            doc &+= block.deltas[j]
            topScoring.add(doc: doc, freq: freqMinusOne &+ 1, weight: weight)
        }
        let blockMaxFreq = maxFreqMinusOne &+ 1
        summary.collectionFrequency += frequencySum &+ UInt64(count)
        if count >= PatchedBlock.smallestPartialBlock {
            data.reserve(PatchedBlock.maxEncodedSize + PatchedBlock.encodingRoom)
            var written = PatchedBlock.encode(block.deltas, count: count, to: data.end)
            // The doc ids as a bitmap instead when that takes no more bytes (dense blocks: common terms).
            let span = blocksInList == 0 ? previousDoc &+ 1 : previousDoc &- previousBlockLastDoc
            if DenseDocBlock.byteCount(span: span) <= written {
                written = DenseDocBlock.encode(
                    deltas: block.deltas, count: count, offset: blocksInList == 0 ? 0 : 1, to: data.end)
            }
            written += PatchedBlock.encode(block.frequencies, count: count, to: data.end + written)
            data.advance(by: written)
        } else {
            for i in 0..<count {
                data.appendVarInt(UInt64(block.deltas[i]))
                data.appendVarInt(UInt64(block.frequencies[i]))
            }
        }
        // Gathered for every block; packed in `end` if the list has more than one.
        let step = Self.weightStep(for: maxWeight)
        let positionBytes = positionsDrained + UInt64(positions.count) - blockPositionsStart
        skipFields.append(previousDoc - previousBlockLastDoc)
        skipFields.append(UInt32(truncatingIfNeeded: data.count - blockStart))
        skipFields.append(blockMaxFreq - 1)
        skipFields.append(minLength)
        skipFields.append(UInt32(truncatingIfNeeded: positionBytes))
        skipFields.append(step)
        previousBlockLastDoc = previousDoc
        summary.maxWeight = max(summary.maxWeight, Self.tabulatedWeightBound(step: step))
        summary.maxFrequency = max(summary.maxFrequency, blockMaxFreq)
        summary.minFieldLength = min(summary.minFieldLength, minLength)
        blocksInList += 1
        startBlock()
    }

    /// Hands the position bytes encoded so far to `sink` and forgets them (their offsets stay counted), so a long
    /// list's positions need not stay in memory. Call between `append`s; the bytes are the list's, in order.
    mutating func drainPositions(_ sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        guard positions.count > 0 else { return }
        try sink(positions.bytes)
        positionsDrained += UInt64(positions.count)
        positions.removeAll()
    }

    /// Ends the list: encodes the last partial block; `skip` and `data` then hold the list's postings bytes and
    /// `positions` its not yet drained position bytes.
    /// - Throws: `.invalidArgument` if the list is empty or its doc data exceed 4 GiB.
    mutating func end(context: @autoclosure () -> String) throws -> Summary {
        guard documentsInList > 0 else { throw CorpusIndexError.invalidArgument("\(context()): empty posting list") }
        if pending > 0 {
            if listHasPositions {
                positions.reserve(8 + RawBitWriter.slack)
                var writer = RawBitWriter(cursor: positions.end, accumulator: positionAccumulator, pending: positionPending)
                writer.flush()
                commitPositions(writer)
            }
            finishBlock()
        }
        if skip.count > 0 { skip.removeAll() }
        if listHasPositions && topParameters.applies(to: documentsInList) { topScoring.encode(into: &skip.bytes) }
        if blocksInList > 1 {
            skipFields.withUnsafeBufferPointer {
                PackedSkipTable.encode($0, entryCount: blocksInList, into: &skip.bytes)
            }
        }
        return summary
    }
}

/// The doc-id deltas, frequencies - 1 and field lengths of the block being gathered (128 each), in memory the
/// encoder writes with no copy-on-write checks. Owned by one encoder.
final class BlockScratch {
    let deltas = UnsafeMutablePointer<UInt32>.allocate(capacity: BitPacking.blockSize)
    let frequencies = UnsafeMutablePointer<UInt32>.allocate(capacity: BitPacking.blockSize)
    let lengths = UnsafeMutablePointer<UInt32>.allocate(capacity: BitPacking.blockSize)

    init() {
        for buffer in [deltas, frequencies, lengths] { buffer.initialize(repeating: 0, count: BitPacking.blockSize) }
    }

    deinit {
        for buffer in [deltas, frequencies, lengths] { buffer.deallocate() }
    }
}
