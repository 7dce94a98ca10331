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
/// appends: no Swift `Array`, `Dictionary` or `String` per token. Tokens are found 16 bytes at a time
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
    /// A token in flight (see `invert`): its key's first 8 bytes, hash, offset in `tokens.lowered` (the byte
    /// before the token) and length (field byte included).
    struct InFlight {
        var word: UInt64
        var hash: UInt64
        var start: Int32
        var length: Int32
    }

    /// The tokens in flight, a ring of `ringSize`.
    private let ring: UnsafeMutablePointer<InFlight>
    /// The per-token lookup tables (see `ChunkInverterTables`).
    private let tables = ChunkInverterTables()
    /// Documents added since the last reset.
    private(set) var documentCount = 0
    /// Tokens per field per document since the last reset: `fieldLengths[field][doc]`.
    private(set) var fieldLengths: [[UInt32]] = Array(repeating: [], count: RunFile.fieldCount)
    /// Tokens added since the last reset.
    private(set) var tokenCount = 0

    init(expectedInputBytes: Int = 8 << 20) {
        let capacity = 1 << 15
        let entries = ChunkInverter.allocateTable(capacity)
        let arenaCapacity = LargePageMemory.roundedSize(max(expectedInputBytes / 2, 1 << 16))
        hot = .allocate(capacity: 1)
        hot.initialize(to: Hot(
            entries: entries, mask: capacity - 1,
            arenaBase: LargePageMemory.allocate(byteCount: arenaCapacity).assumingMemoryBound(to: UInt8.self),
            arenaCapacity: arenaCapacity))
        ring = .allocate(capacity: ChunkInverter.ringSize)
    }

    deinit {
        LargePageMemory.deallocate(entries, byteCount: (mask + 1) * MemoryLayout<Entry>.stride)
        LargePageMemory.deallocate(arenaBase, byteCount: hot.pointee.arenaCapacity)
        hot.deinitialize(count: 1)
        hot.deallocate()
        ring.deallocate()
        tables.deallocate()
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

    /// Tokens in flight (see `invert`): a power of two above `recordLag`.
    static let ringSize = 32
    /// Tokens between prefetching a token's table entry and reading it to prefetch the token's postings tail.
    static let tailLead = 8
    /// Tokens between finding a token and recording it.
    static let recordLag = 16

    /// Tokenizes `text` exactly as `Analyzer.forEachToken` does and records every token; returns the token count.
    ///
    /// A software pipeline over a ring of tokens hides the cache misses of rare terms: when a token is found its
    /// table entry is prefetched; `tailLead` tokens later the entry (arrived by then) gives the places of the
    /// term's key and postings tail, which are prefetched; `recordLag` tokens after it was found the token is
    /// looked up and recorded, its lines in cache. Prefetches do not stall the pipeline as loads would, and a
    /// stale one (the table grew, the entry was another term's) only wastes a line fill.
    private func invert(_ text: UnsafeRawBufferPointer, field: UInt8, doc: Int32) -> Int {
        guard text.count > 0 else { return 0 }
        let scan = tokens
        scan.load(text)
        // A token's key is the field byte then its bytes: it is read in place from `lowered`, from the byte
        // before the token (whose value is never used: the first word is built here, `insert` stores the field).
        let lowered = UnsafeRawPointer(scan.lowered)
        var cursor = scan.tokens()
        let fieldByte = UInt64(field)
        let tables = self.tables
        let ring = self.ring
        let wrap = ChunkInverter.ringSize - 1
        let lead = ChunkInverter.tailLead
        let lag = ChunkInverter.recordLag
        var found = 0
        while let (start, end) = cursor.next() {
            let length = end &- start &+ 1
            let key = lowered + (start &- 1)
            let masks = tables.keyWordMasks(length)
            let word = ((lowered.loadUnaligned(fromByteOffset: start, as: UInt64.self) << 8) | fieldByte) & masks.first
            let second = key.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & masks.second
            let h = ChunkInverter.hash(key, length, first: word, second: second)
            ring[found & wrap] = InFlight(
                word: word, hash: h, start: Int32(truncatingIfNeeded: start &- 1), length: Int32(truncatingIfNeeded: length))
            prefetch(entries + (Int(truncatingIfNeeded: h) & mask))
            if found >= lead { prefetchPostings(ring[(found &- lead) & wrap].hash) }
            if found >= lag { recordToken(found &- lag, lowered: lowered, doc: doc, tables: tables) }
            found &+= 1
        }
        for t in max(found - lead, 0)..<found { prefetchPostings(ring[t & wrap].hash) }
        for t in max(found - lag, 0)..<found { recordToken(t, lowered: lowered, doc: doc, tables: tables) }
        tokenCount += found
        return found
    }

    /// Prefetches the key and postings tail of the entry at the home slot of hash `h` (whatever term it holds).
    @inline(__always)
    private func prefetchPostings(_ h: UInt64) {
        let e = entries + (Int(truncatingIfNeeded: h) & mask)
        let arena = UnsafeRawPointer(arenaBase)
        prefetch(arena + Int(e.pointee.write))
        prefetch(arena + Int(e.pointee.keyOffset) + 8)
    }

    /// Looks up and records token `t` of the ring (its position in the field is `t`).
    @inline(__always)
    private func recordToken(_ t: Int, lowered: UnsafeRawPointer, doc: Int32, tables: ChunkInverterTables) {
        let token = ring[t & (ChunkInverter.ringSize - 1)]
        let e = lookup(key: lowered + Int(token.start), keyLength: Int(token.length), first: token.word, hash: token.hash)
        record(e, doc: doc, position: Int32(truncatingIfNeeded: t), tables: tables)
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
        capacity = LargePageMemory.roundedSize(capacity)
        let fresh = LargePageMemory.allocate(byteCount: capacity).assumingMemoryBound(to: UInt8.self)
        fresh.update(from: arenaBase, count: hot.pointee.arenaUsed)
        LargePageMemory.deallocate(arenaBase, byteCount: hot.pointee.arenaCapacity)
        hot.pointee.arenaBase = fresh
        hot.pointee.arenaCapacity = capacity
    }

    /// The 64-bit hash of a key given its first word, over the remaining 8-byte words (the tail masked). The
    /// second word is always mixed in (masked to nothing for keys of up to 8 bytes), so keys of up to 16 bytes
    /// (nearly all) hash without a branch on their length; the key must be readable 16 bytes from its start.
    @inline(__always)
    static func hash(_ key: UnsafeRawPointer, _ length: Int, first: UInt64) -> UInt64 {
        hash(key, length, first: first, second: key.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & wordMask(length - 8))
    }

    /// `hash(key, length, first:)` given the key's second word too (bytes 8..<16, masked to the key's length).
    ///
    /// One 64x64->128-bit multiply of the two words, each xored with a constant, folded (high half xor low half,
    /// as wyhash's mum), so every key bit reaches the low bits the table index uses; one more multiply per further
    /// 8 bytes. Neither factor is ever 0 (a zero product would lose the other word): the first word's low byte
    /// (the field, 0-2) xor 0x2F is not 0, and the second's byte 1 (a token byte or 0) xor 0x28 (a separator)
    /// is not 0 for keys under 256 bytes.
    @inline(__always)
    static func hash(_ key: UnsafeRawPointer, _ length: Int, first: UInt64, second: UInt64) -> UInt64 {
        var h = mix(first ^ 0xA076_1D64_78BD_642F, second ^ 0xE703_7ED1_A0B4_28DB ^ UInt64(truncatingIfNeeded: length))
        var k = 16
        while k < length {
            let w = key.loadUnaligned(fromByteOffset: k, as: UInt64.self) & wordMask(length - k)
            h = mix(h ^ w, 0x8EBC_6AF0_9C88_C6E3)
            k += 8
        }
        return h
    }

    /// The high and low halves of the 128-bit product `a * b`, xored.
    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return high ^ low
    }

    /// The mask keeping the first `bytes` bytes of a little-endian word: none for `bytes <= 0`, all for `>= 8`.
    @inline(__always)
    static func wordMask(_ bytes: Int) -> UInt64 {
        // Branch-free: clamp to 0...8 (min/max become conditional moves), then shift 1 by 4 * 2 * bytes in two
        // masking shifts (each < 64), which gives 0 for 8 bytes, and subtract 1.
        let half = UInt64(truncatingIfNeeded: min(max(bytes, 0), 8)) &* 4
        return (((1 as UInt64) &<< half) &<< half) &- 1
    }

    /// Finds or creates the entry of the key at `key` (`first` its first word, `h` its hash).
    @inline(__always)
    private func lookup(key: UnsafeRawPointer, keyLength: Int, first: UInt64, hash h: UInt64) -> UnsafeMutablePointer<Entry> {
        let mask = self.mask
        let table = entries
        var index = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = table + index
            let k = e.pointee.key8
            // Equal first words and lengths decide keys of up to 8 bytes (term bytes are never 0).
            if (k ^ first) | UInt64(truncatingIfNeeded: Int(e.pointee.keyLength) ^ keyLength) == 0
                && (keyLength <= 8
                    || ChunkInverter.tailsEqual(UnsafeRawPointer(arenaBase + Int(e.pointee.keyOffset)), key, keyLength))
            {
                return e
            }
            if k == 0 { return insert(at: index, key: key, keyLength: keyLength, first: first) }
            index = (index + 1) & mask
        }
    }

    /// Appends the occurrence of `e`'s term at `position` of document `doc` to its postings.
    @inline(__always)
    private func record(_ e: UnsafeMutablePointer<Entry>, doc: Int32, position: Int32, tables: ChunkInverterTables) {
        let lastDoc = e.pointee.lastDoc
        let w = Int(e.pointee.write)
        // The fast path: room for a terminator and two varints of up to 4 bytes (deltas < 2^28, which any
        // document and position below 2^27 guarantee), each written as one 4-byte store.
        if Int(e.pointee.blockEnd) - w >= 9 && UInt32(bitPattern: doc | position) < 1 << 27 {
            let out = UnsafeMutableRawPointer(arenaBase)
            var at = w
            var lastPosition = e.pointee.lastPosition
            if lastDoc != doc {
                out.storeBytes(of: 0, toByteOffset: at, as: UInt8.self)
                at += Int(truncatingIfNeeded: ~(lastDoc >> 31) & 1)  // the terminator counts unless lastDoc is -1
                let (bytes, count) = tables.varint28(UInt32(bitPattern: doc &- lastDoc))
                out.storeBytes(of: bytes, toByteOffset: at, as: UInt32.self)
                at += count
                e.pointee.lastDoc = doc
                lastPosition = -1
            }
            let (bytes, count) = tables.varint28(UInt32(bitPattern: position &- lastPosition))
            out.storeBytes(of: bytes, toByteOffset: at, as: UInt32.self)
            e.pointee.write = UInt32(truncatingIfNeeded: at + count)
            e.pointee.lastPosition = position
            return
        }
        recordAtBlockEnd(e, doc: doc, position: position)
    }

    /// `record` byte by byte, chaining a new block when the current one fills (or for deltas of 2^28 or more).
    @inline(never)
    private func recordAtBlockEnd(_ e: UnsafeMutablePointer<Entry>, doc: Int32, position: Int32) {
        let lastDoc = e.pointee.lastDoc
        if lastDoc != doc {
            if lastDoc >= 0 { put(0, e) }
            putVarint(UInt32(bitPattern: doc &- lastDoc), e)
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
            let x = a.loadUnaligned(fromByteOffset: k, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            if x & wordMask(length - k) != 0 { return false }
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
        entries = ChunkInverter.allocateTable(count)
        mask = count - 1
        for i in 0..<oldCount where oldEntries[i].key8 != 0 { _ = place(oldEntries[i]) }
        LargePageMemory.deallocate(oldEntries, byteCount: oldCount * MemoryLayout<Entry>.stride)
    }

    /// A zeroed table of `count` entries in large pages.
    private static func allocateTable(_ count: Int) -> UnsafeMutablePointer<Entry> {
        LargePageMemory.allocate(byteCount: count * MemoryLayout<Entry>.stride).bindMemory(to: Entry.self, capacity: count)
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

    /// Prefetches the table entries, then the keys, of the terms `ids`, ahead of `key(of:)` and
    /// `forEachPostingPiece(of:)` on them (the run is written in key order, which is random order in the table and
    /// the arena).
    func prefetchTerms(_ ids: ArraySlice<UInt32>) {
        let table = entries
        let arena = UnsafeRawPointer(arenaBase)
        for id in ids { prefetch(table + Int(id)) }
        for id in ids { prefetch(arena + Int(table[Int(id)].keyOffset)) }
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
