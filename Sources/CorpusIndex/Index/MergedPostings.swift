/// The complete postings of one term of one field, in document order: what the merge hands the index writers.
///
/// `docs[i]` appears `freqs[i]` times; its positions are the next `freqs[i]` values of `positions` (ascending
/// within the document). The three buffers are raw, manually grown storage reused from term to term: decoding a
/// run's bytes writes straight into them with one capacity check per run (a run's bytes bound the values they
/// hold), not one per value. Owned by one merger; not thread-safe.
final class MergedPostings {
    private(set) var docs: UnsafeMutablePointer<UInt32>
    private(set) var freqs: UnsafeMutablePointer<UInt32>
    private(set) var positions: UnsafeMutablePointer<UInt32>
    private(set) var documentCount = 0
    private(set) var positionCount = 0
    private var documentCapacity = 1024
    private var positionCapacity = 4096

    init() {
        docs = .allocate(capacity: documentCapacity)
        freqs = .allocate(capacity: documentCapacity)
        positions = .allocate(capacity: positionCapacity)
    }

    deinit {
        docs.deallocate()
        freqs.deallocate()
        positions.deallocate()
    }

    var docsBuffer: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(start: docs, count: documentCount) }
    var freqsBuffer: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(start: freqs, count: documentCount) }
    var positionsBuffer: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(start: positions, count: positionCount) }

    /// Empties the buffers; after an exceptionally large term, their memory is given back.
    func removeAll() {
        documentCount = 0
        positionCount = 0
        if positionCapacity > MergedPostings.retainedPositions {
            positions.deallocate()
            positionCapacity = 4096
            positions = .allocate(capacity: positionCapacity)
        }
        if documentCapacity > MergedPostings.retainedPositions / 4 {
            docs.deallocate()
            freqs.deallocate()
            documentCapacity = 1024
            docs = .allocate(capacity: documentCapacity)
            freqs = .allocate(capacity: documentCapacity)
        }
    }

    /// Buffer capacity kept from term to term (4 M positions = 16 MiB).
    static let retainedPositions = 4 << 20

    private func reserve(documents: Int, positions extra: Int) {
        if documentCount + documents > documentCapacity {
            var capacity = documentCapacity
            while capacity < documentCount + documents { capacity *= 2 }
            docs = grow(docs, from: documentCount, to: capacity)
            freqs = grow(freqs, from: documentCount, to: capacity)
            documentCapacity = capacity
        }
        if positionCount + extra > positionCapacity {
            var capacity = positionCapacity
            while capacity < positionCount + extra { capacity *= 2 }
            positions = grow(positions, from: positionCount, to: capacity)
            positionCapacity = capacity
        }
    }

    private func grow(_ old: UnsafeMutablePointer<UInt32>, from count: Int, to capacity: Int) -> UnsafeMutablePointer<UInt32> {
        let fresh = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        fresh.update(from: old, count: count)
        old.deallocate()
        return fresh
    }

    /// Appends one run's posting bytes (ChunkInverter's encoding) with document ids offset by `base`.
    /// - Throws: `CorpusIndexError.corrupt` if the bytes are not a well-formed run list within `documentCount`.
    /// `previousDocument` is the run-relative document before the bytes (-1 at the start of a list; a list
    /// streamed in pieces that end at document boundaries passes each piece with the value the last one left).
    func appendRunPostings(
        _ bytes: UnsafeRawBufferPointer, base: UInt32, documentCount limit: UInt32, file: String,
        previousDocument: inout Int64
    ) throws {
        guard bytes.baseAddress != nil else { return }
        let n = bytes.count
        // Every document takes >= 3 bytes (delta, a position, the terminator); every position >= 1 byte.
        reserve(documents: n / 3 + 1, positions: n)
        let docs = self.docs
        let freqs = self.freqs
        let positions = self.positions
        var d = documentCount
        var q = positionCount
        var i = 0
        var doc = previousDocument
        func corrupt(_ reason: String) -> CorpusIndexError {
            .corrupt(file: file, section: "run postings", reason: reason)
        }
        @inline(__always) func varint() throws -> UInt32 {
            guard let value = RunFile.postingsVarint(bytes, at: &i) else { throw corrupt("bad varint") }
            return value
        }
        while i < n {
            // Document delta (varint, >= 1).
            let delta = try varint()
            doc += Int64(delta)
            guard delta > 0, doc < Int64(limit) else { throw corrupt("document id out of order") }
            docs[d] = base &+ UInt32(truncatingIfNeeded: doc)
            // Positions until the 0 terminator (wrapping arithmetic: position -1 before the first).
            var position = UInt32.max
            let first = q
            while true {
                guard i < n else { throw corrupt("unterminated document") }
                let step = try varint()
                if step == 0 { break }
                position &+= step
                positions[q] = position
                q += 1
            }
            guard q > first else { throw corrupt("document without positions") }
            freqs[d] = UInt32(truncatingIfNeeded: q - first)
            d += 1
        }
        documentCount = d
        positionCount = q
        previousDocument = doc
    }

    /// Appends one run's complete posting list (see above).
    func appendRunPostings(_ bytes: UnsafeRawBufferPointer, base: UInt32, documentCount limit: UInt32, file: String) throws {
        var previous: Int64 = -1
        try appendRunPostings(bytes, base: base, documentCount: limit, file: file, previousDocument: &previous)
    }
}
