/// The temporary sorted run a worker writes for one chunk of cables, and its writer.
///
/// Layout (little-endian), in the build's staging directory, read back only by `RunReader` in the same build:
/// ```
/// "CIXRUN01"                                   8 bytes
/// entries, sorted by key (field ordinal byte + term bytes):
///   varint shared      bytes shared with the previous key (0 at the first entry of each bucket)
///   varint suffixLen, suffix bytes
///   varint postingsLen, postings bytes         ChunkInverter's encoding, each document ended by a 0 byte
/// bucket table: (RunFile.fieldCount * 256 + 1) × u64, the file offset of the first entry whose key starts with
///   (field, byte) = bucket index field*256+byte; the last is the end of the entries
/// u32 documentCount, u32 termCount, u64 offset of the bucket table, "CIXRUNEN"
/// ```
/// Buckets let the merge read any range of (field, first term byte) from every run, so ranges merge in parallel.
enum RunFile {
    static let magic: [UInt8] = Array("CIXRUN01".utf8)
    static let endMagic: [UInt8] = Array("CIXRUNEN".utf8)
    static let bucketCount = fieldCount * 256
    /// The number of text fields (`TextField.allCases.count`); the key's first byte is the field's ordinal.
    static let fieldCount = 3
    static let footerSize = 4 + 4 + 8 + 8

    /// The bucket of a key (field ordinal, first term byte).
    @inline(__always)
    static func bucket(ofKey key: UnsafeRawBufferPointer) -> Int { Int(key[0]) * 256 + Int(key[1]) }

    /// Sorts the inverter's terms and writes them as one run at `path`. Returns the file's size.
    static func write(_ inverter: ChunkInverter, to path: String) throws -> Int {
        let order = sortedTermIDs(inverter)
        let writer = try RunWriter(path: path)
        let batch = prefetchBatch
        inverter.prefetchTerms(order.prefix(batch))
        for (n, id) in order.enumerated() {
            if n % batch == 0 { inverter.prefetchTerms(order[min(n + batch, order.count)..<min(n + 2 * batch, order.count)]) }
            var length = 1
            inverter.forEachPostingPiece(of: Int(id)) { length += $0.count }
            try writer.beginEntry(key: inverter.key(of: Int(id)), postingsLength: length)
            var failure: Error?
            inverter.forEachPostingPiece(of: Int(id)) { piece in
                do { try writer.out.append(piece) } catch { failure = error }
            }
            if let failure { throw failure }
            try writer.out.append(0)
        }
        return try writer.finish(documentCount: inverter.documentCount)
    }

    /// Terms whose table entries and keys are prefetched together, a batch ahead of writing them
    /// (see `ChunkInverter.prefetchTerms`).
    static let prefetchBatch = 16

    /// Term ids in key byte order. Sorts (first 8 key bytes big-endian, id) pairs by the prefix with an LSD radix
    /// sort (bytes shared by every prefix skipped), then sorts each run of equal prefixes — keys longer than 8
    /// bytes that agree on their first 8; shorter keys are zero-padded and term bytes are never 0 — by whole key.
    static func sortedTermIDs(_ inverter: ChunkInverter) -> [UInt32] {
        let ids = inverter.termIDs()
        var entries = ids.map { SIMD2(inverter.sortPrefix(of: Int($0)), UInt64($0)) }
        radixSortByPrefix(&entries)
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count && entries[end].x == entries[start].x { end += 1 }
            if end - start > 1 {
                entries[start..<end].sort { a, b in
                    compareKeys(inverter.key(of: Int(a.y)), inverter.key(of: Int(b.y))) < 0
                }
            }
            start = end
        }
        return entries.map { UInt32(truncatingIfNeeded: $0.y) }
    }

    /// Stable LSD radix sort of `entries` by `.x`, one byte a pass; a pass whose byte is the same in every
    /// entry is skipped.
    static func radixSortByPrefix(_ entries: inout [SIMD2<UInt64>]) {
        let n = entries.count
        guard n > 1 else { return }
        var counts = [Int](repeating: 0, count: 8 * 256)
        for e in entries {
            var x = e.x
            for pass in 0..<8 {
                counts[pass &* 256 &+ Int(x & 0xFF)] &+= 1
                x >>= 8
            }
        }
        var other = entries
        entries.withUnsafeMutableBufferPointer { a in
            other.withUnsafeMutableBufferPointer { b in
                var source = a
                var target = b
                var inTarget = false
                counts.withUnsafeMutableBufferPointer { counts in
                    for pass in 0..<8 {
                        let histogram = counts.baseAddress! + pass * 256
                        let shift = UInt64(pass * 8)
                        if histogram[Int((source[0].x >> shift) & 0xFF)] == n { continue }
                        var sum = 0
                        for byte in 0..<256 {
                            let c = histogram[byte]
                            histogram[byte] = sum
                            sum += c
                        }
                        for e in source {
                            let byte = Int((e.x >> shift) & 0xFF)
                            target[histogram[byte]] = e
                            histogram[byte] += 1
                        }
                        swap(&source, &target)
                        inTarget.toggle()
                    }
                }
                if inTarget { _ = a.update(fromContentsOf: b) }
                _ = source
                _ = target
            }
        }
    }

    /// The varint at `i` (`i < bytes.count`) of a run's postings, `i` moved past it; one- and two-byte ones (almost
    /// every position step and document delta) inline, longer ones through `VarInt.decode32`. `nil` if malformed.
    @inline(__always)
    static func postingsVarint(_ bytes: UnsafeRawBufferPointer, at i: inout Int) -> UInt32? {
        let p = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let byte = UInt32(p[i])
        if byte < 0x80 {
            i &+= 1
            return byte
        }
        if i &+ 1 < bytes.count, p[i &+ 1] < 0x80 {
            let value = byte & 0x7F | UInt32(p[i &+ 1]) << 7
            i &+= 2
            return value
        }
        guard let (value, next) = VarInt.decode32(bytes, at: i) else { return nil }
        i = next
        return value
    }

    /// Byte-wise comparison; a proper prefix sorts first.
    @inline(__always)
    static func compareKeys(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
