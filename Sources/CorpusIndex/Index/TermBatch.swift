/// A batch of merged terms with their postings, flattened into a few reusable arrays, handed from the merging
/// thread to the writing thread (see `MergePipeline`).
///
/// Term `i` has key bytes `keys[keyEnds[i-1]..<keyEnds[i]]` (field ordinal byte first), documents
/// `docs[docEnds[i-1]..<docEnds[i]]` with their `freqs`, and positions `positions[positionEnds[i-1]..<
/// positionEnds[i]]`; `slices[i]` says whether it is a whole term or which slice of one. Owned by one thread at a time (the queue hands it over).
final class TermBatch {
    var keys: [UInt8] = []
    var keyEnds: [Int] = []
    var docs: [UInt32] = []
    var freqs: [UInt32] = []
    var docEnds: [Int] = []
    var positions: [UInt32] = []
    var positionEnds: [Int] = []
    var slices: [TermSlice] = []

    var count: Int { keyEnds.count }
    /// Approximate bytes held, for the batch size limit.
    var byteCount: Int { keys.count + 8 * docs.count + 4 * positions.count }

    /// Empties the batch, keeping its capacity unless it grew past `2 × limit` bytes (a batch that held one
    /// very large term gives that memory back).
    func removeAll(limit: Int) {
        let keep = byteCount <= 2 * limit
        keys.removeAll(keepingCapacity: keep)
        keyEnds.removeAll(keepingCapacity: keep)
        docs.removeAll(keepingCapacity: keep)
        freqs.removeAll(keepingCapacity: keep)
        docEnds.removeAll(keepingCapacity: keep)
        positions.removeAll(keepingCapacity: keep)
        positionEnds.removeAll(keepingCapacity: keep)
        slices.removeAll(keepingCapacity: keep)
    }

    func append(key: UnsafeRawBufferPointer, postings: MergedPostings, slice: TermSlice) {
        slices.append(slice)
        keys.append(contentsOf: key)
        keyEnds.append(keys.count)
        docs.append(contentsOf: postings.docsBuffer)
        freqs.append(contentsOf: postings.freqsBuffer)
        docEnds.append(docs.count)
        positions.append(contentsOf: postings.positionsBuffer)
        positionEnds.append(positions.count)
    }

    /// Calls `body` for each term (or term slice) in order with its key, postings and slice flags.
    func forEach(_ body: MergePipeline.Consumer) throws {
        try keys.withUnsafeBytes { k in
            try docs.withUnsafeBufferPointer { d in
                try freqs.withUnsafeBufferPointer { f in
                    try positions.withUnsafeBufferPointer { p in
                        var keyStart = 0
                        var docStart = 0
                        var positionStart = 0
                        for i in 0..<count {
                            try body(
                                UnsafeRawBufferPointer(rebasing: k[keyStart..<keyEnds[i]]),
                                UnsafeBufferPointer(rebasing: d[docStart..<docEnds[i]]),
                                UnsafeBufferPointer(rebasing: f[docStart..<docEnds[i]]),
                                UnsafeBufferPointer(rebasing: p[positionStart..<positionEnds[i]]), slices[i])
                            keyStart = keyEnds[i]
                            docStart = docEnds[i]
                            positionStart = positionEnds[i]
                        }
                    }
                }
            }
        }
    }
}
