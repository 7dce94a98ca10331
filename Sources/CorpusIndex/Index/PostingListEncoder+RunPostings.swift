/// The merge's path from a sorted run's postings bytes straight into a posting list's encoding.
///
/// A run holds each term's postings in the inverter's byte encoding (see `ChunkInverter`): per document
/// `varint(doc - previousDoc)` (previous -1 at the start of the list), one `varint(position - previousPosition)`
/// per occurrence (previous -1), then a `0` byte. Decoding that into doc, frequency and position arrays and then
/// re-reading the arrays to encode them did the work twice; here one pass decodes a document and encodes it into
/// the current 128-doc block. A position step `s` is exactly the Rice code's gap plus one (the code stores
/// `g_0 = p_0` and `g_i = p_i - p_{i-1} - 1`, see `PositionCoding`), so positions are re-coded from the steps,
/// their sum kept only to check it against the field length.
extension PostingListEncoder {
    /// Appends the documents of one run's postings of the list's term: the same bytes as `append` with the
    /// decoded documents (`base` + the run's document numbers), frequencies and positions. `bytes` is the run's
    /// whole list or a piece of it that ends at a document boundary (`RunReader.forEachPostingsPiece`);
    /// `previousDocument` is the run document before it (-1 at the start of the run's list) and is left at the
    /// last one. The list must have been begun with positions; `lengths` holds the field length of each of the
    /// index's `documentCount` documents, `averageLength` their average; `compactLengths`, if given, the same
    /// lengths in 16 bits (`FieldIndexWriter.CompactLengths`), read first.
    /// - Returns: the documents appended.
    /// - Throws: `.corrupt` naming `file` if the bytes are not a well-formed run list of documents below
    ///   `runDocumentCount`, each with positions below its field length; `.invalidArgument` if the run's
    ///   documents (`base ..< base + runDocumentCount`) do not fit in the index or follow the list's last one.
    mutating func appendRunPostings(
        _ bytes: UnsafeRawBufferPointer, base: UInt32, runDocumentCount limit: UInt32, previousDocument: inout Int64,
        documentCount: Int, lengths: UnsafeBufferPointer<UInt32>, compactLengths: UnsafePointer<UInt16>? = nil,
        averageLength: Double,
        file: @autoclosure () -> String
    ) throws -> Int {
        precondition(listHasPositions, "appendRunPostings on a list begun without positions")
        func corrupt(_ reason: String) -> CorpusIndexError {
            .corrupt(file: file(), section: "run postings", reason: reason)
        }
        let n = bytes.count
        guard n > 0, let start = bytes.baseAddress else { throw corrupt("empty postings") }
        guard lengths.count == documentCount, Int(base) + Int(limit) <= documentCount, let lengthBase = lengths.baseAddress
        else {
            throw CorpusIndexError.invalidArgument(
                "\(file()): run documents \(base) + \(limit) for \(lengths.count) field lengths of \(documentCount) documents")
        }
        self.averageLength = averageLength
        if documentsInList == 0 { startList(documentCount: documentCount) }
        // Every position takes >= 1 run byte and at most 34 bits (`PositionCoding.maxEncodedBytes`), every document
        // >= 3 run bytes and at most a byte of block padding; then the bits pending from before and the slack.
        positions.reserve((34 &* n &+ 7) / 8 &+ n / 3 &+ 16 &+ RawBitWriter.slack)
        var w = RawBitWriter(cursor: positions.end, accumulator: positionAccumulator, pending: positionPending)
        defer { commitPositions(w) }
        let p = start.assumingMemoryBound(to: UInt8.self)
        let deltas = block.deltas
        let frequencies = block.frequencies
        let blockLengths = block.lengths
        var i = 0
        var runDoc = previousDocument
        var previous = previousDoc
        var slot = pending
        var appended = 0
        var counted = 0
        @inline(__always) func varint() throws -> UInt32 {
            guard let value = RunFile.postingsVarint(bytes, at: &i) else { throw corrupt("bad varint") }
            return value
        }
        while i < n {
            let delta = try varint()
            runDoc &+= Int64(delta)
            guard delta > 0, runDoc < Int64(limit) else { throw corrupt("document id out of order") }
            let doc = base &+ UInt32(truncatingIfNeeded: runDoc)
            if appended == 0 && documentsInList != 0 && doc <= previous {
                throw CorpusIndexError.invalidArgument("\(file()): run document \(doc) does not follow the list's \(previous)")
            }
            var length: UInt32
            if let compactLengths {
                length = UInt32(compactLengths[Int(doc)])
                if length == UInt32(FieldIndexWriter.CompactLengths.escape) { length = lengthBase[Int(doc)] }
            } else {
                length = lengthBase[Int(doc)]
            }
            guard i < n else { throw corrupt("unterminated document") }
            // The first position step (position + 1); a document has at least one.
            let first = try varint()
            guard first != 0 else { throw corrupt("document without positions") }
            guard first <= length else { throw corrupt("position \(first - 1) not below the field length \(length)") }
            guard i < n else { throw corrupt("unterminated document") }
            var f: UInt32 = 1
            if p[i] == 0 {
                i &+= 1
                TruncatedBinary.encode(first &- 1, range: length, into: &w)
            } else {
                // Count the positions first (the Rice parameter depends on it): each varint ends with a byte below
                // 0x80, and a 0 byte only ends the document.
                var past = i
                guard let more = Self.countPositions(p, count: n, at: &past) else { throw corrupt("unterminated document") }
                f &+= more
                let end = past &- 1  // the terminator
                let k = PositionCoding.riceParameter(length: length, frequency: Int(f))
                let mask: UInt32 = (1 << UInt32(k)) &- 1
                PositionCoding.writeRice(first &- 1, k: k, mask: mask, into: &w)
                var position = UInt64(first &- 1)
                while i < end {
                    let step = try varint()
                    position &+= UInt64(step)
                    guard step != 0, position < UInt64(length) else {
                        throw corrupt("position \(position) not above the previous or not below the field length \(length)")
                    }
                    PositionCoding.writeRice(step &- 1, k: k, mask: mask, into: &w)
                }
                // A malformed varint can run into the terminator.
                guard i == end else { throw corrupt("bad varint") }
                i &+= 1
            }
            deltas[slot] = doc &- previous
            frequencies[slot] = f &- 1
            blockLengths[slot] = length
            previous = doc
            slot &+= 1
            appended &+= 1
            if slot == BitPacking.blockSize {
                w.flush()
                commitPositions(w)
                previousDoc = previous
                pending = slot
                countDocuments(appended &- counted)
                counted = appended
                finishBlock()
                w = RawBitWriter(cursor: positions.end)
                slot = 0
            }
        }
        previousDoc = previous
        pending = slot
        countDocuments(appended &- counted)
        previousDocument = runDoc
        return appended
    }

    /// Counts the position varints from `i` to the document's 0 terminator (each ends with a byte below 0x80; 0
    /// occurs only as the terminator) and moves `i` past the terminator; `nil` if the bytes end first. Eight bytes
    /// at a time: the lowest byte that `(x - 0x01...01) & ~x & 0x80...80` marks is the first 0 byte.
    @inline(__always)
    static func countPositions(_ p: UnsafePointer<UInt8>, count n: Int, at i: inout Int) -> UInt32? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        /// The bytes of `x` below 0x80 among those `mask` keeps (a multiply adds up the bytes' 0/1 flags: the
        /// baseline x86-64 target has no popcnt instruction).
        @inline(__always) func varintEnds(_ x: UInt64, _ mask: UInt64) -> Int {
            Int(truncatingIfNeeded: (((~x & highs & mask) &>> 7) &* ones) &>> 56)
        }
        var f = 0
        while i &+ 8 <= n {
            let x = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            let zeros = (x &- ones) & ~x & highs
            if zeros == 0 {
                f &+= varintEnds(x, .max)
                i &+= 8
                continue
            }
            // The bytes before the terminator: the bits below its high bit, less its own low 7.
            f &+= varintEnds(x, (zeros &>> 7) &- 1)
            i &+= (zeros.trailingZeroBitCount &>> 3) &+ 1
            return UInt32(truncatingIfNeeded: f)
        }
        while i < n {
            let b = p[i]
            i &+= 1
            if b == 0 { return UInt32(truncatingIfNeeded: f) }
            f &+= Int((b &>> 7) ^ 1)
        }
        return nil
    }
}
