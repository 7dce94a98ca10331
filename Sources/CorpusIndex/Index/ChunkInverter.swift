#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Inverts the cables of one chunk into per-term postings held in two arenas, then writes them out as one sorted
/// run (see `RunFileWriter`).
///
/// The structure follows tantivy's `stacker`: an open-addressing hash table (linear probing, 8-byte slots holding
/// 32 bits of hash and a term id) maps a key (`field ordinal byte` + lowercased token bytes, stored once in the key
/// arena) to a 32-byte `TermState`. Each term's postings are appended to a chain of blocks in the postings arena,
/// growing 16, 32, ... 32 KiB bytes (an unrolled linked list: the last 4 bytes of a block link the next), so one
/// term's bytes are mostly contiguous and frequent terms stay cache-resident. Per token the work is one fused
/// scan-lowercase-copy, one 64-bit hash over 8-byte words, usually one probe, and one to three byte appends: no
/// Swift `Array`, `Dictionary` or `String` per token.
///
/// Posting bytes, per term, per document in increasing order (the run encoding, copied verbatim to the run file):
/// `varint(doc - previousDoc)` (previous starts at -1, so always >= 1), then one `varint(position -
/// previousPosition)` per occurrence (previous starts at -1, so always >= 1), then a `0` byte ending the document.
/// The frequency is the number of positions.
///
/// Not thread-safe: one worker uses an inverter at a time; `reset()` recycles all memory for the next chunk.
final class ChunkInverter {
    struct TermState {
        var keyOffset: UInt32
        var keyLength: UInt32
        var head: UInt32
        var write: UInt32
        var blockEnd: UInt32
        var blockSize: UInt32
        var lastDoc: Int32
        var lastPosition: Int32
    }

    static let firstBlockSize: UInt32 = 16
    static let maxBlockSize: UInt32 = 32 * 1024

    var keys: ByteArena
    var postings: ByteArena
    private(set) var terms: UnsafeMutablePointer<TermState>
    private var termCapacity: Int
    private(set) var termCount = 0
    private var slots: UnsafeMutablePointer<UInt64>
    private var slotMask: Int
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int
    private let tokenTable: UnsafeMutablePointer<UInt8>
    /// Documents added since the last reset.
    private(set) var documentCount = 0
    /// Tokens per field per document since the last reset: `fieldLengths[field][doc]`.
    private(set) var fieldLengths: [[UInt32]] = Array(repeating: [], count: RunFile.fieldCount)
    /// Tokens added since the last reset.
    private(set) var tokenCount = 0

    init(expectedInputBytes: Int = 8 << 20) {
        keys = ByteArena(capacity: max(expectedInputBytes / 8, 1 << 16))
        postings = ByteArena(capacity: max(expectedInputBytes / 2, 1 << 16))
        termCapacity = 1 << 14
        terms = .allocate(capacity: termCapacity)
        let slotCount = 1 << 15
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: 0, count: slotCount)
        slotMask = slotCount - 1
        scratchCapacity = 256
        scratch = .allocate(capacity: scratchCapacity + 8)
        tokenTable = .allocate(capacity: 256)
        Analyzer.tokenByte.withUnsafeBufferPointer { tokenTable.initialize(from: $0.baseAddress!, count: 256) }
    }

    deinit {
        terms.deallocate()
        slots.deallocate()
        scratch.deallocate()
        tokenTable.deallocate()
    }

    /// Forgets every document and term, keeping the memory.
    func reset() {
        keys.reset()
        postings.reset()
        slots.update(repeating: 0, count: slotMask + 1)
        termCount = 0
        documentCount = 0
        tokenCount = 0
        for f in 0..<RunFile.fieldCount { fieldLengths[f].removeAll(keepingCapacity: true) }
    }

    /// Adds the next document (local id = `documentCount`) with the text of each field (indexed by
    /// `TextField.rawValue`).
    func addDocument(body: UnsafeRawBufferPointer, subject: UnsafeRawBufferPointer, header: UnsafeRawBufferPointer) {
        let doc = Int32(documentCount)
        fieldLengths[0].append(UInt32(invert(body, field: 0, doc: doc)))
        fieldLengths[1].append(UInt32(invert(subject, field: 1, doc: doc)))
        fieldLengths[2].append(UInt32(invert(header, field: 2, doc: doc)))
        documentCount += 1
    }

    /// Tokenizes `text` exactly as `Analyzer.forEachToken` does and records every token; returns the token count.
    private func invert(_ text: UnsafeRawBufferPointer, field: UInt8, doc: Int32) -> Int {
        let n = text.count
        guard n > 0, let p = text.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        let table = tokenTable
        var i = 0
        var position: Int32 = 0
        scratch[0] = field
        while i < n {
            while i < n && table[Int(p[i])] == 0 { i += 1 }
            if i == n { break }
            var length = 1
            while i < n {
                let c = table[Int(p[i])]
                if c == 0 { break }
                if length == scratchCapacity { growScratch() }
                scratch[length] = c
                length += 1
                i += 1
            }
            add(keyLength: length, doc: doc, position: position)
            position += 1
        }
        tokenCount += Int(position)
        return Int(position)
    }

    private func growScratch() {
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity * 2 + 8)
        bigger.update(from: scratch, count: scratchCapacity)
        scratch.deallocate()
        scratch = bigger
        scratchCapacity *= 2
    }

    /// The 64-bit hash of a key, over 8-byte little-endian words (the tail word masked).
    @inline(__always)
    static func hash(_ key: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: length)
        let raw = UnsafeRawPointer(key)
        var k = 0
        while k + 8 <= length {
            let w = raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            k += 8
        }
        let rest = length - k
        if rest > 0 {
            var w: UInt64 = 0
            for j in 0..<rest { w |= UInt64(key[k + j]) << (8 * UInt64(j)) }
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
        }
        h ^= h >> 29
        h = h &* 0x94D0_49BB_1331_11EB
        h ^= h >> 32
        return h
    }

    @inline(__always)
    private func add(keyLength: Int, doc: Int32, position: Int32) {
        let h = ChunkInverter.hash(scratch, keyLength)
        let tag = h & 0xFFFF_FFFF_0000_0000
        var index = Int(truncatingIfNeeded: h) & slotMask
        var id: Int
        while true {
            let slot = slots[index]
            if slot == 0 {
                id = insert(keyLength: keyLength, hash: h)
                break
            }
            if slot & 0xFFFF_FFFF_0000_0000 == tag {
                let candidate = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                let state = terms[candidate]
                if Int(state.keyLength) == keyLength && memcmp(keys.base + Int(state.keyOffset), scratch, keyLength) == 0 {
                    id = candidate
                    break
                }
            }
            index = (index + 1) & slotMask
        }
        let t = terms + id
        if t.pointee.lastDoc != doc {
            if t.pointee.lastDoc >= 0 { put(0, t) }
            putVarint(UInt32(bitPattern: doc &- t.pointee.lastDoc), t)
            t.pointee.lastDoc = doc
            t.pointee.lastPosition = -1
        }
        putVarint(UInt32(bitPattern: position &- t.pointee.lastPosition), t)
        t.pointee.lastPosition = position
    }

    @inline(never)
    private func insert(keyLength: Int, hash h: UInt64) -> Int {
        if termCount == termCapacity { growTerms() }
        if (termCount + 1) * 2 > slotMask + 1 { growSlots() }
        let id = termCount
        termCount += 1
        let keyOffset = keys.allocate(keyLength)
        (keys.base + Int(keyOffset)).update(from: scratch, count: keyLength)
        let head = postings.allocate(Int(ChunkInverter.firstBlockSize))
        terms[id] = TermState(
            keyOffset: keyOffset, keyLength: UInt32(keyLength), head: head, write: head,
            blockEnd: head + ChunkInverter.firstBlockSize - 4, blockSize: ChunkInverter.firstBlockSize,
            lastDoc: -1, lastPosition: -1)
        var index = Int(truncatingIfNeeded: h) & slotMask
        while slots[index] != 0 { index = (index + 1) & slotMask }
        slots[index] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(id + 1)
        return id
    }

    private func growTerms() {
        let bigger = UnsafeMutablePointer<TermState>.allocate(capacity: termCapacity * 2)
        bigger.moveInitialize(from: terms, count: termCount)
        terms.deallocate()
        terms = bigger
        termCapacity *= 2
    }

    private func growSlots() {
        let count = (slotMask + 1) * 2
        slots.deallocate()
        slots = .allocate(capacity: count)
        slots.initialize(repeating: 0, count: count)
        slotMask = count - 1
        for id in 0..<termCount {
            let state = terms[id]
            let h = ChunkInverter.hash(keys.base + Int(state.keyOffset), Int(state.keyLength))
            var index = Int(truncatingIfNeeded: h) & slotMask
            while slots[index] != 0 { index = (index + 1) & slotMask }
            slots[index] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(id + 1)
        }
    }

    @inline(__always)
    private func put(_ byte: UInt8, _ t: UnsafeMutablePointer<TermState>) {
        if t.pointee.write == t.pointee.blockEnd { newBlock(t) }
        postings.base[Int(t.pointee.write)] = byte
        t.pointee.write += 1
    }

    @inline(__always)
    private func putVarint(_ value: UInt32, _ t: UnsafeMutablePointer<TermState>) {
        var v = value
        if t.pointee.blockEnd - t.pointee.write >= 5 {
            let out = postings.base
            var w = Int(t.pointee.write)
            while v >= 0x80 {
                out[w] = UInt8(truncatingIfNeeded: v) | 0x80
                v >>= 7
                w += 1
            }
            out[w] = UInt8(truncatingIfNeeded: v)
            t.pointee.write = UInt32(w + 1)
            return
        }
        while v >= 0x80 {
            put(UInt8(truncatingIfNeeded: v) | 0x80, t)
            v >>= 7
        }
        put(UInt8(truncatingIfNeeded: v), t)
    }

    @inline(never)
    private func newBlock(_ t: UnsafeMutablePointer<TermState>) {
        let size = min(t.pointee.blockSize * 2, ChunkInverter.maxBlockSize)
        let offset = postings.allocate(Int(size))
        UnsafeMutableRawPointer(postings.base + Int(t.pointee.blockEnd)).storeBytes(of: offset, as: UInt32.self)
        t.pointee.write = offset
        t.pointee.blockEnd = offset + size - 4
        t.pointee.blockSize = size
    }

    /// Calls `body` with each contiguous piece of term `id`'s posting bytes, in order (the final document's `0`
    /// terminator is not included).
    func forEachPostingPiece(of id: Int, _ body: (UnsafeRawBufferPointer) -> Void) {
        let state = terms[id]
        var start = Int(state.head)
        var size = Int(ChunkInverter.firstBlockSize)
        while true {
            let dataEnd = start + size - 4
            if dataEnd == Int(state.blockEnd) {
                body(UnsafeRawBufferPointer(start: postings.base + start, count: Int(state.write) - start))
                return
            }
            body(UnsafeRawBufferPointer(start: postings.base + start, count: dataEnd - start))
            start = Int(UnsafeRawPointer(postings.base + dataEnd).loadUnaligned(as: UInt32.self))
            size = min(size * 2, Int(ChunkInverter.maxBlockSize))
        }
    }

    /// The key bytes (field ordinal + term) of term `id`.
    func key(of id: Int) -> UnsafeRawBufferPointer {
        let state = terms[id]
        return UnsafeRawBufferPointer(start: keys.base + Int(state.keyOffset), count: Int(state.keyLength))
    }

    /// The bytes the inverter holds now (arenas, term table, hash slots): what the memory budget accounts.
    var memoryFootprint: Int {
        keys.capacity + postings.capacity + termCapacity * MemoryLayout<TermState>.stride + (slotMask + 1) * 8
    }
}
