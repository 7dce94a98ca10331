/// The serialized context table (a `DCTX` piece, docs/FORMAT.md "Document store"): one framed zlib block
/// (section 3) whose stream inflates to the columns
///
///     u32 contextCount n, n x u32 previous, n x u32 beforePrevious, n x u8 listLength, then every list's
///     u16 word codes, list after list
///
/// (all little-endian). Columns keep like values together for deflate: a table of ~50,000 contexts takes
/// ~0.4 MB of columns and ~0.15 MB stored.
extension ContextTable {
    /// The framed zlib block of the columns (level 9: written once per segment).
    public func serialized() -> [UInt8] {
        var w = ByteWriter(capacity: 4 + 9 * count + 2 * codes.count)
        w.append(UInt32(count))
        for p in previous { w.append(p) }
        for p in beforePrevious { w.append(p) }
        for i in 0..<count { w.append(UInt8(listStarts[i + 1] - listStarts[i])) }
        for c in codes { w.append(c) }
        var out: [UInt8] = []
        w.bytes.withUnsafeBytes { ZlibBlock.compress($0, level: 9, into: &out) }
        return out
    }

    /// Parses one serialized table (exactly the bytes of `bytes`).
    /// - Throws: `.corrupt` naming `file` and `section` if the block does not inflate, or the columns are cut
    ///   short, have bytes left over, contexts out of order or repeated, a `previous` of `none`, a token above
    ///   0xDF_FFFF other than `none`, a list length outside 1...64, or a word code of 16,192 or more.
    public static func parse(_ bytes: UnsafeRawBufferPointer, file: String, section: String) throws -> ContextTable {
        var inflated: [UInt8] = []
        // Deflate expands at most ~1032x: a larger stated length is corrupt (and never allocated).
        let limit = min(maxInflatedBytes, bytes.count &* 1032 &+ 1024)
        guard let used = ZlibBlock.decompress(bytes, at: 0, into: &inflated, maxOutput: limit),
            used == bytes.count
        else {
            throw CorpusIndexError.corrupt(file: file, section: section, reason: "the context table does not inflate")
        }
        return try inflated.withUnsafeBytes { raw in
            var r = ByteReader(raw, file: file, section: section + " (inflated)")
            let n = Int(try r.read(UInt32.self))
            guard n <= maxContexts, n <= r.remaining / 9 else { throw r.corrupt("\(n) contexts in \(raw.count) bytes") }
            var previous = [UInt32](repeating: 0, count: n)
            var beforePrevious = [UInt32](repeating: 0, count: n)
            for i in 0..<n { previous[i] = try r.read(UInt32.self) }
            for i in 0..<n { beforePrevious[i] = try r.read(UInt32.self) }
            for i in 0..<n {
                let (p, q) = (previous[i], beforePrevious[i])
                guard p != none, isToken(p), q == none || isToken(q) else {
                    throw r.corrupt("context \(i) has tokens \(p), \(q)")
                }
                guard i == 0 || key(previous[i - 1], beforePrevious[i - 1]) < key(p, q) else {
                    throw r.corrupt("context \(i) is out of order or repeated")
                }
            }
            var starts = [UInt32](repeating: 0, count: n + 1)
            for i in 0..<n {
                let length = try r.read(UInt8.self)
                guard length >= 1, Int(length) <= maxRanks else { throw r.corrupt("list \(i) has \(length) codes") }
                starts[i + 1] = starts[i] + UInt32(length)
            }
            let total = Int(starts[n])
            guard r.remaining == 2 * total else {
                throw r.corrupt("the lists take \(2 * total) bytes, \(r.remaining) remain")
            }
            var codes = [UInt16](repeating: 0, count: total)
            for i in 0..<total {
                let c = try r.read(UInt16.self)
                guard Int(c) < WordTable.maxWords else { throw r.corrupt("list code \(c) is not a word code") }
                codes[i] = c
            }
            return ContextTable(previous: previous, beforePrevious: beforePrevious, listStarts: starts, codes: codes)
        }
    }

    /// Whether `t` is a context token: a word code (< 16,192) or a raw run token.
    static func isToken(_ t: UInt32) -> Bool { t < UInt32(WordTable.maxWords) || (t >= 0x80_0000 && t <= 0xDF_FFFF) }
}
