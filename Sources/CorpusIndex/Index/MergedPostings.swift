/// The complete postings of one term of one field, in document order: what the merge hands the index writers.
///
/// `docs[i]` appears `freqs[i]` times; its positions are the next `freqs[i]` values of `positions` (ascending
/// within the document). Buffers are reused from term to term (cleared, capacity kept). Not thread-safe.
public struct MergedPostings: Sendable {
    public var docs: [UInt32] = []
    public var freqs: [UInt32] = []
    public var positions: [UInt32] = []

    public init() {}

    mutating func removeAll() {
        docs.removeAll(keepingCapacity: true)
        freqs.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
    }

    /// Appends one run's posting bytes (ChunkInverter's encoding) with document ids offset by `base`.
    /// - Throws: `CorpusIndexError.corrupt` if the bytes are not a well-formed run list within `documentCount`.
    mutating func appendRunPostings(
        _ bytes: UnsafeRawBufferPointer, base: UInt32, documentCount: UInt32, file: String
    ) throws {
        guard let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let n = bytes.count
        var i = 0
        var doc: Int64 = -1
        @inline(__always) func varint() throws -> UInt32 {
            var result: UInt32 = 0
            var shift: UInt32 = 0
            while true {
                guard i < n, shift < 35 else {
                    throw CorpusIndexError.corrupt(file: file, section: "run postings", reason: "bad varint")
                }
                let b = p[i]
                i += 1
                result |= UInt32(b & 0x7F) << shift
                if b < 0x80 { return result }
                shift += 7
            }
        }
        while i < n {
            let delta = try varint()
            doc += Int64(delta)
            guard delta > 0, doc < Int64(documentCount) else {
                throw CorpusIndexError.corrupt(file: file, section: "run postings", reason: "document id out of order")
            }
            docs.append(base + UInt32(doc))
            var position: Int64 = -1
            var count: UInt32 = 0
            while true {
                let step = try varint()
                if step == 0 { break }
                position += Int64(step)
                positions.append(UInt32(truncatingIfNeeded: position))
                count += 1
            }
            guard count > 0 else {
                throw CorpusIndexError.corrupt(file: file, section: "run postings", reason: "document without positions")
            }
            freqs.append(count)
        }
    }
}
