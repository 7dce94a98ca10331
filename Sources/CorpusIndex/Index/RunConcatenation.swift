/// An intermediate merge pass: joins runs that cover consecutive document ranges into one bigger run, so the
/// final merge never opens more than a bounded number of runs (Lucene's `TieredMergePolicy` fan-in, PISA's
/// multi-pass `merge`).
///
/// Because the runs' documents are consecutive, joining is concatenation per key: each run's posting bytes are
/// copied verbatim except the first document delta, rebased on the previous run's last document. Nothing is
/// decoded into arrays, so memory is the readers' buffers whatever the terms' sizes.
enum RunConcatenation {
    /// Writes the runs `readers` (rank order, documents consecutive from `readers[0].documentBase`) as one run at
    /// `path`, covering `documentCount` documents. Returns the file's size.
    /// - Throws: `.corrupt` if a run's postings are malformed, `.io` on a write error.
    static func concatenate(_ readers: [RunReader], documentCount: Int, into path: String) throws -> Int {
        guard let base = readers.first?.documentBase else {
            return try RunWriter(path: path).finish(documentCount: documentCount)
        }
        let writer = try RunWriter(path: path)
        let merger = RunMerger(readers: readers)
        var pieces: [(firstDelta: UInt64, headerLength: Int)] = []
        try merger.forEachKey(buckets: 0..<RunFile.bucketCount) { key, group in
            pieces.removeAll(keepingCapacity: true)
            var lastDoc: Int64 = -1
            var length = 0
            for reader in group {
                let offset = Int64(reader.documentBase - base)
                let scan = try scanPostings(of: reader)
                guard scan.lastDoc < Int64(reader.documentCount) else {
                    throw CorpusIndexError.corrupt(file: reader.path, section: "run postings", reason: "document id out of range")
                }
                let firstDoc = offset + scan.firstDoc
                let delta = UInt64(firstDoc - lastDoc)
                pieces.append((delta, scan.firstDeltaLength))
                length += varintLength(delta) + reader.postingsLength - scan.firstDeltaLength
                lastDoc = offset + scan.lastDoc
            }
            try writer.beginEntry(key: key, postingsLength: length)
            for (reader, piece) in zip(group, pieces) {
                try writer.out.appendVarint(piece.firstDelta)
                var skip = piece.headerLength
                try reader.forEachPostingsPiece { bytes in
                    try writer.out.append(UnsafeRawBufferPointer(rebasing: bytes[skip...]))
                    skip = 0
                }
            }
        }
        return try writer.finish(documentCount: documentCount)
    }

    @inline(__always)
    static func varintLength(_ value: UInt64) -> Int {
        var n = 1
        var v = value >> 7
        while v != 0 { n += 1; v >>= 7 }
        return n
    }

    /// The first and last document (relative to the run) of a run entry's postings and the first delta's byte
    /// length; checks the structure (see `MergedPostings.appendRunPostings`) without storing anything.
    static func scanPostings(of reader: RunReader) throws -> (firstDoc: Int64, lastDoc: Int64, firstDeltaLength: Int) {
        var first: (doc: Int64, deltaLength: Int)? = nil
        var last: Int64 = -1
        try reader.forEachPostingsPiece { piece in
            let scan = try scanPostings(piece, file: reader.path, previousDocument: last)
            if first == nil { first = (scan.firstDoc, scan.firstDeltaLength) }
            last = scan.lastDoc
        }
        guard let first else { throw CorpusIndexError.corrupt(file: reader.path, section: "run postings", reason: "empty postings") }
        return (first.doc, last, first.deltaLength)
    }

    /// The scan of one list, or of one piece of a list that ends at a document boundary (`previousDocument`: the
    /// document before it, -1 at the start).
    static func scanPostings(
        _ bytes: UnsafeRawBufferPointer, file: String, previousDocument: Int64 = -1
    ) throws -> (firstDoc: Int64, lastDoc: Int64, firstDeltaLength: Int) {
        func corrupt(_ reason: String) -> CorpusIndexError {
            .corrupt(file: file, section: "run postings", reason: reason)
        }
        let n = bytes.count
        var i = 0
        func varint() throws -> UInt32 {
            guard let (value, next) = VarInt.decode32(bytes, at: i) else { throw corrupt("bad varint") }
            i = next
            return value
        }
        var doc = previousDocument
        var firstDoc: Int64 = -1
        var firstDeltaLength = 0
        while i < n {
            let delta = try varint()
            guard delta > 0 else { throw corrupt("document id out of order") }
            if firstDoc < 0 { firstDeltaLength = i }
            doc += Int64(delta)
            if firstDoc < 0 { firstDoc = doc }
            var positions = 0
            while try varint() != 0 { positions += 1 }
            guard positions > 0 else { throw corrupt("document without positions") }
        }
        guard firstDoc >= 0 else { throw corrupt("empty postings") }
        return (firstDoc, doc, firstDeltaLength)
    }
}
