/// Encodes one posting list into reusable buffers (docs/FORMAT.md, "Postings" and "Positions"): a skip table
/// (lists of more than 128 docs), 128-doc blocks of patched (PFor) doc-id deltas and frequencies - 1, the last
/// partial block patched too (VarInt pairs below 4 docs), and per doc block a positions stream (position deltas within each
/// document, cut into patched 128-value blocks and a VarInt tail).
///
/// Each skip entry also holds the block's exact BM25 term-weight maximum (`maxWeight`, see `termWeight`), computed
/// from the field lengths and their average, so the query engine's block bound is tight.
///
/// The buffers are kept between terms, so encoding allocates only when a list is longer than any before it.
/// Not thread-safe.
struct PostingListEncoder {
    static let skipEntrySize = 28
    var skip = ByteWriter(capacity: 1024)
    var data = ByteWriter(capacity: 16 * 1024)
    var positions = ByteWriter(capacity: 16 * 1024)
    private var scratch = [UInt32](repeating: 0, count: BitPacking.blockSize)
    private var freqScratch = [UInt32](repeating: 0, count: BitPacking.blockSize)
    private var positionScratch: [UInt32] = []

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

    /// `value` as a Float32 no smaller than it (an upper bound survives the narrowing).
    @inline(__always)
    static func roundedUp(_ value: Double) -> Float {
        let f = Float(value)
        return Double(f) < value ? f.nextUp : f
    }

    /// Encodes `docs` / `freqs` / `positions` (see `FieldIndexWriter.add`). `freqs == nil` means all 1 and no
    /// positions (keyword fields). `lengths` gives per-doc field lengths (empty: 0 for all); `averageLength` is
    /// their average (`FieldLengths.averageLength`) for the skip entries' `maxWeight`.
    /// - Throws: `.invalidArgument` naming `context` if the input breaks the contract.
    mutating func encode(
        docs: UnsafeBufferPointer<UInt32>, freqs: UnsafeBufferPointer<UInt32>?, positions input: UnsafeBufferPointer<UInt32>?,
        documentCount: Int, lengths: UnsafeBufferPointer<UInt32>, averageLength: Double, context: @autoclosure () -> String
    ) throws -> Summary {
        skip.removeAll()
        data.removeAll()
        positions.removeAll()
        let n = docs.count
        guard n > 0 else { throw CorpusIndexError.invalidArgument("\(context()): empty posting list") }
        if let freqs, freqs.count != n {
            throw CorpusIndexError.invalidArgument("\(context()): \(freqs.count) frequencies for \(n) docs")
        }
        var summary = Summary()
        let blockCount = (n + 127) / 128
        var previousDoc: UInt32 = 0
        var positionCursor = 0
        for b in 0..<blockCount {
            let start = b * 128
            let count = min(128, n - start)
            var maxFreq: UInt32 = 0
            var minLength: UInt32 = .max
            var maxWeight = 0.0
            let positionsStart = UInt64(positions.count)
            positionScratch.removeAll(keepingCapacity: true)
            for i in 0..<count {
                let doc = docs[start + i]
                guard Int(doc) < documentCount, start + i == 0 || doc > previousDoc else {
                    throw CorpusIndexError.invalidArgument(
                        "\(context()): doc \(doc) at index \(start + i) is out of order or >= \(documentCount)")
                }
                let freq = freqs?[start + i] ?? 1
                guard freq >= 1 else { throw CorpusIndexError.invalidArgument("\(context()): frequency 0") }
                scratch[i] = doc - previousDoc
                freqScratch[i] = freq - 1
                previousDoc = doc
                maxFreq = max(maxFreq, freq)
                let length = lengths.isEmpty ? 0 : lengths[Int(doc)]
                minLength = min(minLength, length)
                maxWeight = max(maxWeight, Self.termWeight(tf: freq, length: length, averageLength: averageLength))
                summary.collectionFrequency += UInt64(freq)
                if let input {
                    try encodePositions(input, from: positionCursor, count: Int(freq), context: context())
                    positionCursor += Int(freq)
                }
            }
            if input != nil {
                positionScratch.withUnsafeBufferPointer { PatchedBlock.encodeStream($0, into: &positions.bytes) }
            }
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
            if blockCount > 1 {
                skip.append(previousDoc)
                skip.append(UInt32(data.count))
                skip.append(maxFreq)
                skip.append(minLength)
                skip.append(positionsStart)
                skip.append(Self.roundedUp(maxWeight).bitPattern)
            }
            summary.maxWeight = max(summary.maxWeight, Self.roundedUp(maxWeight))
            summary.maxFrequency = max(summary.maxFrequency, maxFreq)
            summary.minFieldLength = min(summary.minFieldLength, minLength)
        }
        if let input, positionCursor != input.count {
            throw CorpusIndexError.invalidArgument(
                "\(context()): \(input.count) positions given, frequencies sum to \(positionCursor)")
        }
        if data.count > Int(UInt32.max) {
            throw CorpusIndexError.invalidArgument("\(context()): posting list over 4 GiB")
        }
        return summary
    }

    private mutating func encodePositions(
        _ input: UnsafeBufferPointer<UInt32>, from start: Int, count: Int, context: @autoclosure () -> String
    ) throws {
        guard start + count <= input.count else {
            throw CorpusIndexError.invalidArgument("\(context()): fewer positions than the frequencies need")
        }
        var previous: UInt32 = 0
        for k in 0..<count {
            let p = input[start + k]
            guard k == 0 || p > previous else {
                throw CorpusIndexError.invalidArgument("\(context()): positions not strictly increasing")
            }
            positionScratch.append(p - previous)
            previous = p
        }
    }
}
