#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Inverts the cables of one chunk into per-term postings held in one arena, then writes them out as one sorted
/// run (see `RunFile`).
///
/// The structure follows tantivy's `stacker`, laid out for the cache: an open-addressing hash table (linear
/// probing, load <= 1/2) of 32-byte entries, two per cache line, each holding the key's first 8 bytes, the key's
/// place in the arena and the term's whole hot state (write cursor, block end, last document, last position). A
/// key is the field ordinal byte followed by the lowercased token bytes; it is stored once in the arena, directly
/// followed by the term's first 16-byte postings block, so a new term costs one allocation and its first
/// postings share the key's cache line. Keys of up to 8 bytes (most tokens) are compared in a register, so a
/// token usually costs one hash over 8-byte words, one probe touching one cache line, and one to three byte
/// appends: no Swift `Array`, `Dictionary` or `String` per token. Tokens are found eight bytes at a time
/// (`TokenBitmap`: a lowercased copy of the field and one bit per byte), and a key is read in place from that copy.
///
/// Postings live in an unrolled linked list of blocks growing 16, 32, ... 32 KiB bytes; the last 4 bytes of a
/// block hold its size until the next block is chained, then the next block's offset. Posting bytes, per term,
/// per document in increasing order (the run encoding, copied verbatim to the run file): `varint(doc -
/// previousDoc)` (previous starts at -1, so always >= 1), then one `varint(position - previousPosition)` per
/// occurrence (previous starts at -1, so always >= 1), then a `0` byte ending the document. The frequency is the
/// number of positions.
///
/// Not thread-safe: one worker uses an inverter at a time; `reset()` recycles all memory for the next chunk.
final class ChunkInverter {
    struct Entry {
        /// The key's first 8 bytes, zero-padded, little-endian; 0 marks an empty entry (a key's second byte, the
        /// first of its term, is never 0).
        var key8: UInt64
        var keyOffset: UInt32
        var keyLength: UInt32
        var write: UInt32
        var blockEnd: UInt32
        var lastDoc: Int32
        var lastPosition: Int32
    }

    static let firstBlockSize: UInt32 = 16
    static let maxBlockSize: UInt32 = 32 * 1024

    /// The mutable state the per-token path touches, behind a pointer: a class's stored `var`s would cost a
    /// dynamic exclusivity check (`swift_beginAccess`) on every access.
    struct Hot {
        var entries: UnsafeMutablePointer<Entry>
        var mask: Int
        var termCount = 0
        /// The arena: keys and postings blocks, addressed by 32-bit offsets (reallocated on growth, so re-read
        /// `arenaBase` after any `allocate`).
        var arenaBase: UnsafeMutablePointer<UInt8>
        var arenaUsed = 0
        var arenaCapacity: Int
        var touchSink: UInt64 = 0
    }

    private let hot: UnsafeMutablePointer<Hot>
    private(set) var entries: UnsafeMutablePointer<Entry> {
        get { hot.pointee.entries }
        set { hot.pointee.entries = newValue }
    }
    private var mask: Int {
        get { hot.pointee.mask }
        set { hot.pointee.mask = newValue }
    }
    /// Distinct keys since the last reset.
    private(set) var termCount: Int {
        get { hot.pointee.termCount }
        set { hot.pointee.termCount = newValue }
    }
    private var arenaBase: UnsafeMutablePointer<UInt8> { hot.pointee.arenaBase }
    /// The current field's text, lowercased and classified (see `TokenBitmap`).
    private let tokens = TokenBitmap()
    /// The tokens of the current batch: their keys' offsets in `tokens.lowered` (the byte before the token),
    /// lengths (field byte included), first 8 bytes and hashes.
    private let batchStarts: UnsafeMutablePointer<Int32>
    private let batchLengths: UnsafeMutablePointer<Int32>
    private let batchWords: UnsafeMutablePointer<UInt64>
    private let batchHashes: UnsafeMutablePointer<UInt64>
    /// Documents added since the last reset.
    private(set) var documentCount = 0
    /// Tokens per field per document since the last reset: `fieldLengths[field][doc]`.
    private(set) var fieldLengths: [[UInt32]] = Array(repeating: [], count: RunFile.fieldCount)
    /// Tokens added since the last reset.
    private(set) var tokenCount = 0

    init(expectedInputBytes: Int = 8 << 20) {
        let capacity = 1 << 15
        let entries = UnsafeMutablePointer<Entry>.allocate(capacity: capacity)
        UnsafeMutableRawPointer(entries).initializeMemory(as: UInt8.self, repeating: 0, count: capacity * MemoryLayout<Entry>.stride)
        let arenaCapacity = max(expectedInputBytes / 2, 1 << 16)
        hot = .allocate(capacity: 1)
        hot.initialize(to: Hot(
            entries: entries, mask: capacity - 1, arenaBase: .allocate(capacity: arenaCapacity),
            arenaCapacity: arenaCapacity))
        batchStarts = .allocate(capacity: ChunkInverter.batchSize)
        batchLengths = .allocate(capacity: ChunkInverter.batchSize)
        batchWords = .allocate(capacity: ChunkInverter.batchSize)
        batchHashes = .allocate(capacity: ChunkInverter.batchSize)
    }

    deinit {
        entries.deallocate()
        arenaBase.deallocate()
        hot.deinitialize(count: 1)
        hot.deallocate()
        batchStarts.deallocate()
        batchLengths.deallocate()
        batchWords.deallocate()
        batchHashes.deallocate()
    }

    /// Forgets every document and term, keeping the memory.
    func reset() {
        hot.pointee.arenaUsed = 0
        UnsafeMutableRawPointer(entries).initializeMemory(as: UInt8.self, repeating: 0, count: (mask + 1) * MemoryLayout<Entry>.stride)
        termCount = 0
        documentCount = 0
        tokenCount = 0
        for f in 0..<RunFile.fieldCount { fieldLengths[f].removeAll(keepingCapacity: true) }
    }

    /// Adds the next document (local id = `documentCount`) with the text of each field.
    func addDocument(body: UnsafeRawBufferPointer, subject: UnsafeRawBufferPointer, header: UnsafeRawBufferPointer) {
        let doc = Int32(documentCount)
        fieldLengths[0].append(UInt32(invert(body, field: 0, doc: doc)))
        fieldLengths[1].append(UInt32(invert(subject, field: 1, doc: doc)))
        fieldLengths[2].append(UInt32(invert(header, field: 2, doc: doc)))
        documentCount += 1
    }

    /// Tokens per batch: the scan fills a batch, then the batch's table entries are all loaded (independent
    /// loads, so their cache misses overlap), then the tokens are added in order.
    static let batchSize = 32

    /// Tokenizes `text` exactly as `Analyzer.forEachToken` does and records every token; returns the token count.
    private func invert(_ text: UnsafeRawBufferPointer, field: UInt8, doc: Int32) -> Int {
        guard text.count > 0 else { return 0 }
        let scan = tokens
        scan.load(text)
        // A token's key is the field byte then its bytes: it is read in place from `lowered`, from the byte
        // before the token (whose value is never used: the first word is built here, `insert` stores the field).
        let lowered = UnsafeRawPointer(scan.lowered)
        let fieldByte = UInt64(field)
        let batch = ChunkInverter.batchSize
        var from = 0
        var position: Int32 = 0
        var touched: UInt64 = 0
        var more = true
        while more {
            // Find up to `batch` tokens, with their first words and hashes.
            var count = 0
            while count < batch {
                guard let (start, end) = scan.nextToken(from: from) else {
                    more = false
                    break
                }
                from = end
                let length = end - start + 1
                // Shifting by 64 or more gives 0: keys of 8 bytes or more keep the whole word.
                let word = ((lowered.loadUnaligned(fromByteOffset: start, as: UInt64.self) << 8) | fieldByte)
                    & ((1 << (UInt64(truncatingIfNeeded: length) &* 8)) &- 1)
                batchStarts[count] = Int32(truncatingIfNeeded: start - 1)
                batchLengths[count] = Int32(truncatingIfNeeded: length)
                batchWords[count] = word
                batchHashes[count] = ChunkInverter.hash(lowered + (start - 1), length, first: word)
                count += 1
            }
            // Touch every entry of the batch: independent loads whose misses overlap.
            let m = mask
            let table = entries
            for t in 0..<count { touched &+= table[Int(truncatingIfNeeded: batchHashes[t]) & m].key8 }
            // Then the postings tail of each entry that is already the token's term (the next write lands there).
            let arena = arenaBase
            for t in 0..<count {
                let e = table + (Int(truncatingIfNeeded: batchHashes[t]) & m)
                if e.pointee.key8 == batchWords[t] { touched &+= UInt64(arena[Int(e.pointee.write)]) }
            }
            // Add the tokens in order.
            for t in 0..<count {
                add(
                    key: lowered + Int(batchStarts[t]), keyLength: Int(batchLengths[t]),
                    first: batchWords[t], hash: batchHashes[t], doc: doc, position: position)
                position += 1
            }
        }
        hot.pointee.touchSink &+= touched
        tokenCount += Int(position)
        return Int(position)
    }

    /// Hands out `count` uninitialised arena bytes and returns their offset.
    @inline(__always)
    private func allocate(_ count: Int) -> UInt32 {
        let offset = hot.pointee.arenaUsed
        if offset + count > hot.pointee.arenaCapacity { growArena(to: offset + count) }
        hot.pointee.arenaUsed = offset + count
        return UInt32(truncatingIfNeeded: offset)
    }

    @inline(never)
    private func growArena(to needed: Int) {
        precondition(needed < Int(UInt32.max), "in-memory arena past 4 GiB: chunk too large")
        var capacity = hot.pointee.arenaCapacity
        while capacity < needed { capacity = min(capacity * 2, Int(UInt32.max)) }
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        fresh.update(from: arenaBase, count: hot.pointee.arenaUsed)
        arenaBase.deallocate()
        hot.pointee.arenaBase = fresh
        hot.pointee.arenaCapacity = capacity
    }

    /// The 64-bit hash of a key given its first word, over the remaining 8-byte words (the tail masked).
    @inline(__always)
    static func hash(_ key: UnsafeRawPointer, _ length: Int, first: UInt64) -> UInt64 {
        var h = (first ^ (UInt64(truncatingIfNeeded: length) &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        var k = 8
        while k < length {
            var w = key.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            if length - k < 8 { w &= (1 << (UInt64(length - k) &* 8)) &- 1 }
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            k += 8
        }
        h ^= h >> 29
        h = h &* 0x94D0_49BB_1331_11EB
        h ^= h >> 32
        return h
    }

    @inline(__always)
    private func add(key: UnsafeRawPointer, keyLength: Int, first: UInt64, hash h: UInt64, doc: Int32, position: Int32) {
        var index = Int(truncatingIfNeeded: h) & mask
        var e: UnsafeMutablePointer<Entry>
        while true {
            e = entries + index
            let k = e.pointee.key8
            if k == first && Int(e.pointee.keyLength) == keyLength
                && (keyLength <= 8 || ChunkInverter.tailsEqual(UnsafeRawPointer(arenaBase + Int(e.pointee.keyOffset)), key, keyLength))
            {
                break
            }
            if k == 0 {
                e = insert(at: index, key: key, keyLength: keyLength, first: first)
                break
            }
            index = (index + 1) & mask
        }
        if e.pointee.lastDoc != doc {
            if e.pointee.lastDoc >= 0 { put(0, e) }
            putVarint(UInt32(bitPattern: doc &- e.pointee.lastDoc), e)
            e.pointee.lastDoc = doc
            e.pointee.lastPosition = -1
        }
        putVarint(UInt32(bitPattern: position &- e.pointee.lastPosition), e)
        e.pointee.lastPosition = position
    }

    /// Whether two keys of `length` > 8 bytes agree past their first 8 (compared as 8-byte words, the last one
    /// masked; both must be readable up to 7 bytes past `length`).
    @inline(__always)
    static func tailsEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ length: Int) -> Bool {
        var k = 8
        while k < length {
            var x = a.loadUnaligned(fromByteOffset: k, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            if length - k < 8 { x &= (1 << (UInt64(length - k) &* 8)) &- 1 }
            if x != 0 { return false }
            k += 8
        }
        return true
    }

    /// Creates the entry for `key` at the empty slot `index`; returns it (after a table growth,
    /// at its new place).
    @inline(never)
    private func insert(at index: Int, key: UnsafeRawPointer, keyLength: Int, first: UInt64) -> UnsafeMutablePointer<Entry> {
        let keyOffset = allocate(keyLength + Int(ChunkInverter.firstBlockSize))
        UnsafeMutableRawPointer(arenaBase + Int(keyOffset)).copyMemory(from: key, byteCount: keyLength)
        arenaBase[Int(keyOffset)] = UInt8(truncatingIfNeeded: first)  // the field (`key[0]` is not read)
        let write = keyOffset + UInt32(keyLength)
        let blockEnd = write + ChunkInverter.firstBlockSize - 4
        UnsafeMutableRawPointer(arenaBase + Int(blockEnd)).storeBytes(of: ChunkInverter.firstBlockSize, as: UInt32.self)
        let entry = Entry(
            key8: first, keyOffset: keyOffset, keyLength: UInt32(keyLength), write: write, blockEnd: blockEnd,
            lastDoc: -1, lastPosition: -1)
        termCount += 1
        if termCount * 2 > mask + 1 {
            grow()
            return place(entry)
        }
        entries[index] = entry
        return entries + index
    }

    /// Puts `entry` into the first empty slot of its probe sequence (no duplicate check).
    private func place(_ entry: Entry) -> UnsafeMutablePointer<Entry> {
        let key = UnsafeRawPointer(arenaBase + Int(entry.keyOffset))
        let h = ChunkInverter.hash(key, Int(entry.keyLength), first: entry.key8)
        var index = Int(truncatingIfNeeded: h) & mask
        while entries[index].key8 != 0 { index = (index + 1) & mask }
        entries[index] = entry
        return entries + index
    }

    private func grow() {
        let oldEntries = entries
        let oldCount = mask + 1
        let count = oldCount * 2
        entries = .allocate(capacity: count)
        UnsafeMutableRawPointer(entries).initializeMemory(as: UInt8.self, repeating: 0, count: count * MemoryLayout<Entry>.stride)
        mask = count - 1
        for i in 0..<oldCount where oldEntries[i].key8 != 0 { _ = place(oldEntries[i]) }
        oldEntries.deallocate()
    }

    @inline(__always)
    private func put(_ byte: UInt8, _ e: UnsafeMutablePointer<Entry>) {
        if e.pointee.write == e.pointee.blockEnd { newBlock(e) }
        arenaBase[Int(e.pointee.write)] = byte
        e.pointee.write += 1
    }

    @inline(__always)
    private func putVarint(_ value: UInt32, _ e: UnsafeMutablePointer<Entry>) {
        var v = value
        if e.pointee.blockEnd - e.pointee.write >= 5 {
            let out = arenaBase
            var w = Int(e.pointee.write)
            while v >= 0x80 {
                out[w] = UInt8(truncatingIfNeeded: v) | 0x80
                v >>= 7
                w += 1
            }
            out[w] = UInt8(truncatingIfNeeded: v)
            e.pointee.write = UInt32(w + 1)
            return
        }
        while v >= 0x80 {
            put(UInt8(truncatingIfNeeded: v) | 0x80, e)
            v >>= 7
        }
        put(UInt8(truncatingIfNeeded: v), e)
    }

    @inline(never)
    private func newBlock(_ e: UnsafeMutablePointer<Entry>) {
        let oldEnd = Int(e.pointee.blockEnd)
        let oldSize = UnsafeRawPointer(arenaBase + oldEnd).loadUnaligned(as: UInt32.self)
        let size = min(oldSize * 2, ChunkInverter.maxBlockSize)
        let offset = allocate(Int(size))
        let base = UnsafeMutableRawPointer(arenaBase)
        base.storeBytes(of: offset, toByteOffset: oldEnd, as: UInt32.self)
        e.pointee.write = offset
        e.pointee.blockEnd = offset + size - 4
        base.storeBytes(of: size, toByteOffset: Int(offset + size - 4), as: UInt32.self)
    }

    /// The slots of the table that hold a term (the ids `key(of:)` and `forEachPostingPiece(of:)` take).
    func termIDs() -> [UInt32] {
        var ids: [UInt32] = []
        ids.reserveCapacity(termCount)
        for i in 0...mask where entries[i].key8 != 0 { ids.append(UInt32(i)) }
        return ids
    }

    /// Loads the table entries, then the keys, of the terms `ids` as independent loads whose cache misses
    /// overlap, ahead of `key(of:)` and `forEachPostingPiece(of:)` on them (the run is written in key order,
    /// which is random order in the table and the arena).
    func touch(_ ids: ArraySlice<UInt32>) {
        let table = entries
        let arena = arenaBase
        var sum: UInt64 = 0
        for id in ids { sum &+= table[Int(id)].key8 }
        for id in ids { sum &+= UInt64(arena[Int(table[Int(id)].keyOffset)]) }
        hot.pointee.touchSink &+= sum
    }

    /// The first 8 key bytes of term `id`, big-endian (so integer order is byte order).
    func sortPrefix(of id: Int) -> UInt64 { entries[id].key8.byteSwapped }

    /// Calls `body` with each contiguous piece of term `id`'s posting bytes, in order (the final document's `0`
    /// terminator is not included).
    func forEachPostingPiece(of id: Int, _ body: (UnsafeRawBufferPointer) -> Void) {
        let entry = entries[id]
        let base = arenaBase
        var start = Int(entry.keyOffset + entry.keyLength)
        var size = Int(ChunkInverter.firstBlockSize)
        while true {
            let dataEnd = start + size - 4
            if dataEnd == Int(entry.blockEnd) {
                body(UnsafeRawBufferPointer(start: base + start, count: Int(entry.write) - start))
                return
            }
            body(UnsafeRawBufferPointer(start: base + start, count: dataEnd - start))
            start = Int(UnsafeRawPointer(base + dataEnd).loadUnaligned(as: UInt32.self))
            size = min(size * 2, Int(ChunkInverter.maxBlockSize))
        }
    }

    /// The key bytes (field ordinal + term) of term `id`.
    func key(of id: Int) -> UnsafeRawBufferPointer {
        let entry = entries[id]
        return UnsafeRawBufferPointer(start: arenaBase + Int(entry.keyOffset), count: Int(entry.keyLength))
    }

    /// The bytes the inverter holds now (arena and table): what the memory budget accounts.
    var memoryFootprint: Int { hot.pointee.arenaCapacity + (mask + 1) * MemoryLayout<Entry>.stride }
}
