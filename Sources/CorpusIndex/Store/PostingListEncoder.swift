/// Encodes one posting list into reusable buffers (docs/FORMAT.md, "Postings" and "Positions"): a skip table
/// (lists of more than 128 docs), full 128-doc blocks of patched (PFor) doc-id deltas and frequencies - 1, a
/// VarInt tail for the last partial block, and per doc block a positions stream (position deltas within each
/// document, cut into patched 128-value blocks and a VarInt tail).
///
/// The buffers are kept between terms, so encoding allocates only when a list is longer than any before it.
/// Not thread-safe.
struct PostingListEncoder {
    static let skipEntrySize = 24
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
    }

    /// Encodes `docs` / `freqs` / `positions` (see `FieldIndexWriter.add`). `freqs == nil` means all 1 and no
    /// positions (keyword fields). `lengths` gives per-doc field lengths (empty: 0 for all).
    /// - Throws: `.invalidArgument` naming `context` if the input breaks the contract.
    mutating func encode(
        docs: UnsafeBufferPointer<UInt32>, freqs: UnsafeBufferPointer<UInt32>?, positions input: UnsafeBufferPointer<UInt32>?,
        documentCount: Int, lengths: UnsafeBufferPointer<UInt32>, context: @autoclosure () -> String
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
                minLength = min(minLength, lengths.isEmpty ? 0 : lengths[Int(doc)])
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
            }
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
