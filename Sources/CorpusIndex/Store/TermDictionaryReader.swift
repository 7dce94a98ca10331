#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a term dictionary (`TDIC` file, docs/FORMAT.md "Term dictionary"): front-coded blocks of 32 sorted
/// terms and a block index searched by binary search over each block's first term.
///
/// Lookup costs O(log(blocks)) first-term comparisons plus a scan of at most 32 entries; no allocation except
/// `term(ordinal:)`'s result (a scratch buffer of `maxTermLength` bytes comes from
/// `withUnsafeTemporaryAllocation`). Immutable, `Sendable`.
public final class TermDictionaryReader: @unchecked Sendable {
    /// The number of terms.
    public let termCount: Int
    /// Sum of document frequencies.
    public let postingCount: UInt64
    /// Sum of collection frequencies.
    public let tokenCount: UInt64
    /// The longest term in bytes.
    public let maxTermLength: Int
    let file: ContainerFile
    private let blocks: UnsafeRawBufferPointer
    private let index: UnsafeRawBufferPointer
    private let blockCount: Int
    private let termsPerBlock: Int

    /// Opens `path` (a `TDIC` file).
    public init(path: String) throws {
        file = try ContainerFile(path: path, kind: FileKind.termDictionary)
        var stats = try file.reader(TermDictionaryWriter.statsSection)
        let count = try stats.read(UInt64.self)
        postingCount = try stats.read(UInt64.self)
        tokenCount = try stats.read(UInt64.self)
        let maxLength = try stats.read(UInt32.self)
        let perBlock = try stats.read(UInt32.self)
        blocks = try file.section(TermDictionaryWriter.blocksSection)
        index = try file.section(TermDictionaryWriter.indexSection)
        guard (1...4096).contains(perBlock), maxLength <= 1 << 24, count <= UInt64(Int32.max) else {
            throw CorpusIndexError.corrupt(file: file.name, section: "TSTA", reason: "implausible dictionary stats")
        }
        termsPerBlock = Int(perBlock)
        termCount = Int(count)
        maxTermLength = Int(maxLength)
        blockCount = (termCount + termsPerBlock - 1) / termsPerBlock
        guard index.count == blockCount * TermDictionaryWriter.entrySize else {
            throw CorpusIndexError.corrupt(
                file: file.name, section: "TIDX",
                reason: "\(index.count) bytes of block index for \(termCount) terms (\(blockCount) blocks)")
        }
    }

    /// The exact term, or `nil`.
    public func lookup(_ term: UnsafeRawBufferPointer) throws -> TermInfo? {
        let b = try firstBlock { compareBytes($0, term) >= 0 }
        if b < blockCount, try firstTermComparesEqual(block: b, term) {
            var found: TermInfo?
            try forEachEntry(ofBlock: b) { _, info in found = info; return false }
            return found
        }
        guard b > 0 else { return nil }
        var found: TermInfo?
        try forEachEntry(ofBlock: b - 1) { t, info in
            let c = compareBytes(t, term)
            if c == 0 { found = info }
            return c < 0
        }
        return found
    }

    /// The exact term, or `nil`.
    public func lookup(_ term: String) throws -> TermInfo? {
        var t = term
        return try t.withUTF8 { try lookup(UnsafeRawBufferPointer($0)) }
    }

    /// The ordinals of the terms that start with `prefix` (all terms for an empty prefix).
    public func prefixRange(_ prefix: UnsafeRawBufferPointer) throws -> Range<Int> {
        let lower = try lowerBound { compareBytes($0, prefix) >= 0 }
        let upper = try lowerBound { t in
            compareBytes(UnsafeRawBufferPointer(rebasing: t.prefix(prefix.count)), prefix) > 0
        }
        return lower..<max(lower, upper)
    }

    /// The ordinals of the terms that start with `prefix`.
    public func prefixRange(_ prefix: String) throws -> Range<Int> {
        var p = prefix
        return try p.withUTF8 { try prefixRange(UnsafeRawBufferPointer($0)) }
    }

    /// The term at `ordinal`.
    /// - Throws: `.invalidArgument` if `ordinal` is out of range, `.corrupt` for bad bytes.
    public func termInfo(ordinal: Int) throws -> TermInfo {
        var result: TermInfo?
        try entry(ordinal) { _, info in result = info }
        return result!
    }

    /// The bytes of the term at `ordinal`.
    public func term(ordinal: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        try entry(ordinal) { t, _ in result = Array(t) }
        return result
    }

    /// Calls `body` with each term of `range` in order (bytes valid only during the call); stop early by
    /// returning `false`.
    public func forEachTerm(
        in range: Range<Int>, _ body: (_ term: UnsafeRawBufferPointer, _ info: TermInfo) throws -> Bool
    ) throws {
        let range = range.clamped(to: 0..<termCount)
        guard !range.isEmpty else { return }
        var block = range.lowerBound / termsPerBlock
        var go = true
        while go && block < blockCount && block * termsPerBlock < range.upperBound {
            try forEachEntry(ofBlock: block) { t, info in
                if info.ordinal >= range.upperBound { go = false; return false }
                if info.ordinal >= range.lowerBound { go = try body(t, info) }
                return go
            }
            block += 1
        }
    }

    // MARK: - Blocks

    private func entry(_ ordinal: Int, _ body: (UnsafeRawBufferPointer, TermInfo) throws -> Void) throws {
        guard ordinal >= 0 && ordinal < termCount else {
            throw CorpusIndexError.invalidArgument("term ordinal \(ordinal) out of range 0..<\(termCount)")
        }
        try forEachEntry(ofBlock: ordinal / termsPerBlock) { t, info in
            if info.ordinal == ordinal { try body(t, info); return false }
            return true
        }
    }

    /// The first ordinal whose term satisfies `predicate` (monotone: false…false true…true), or `termCount`.
    private func lowerBound(_ predicate: (UnsafeRawBufferPointer) -> Bool) throws -> Int {
        let b = try firstBlock(predicate)
        guard b > 0 else { return 0 }
        var answer = min(b * termsPerBlock, termCount)
        try forEachEntry(ofBlock: b - 1) { t, info in
            if predicate(t) { answer = info.ordinal; return false }
            return true
        }
        return answer
    }

    /// The first block whose first term satisfies `predicate`, or `blockCount`.
    private func firstBlock(_ predicate: (UnsafeRawBufferPointer) -> Bool) throws -> Int {
        var lo = 0
        var hi = blockCount
        while lo < hi {
            let mid = (lo + hi) / 2
            if predicate(try firstTerm(ofBlock: mid)) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    private func firstTermComparesEqual(block: Int, _ term: UnsafeRawBufferPointer) throws -> Bool {
        compareBytes(try firstTerm(ofBlock: block), term) == 0
    }

    private func blockRange(_ b: Int) throws -> Range<Int> {
        let start = index.loadUnaligned(fromByteOffset: b * TermDictionaryWriter.entrySize, as: UInt64.self)
        let end =
            b + 1 < blockCount
            ? index.loadUnaligned(fromByteOffset: (b + 1) * TermDictionaryWriter.entrySize, as: UInt64.self)
            : UInt64(blocks.count)
        guard start <= end, end <= UInt64(blocks.count) else {
            throw CorpusIndexError.corrupt(
                file: file.name, section: "TIDX", reason: "block \(b) spans \(start)..<\(end) of \(blocks.count) bytes")
        }
        return Int(start)..<Int(end)
    }

    private func firstTerm(ofBlock b: Int) throws -> UnsafeRawBufferPointer {
        var r = ByteReader(
            UnsafeRawBufferPointer(rebasing: blocks[try blockRange(b)]), file: file.name, section: "TBLK block \(b)")
        guard try r.readVarInt() == 0 else { throw r.corrupt("first term of a block shares a prefix") }
        let n = try r.readVarInt(limit: maxTermLength)
        return try r.readBytes(n)
    }

    /// Decodes the entries of block `b` in order; `body` returns whether to continue.
    func forEachEntry(
        ofBlock b: Int, _ body: (_ term: UnsafeRawBufferPointer, _ info: TermInfo) throws -> Bool
    ) throws {
        let baseOffset = b * TermDictionaryWriter.entrySize
        var postings = index.loadUnaligned(fromByteOffset: baseOffset + 8, as: UInt64.self)
        var positions = index.loadUnaligned(fromByteOffset: baseOffset + 16, as: UInt64.self)
        var r = ByteReader(
            UnsafeRawBufferPointer(rebasing: blocks[try blockRange(b)]), file: file.name, section: "TBLK block \(b)")
        let count = min(termsPerBlock, termCount - b * termsPerBlock)
        try withUnsafeTemporaryAllocation(byteCount: max(maxTermLength, 1), alignment: 1) { scratch in
            var length = 0
            for i in 0..<count {
                let shared = try r.readVarInt(limit: i == 0 ? 0 : length)
                let suffix = try r.readVarInt(limit: maxTermLength - shared)
                let bytes = try r.readBytes(suffix)
                if suffix > 0 {
                    UnsafeMutableRawBufferPointer(rebasing: scratch[shared..<(shared + suffix)]).copyMemory(from: bytes)
                }
                length = shared + suffix
                let df = try r.readVarInt(limit: Int(UInt32.max))
                let extra = try r.readVarInt()
                let maxFreq = try r.readVarInt(limit: Int(UInt32.max))
                let minLength = try r.readVarInt(limit: Int(UInt32.max))
                let (p, pOverflow) = postings.addingReportingOverflow(try r.readVarInt())
                let (q, qOverflow) = positions.addingReportingOverflow(try r.readVarInt())
                let (cf, cfOverflow) = extra.addingReportingOverflow(UInt64(df))
                guard df >= 1, !pOverflow, !qOverflow, !cfOverflow else { throw r.corrupt("bad entry \(i)") }
                postings = p
                positions = q
                let info = TermInfo(
                    ordinal: b * termsPerBlock + i, documentFrequency: UInt32(df), collectionFrequency: cf,
                    maxFrequency: UInt32(maxFreq), minFieldLength: UInt32(minLength), postingsOffset: p,
                    positionsOffset: q)
                let term = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(scratch)[0..<length])
                if try !body(term, info) { return }
            }
        }
    }
}

/// Unsigned lexicographic comparison of two byte strings: negative, zero or positive (`memcmp`, then length).
@inline(__always)
func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let n = min(a.count, b.count)
    if n > 0 {
        let c = memcmp(a.baseAddress!, b.baseAddress!, n)
        if c != 0 { return Int(c) }
    }
    return a.count - b.count
}
