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
/// Not thread-safe.
struct PostingListEncoder {
    var skip = ByteWriter(capacity: 1024)
    var data = ByteWriter(capacity: 16 * 1024)
    var positions = ByteWriter(capacity: 16 * 1024)
    private var scratch = [UInt32](repeating: 0, count: BitPacking.blockSize)
    private var freqScratch = [UInt32](repeating: 0, count: BitPacking.blockSize)
    /// The skip fields of the list's blocks so far (`PackedSkipTable.fieldCount` per block).
    private var skipFields: [UInt32] = []
    private var positionWriter = BitWriter()
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

    /// The smallest step whose bound is at least `weight` (65535 for anything from 2.2 on).
    static func weightStep(for weight: Double) -> UInt32 {
        guard weight > 0 else { return 0 }
        var q = UInt32(min(Double(weightSteps), (weight * Double(weightSteps) / 2.2).rounded(.up)))
        while q > 0 && Double(weightBound(step: q - 1)) >= weight { q -= 1 }
        while q < weightSteps && Double(weightBound(step: q)) < weight { q += 1 }
        return q
    }

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
    private var documentsInList = 0
    private var blocksInList = 0
    private var previousDoc: UInt32 = 0
    /// Docs in the current (incomplete) block, and its running maxima.
    private var pending = 0
    private var blockMaxFreq: UInt32 = 0
    private var blockMinLength: UInt32 = .max
    private var blockMaxWeight = 0.0
    private var blockPositionsStart: UInt64 = 0
    private var previousBlockLastDoc: UInt32 = 0
    /// Position bytes of this list already taken out of `positions` by `drainPositions`.
    private var positionsDrained: UInt64 = 0
    private var listHasPositions = false

    /// Starts a new posting list (`withPositions`: a text field's, else a keyword field's): empties `skip`,
    /// `data` and `positions`.
    mutating func begin(withPositions: Bool) {
        listHasPositions = withPositions
        skip.removeAll()
        data.removeAll()
        positions.removeAll()
        summary = Summary()
        documentsInList = 0
        blocksInList = 0
        previousDoc = 0
        positionsDrained = 0
        previousBlockLastDoc = 0
        skipFields.removeAll(keepingCapacity: true)
        positionWriter = BitWriter()
        startBlock()
    }

    private mutating func startBlock() {
        pending = 0
        blockMaxFreq = 0
        blockMinLength = .max
        blockMaxWeight = 0
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
        var positionCursor = 0
        if documentsInList == 0 {
            topParameters = TopScoringDocuments.Parameters(documentCount: listHasPositions ? documentCount : 0)
            topScoring.reset(capacity: listHasPositions ? Int(topParameters.listLength) : 0)
        }
        for i in 0..<n {
            let doc = docs[i]
            guard Int(doc) < documentCount, documentsInList == 0 || doc > previousDoc else {
                throw CorpusIndexError.invalidArgument(
                    "\(context()): doc \(doc) at index \(documentsInList) is out of order or >= \(documentCount)")
            }
            let freq = freqs?[i] ?? 1
            guard freq >= 1 else { throw CorpusIndexError.invalidArgument("\(context()): frequency 0") }
            scratch[pending] = doc - previousDoc
            freqScratch[pending] = freq - 1
            previousDoc = doc
            blockMaxFreq = max(blockMaxFreq, freq)
            let length = lengths.isEmpty ? 0 : lengths[Int(doc)]
            blockMinLength = min(blockMinLength, length)
            let weight = Self.termWeight(tf: freq, length: length, averageLength: averageLength)
            blockMaxWeight = max(blockMaxWeight, weight)
            topScoring.add(doc: doc, freq: freq, weight: weight)
            summary.collectionFrequency += UInt64(freq)
            if let input {
                try encodePositions(input, from: positionCursor, count: Int(freq), length: length, context: context())
                positionCursor += Int(freq)
            }
            pending += 1
            documentsInList += 1
            if pending == 128 { finishBlock() }
        }
        if let input, positionCursor != input.count {
            throw CorpusIndexError.invalidArgument(
                "\(context()): \(input.count) positions given, frequencies sum to \(positionCursor)")
        }
    }

    /// Encodes the current block (full or the list's last, partial one) and records its skip entry.
    private mutating func finishBlock() {
        let count = pending
        if listHasPositions { positionWriter.flush(into: &positions.bytes) }
        let blockStart = data.count
        if count == 128 {
            scratch.withUnsafeBufferPointer { PatchedBlock.encode($0.baseAddress!, into: &data.bytes) }
            freqScratch.withUnsafeBufferPointer { PatchedBlock.encode($0.baseAddress!, into: &data.bytes) }
        } else if count >= PatchedBlock.smallestPartialBlock {
            scratch.withUnsafeBufferPointer { PatchedBlock.encode($0.baseAddress!, count: count, into: &data.bytes) }
            freqScratch.withUnsafeBufferPointer {
                PatchedBlock.encode($0.baseAddress!, count: count, into: &data.bytes)
            }
        } else {
            for i in 0..<count {
                data.appendVarInt(UInt64(scratch[i]))
                data.appendVarInt(UInt64(freqScratch[i]))
            }
        }
        // Gathered for every block; packed in `end` if the list has more than one.
        let step = Self.weightStep(for: blockMaxWeight)
        let positionBytes = positionsDrained + UInt64(positions.count) - blockPositionsStart
        skipFields.append(previousDoc - previousBlockLastDoc)
        skipFields.append(UInt32(truncatingIfNeeded: data.count - blockStart))
        skipFields.append(blockMaxFreq - 1)
        skipFields.append(blockMinLength)
        skipFields.append(UInt32(truncatingIfNeeded: positionBytes))
        skipFields.append(step)
        previousBlockLastDoc = previousDoc
        summary.maxWeight = max(summary.maxWeight, Self.weightBound(step: step))
        summary.maxFrequency = max(summary.maxFrequency, blockMaxFreq)
        summary.minFieldLength = min(summary.minFieldLength, blockMinLength)
        blocksInList += 1
        startBlock()
    }

    /// Hands the position bytes encoded so far to `sink` and forgets them (their offsets stay counted), so a long
    /// list's positions need not stay in memory. Call between `append`s; the bytes are the list's, in order.
    mutating func drainPositions(_ sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        guard positions.count > 0 else { return }
        try positions.bytes.withUnsafeBytes { try sink($0) }
        positionsDrained += UInt64(positions.count)
        positions.removeAll()
    }

    /// Ends the list: encodes the last partial block; `skip` and `data` then hold the list's postings bytes and
    /// `positions` its not yet drained position bytes.
    /// - Throws: `.invalidArgument` if the list is empty or its doc data exceed 4 GiB.
    mutating func end(context: @autoclosure () -> String) throws -> Summary {
        guard documentsInList > 0 else { throw CorpusIndexError.invalidArgument("\(context()): empty posting list") }
        if pending > 0 { finishBlock() }
        skip.removeAll()
        if listHasPositions && topParameters.applies(to: documentsInList) { topScoring.encode(into: &skip.bytes) }
        if blocksInList > 1 {
            skipFields.withUnsafeBufferPointer {
                PackedSkipTable.encode($0, entryCount: blocksInList, into: &skip.bytes)
            }
        }
        return summary
    }

    /// Codes the `count` positions of one document (`input[start...]`, strictly increasing, below `length`).
    private mutating func encodePositions(
        _ input: UnsafeBufferPointer<UInt32>, from start: Int, count: Int, length: UInt32,
        context: @autoclosure () -> String
    ) throws {
        guard start + count <= input.count else {
            throw CorpusIndexError.invalidArgument("\(context()): fewer positions than the frequencies need")
        }
        let document = UnsafeBufferPointer(rebasing: input[start..<(start + count)])
        var next: UInt32 = 0
        for p in document {
            guard p >= next, p < length else {
                throw CorpusIndexError.invalidArgument(
                    "\(context()): positions not strictly increasing or not below the field length \(length)")
            }
            next = p + 1
        }
        PositionCoding.encode(document, length: length, into: &positionWriter, out: &positions.bytes)
    }
}
