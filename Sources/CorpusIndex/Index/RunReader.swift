#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the entries of one bucket range of a run file (see `RunFile`) front to back through a bounded buffer
/// (`pread(2)`), so a merge over hundreds of runs costs `runs × bufferSize` of memory whatever their sizes.
///
/// Owns its descriptor and buffers. Everything read is bounds-checked and a malformed run throws
/// `CorpusIndexError.corrupt`; runs are our own temporary files, but disks and bugs happen. Not thread-safe.
final class RunReader {
    let path: String
    /// The run's chunk order: ties between equal keys go to the lower rank first (documents ascend with it).
    let rank: Int
    /// The first document id of this run in the whole index.
    let documentBase: UInt32
    private(set) var documentCount: UInt32 = 0
    private(set) var bucketStarts: [UInt64] = []
    private var fd: Int32
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The buffer's normal size; it grows to hold one oversized entry and shrinks back after it.
    private let baseCapacity: Int
    private var fileOffset = 0  // file offset of buffer[0]
    private var filled = 0
    private var cursor = 0
    private var end = 0  // file offset where the current range ends
    /// The current entry's key and postings (valid until the next `next()`).
    private(set) var key: UnsafeMutablePointer<UInt8>
    private(set) var keyLength = 0
    private var keyCapacity = 256
    /// The current key's first 8 bytes as a big-endian integer, zero-padded: keys whose prefixes differ are
    /// ordered as their prefixes are (`RunMerger` compares these before the bytes).
    private(set) var keyPrefix: UInt64 = 0
    private(set) var postings = UnsafeRawBufferPointer(start: nil, count: 0)
    /// Where a postings list larger than the buffer starts in the file (then `postings` is empty and the bytes
    /// are streamed by `forEachPostingsPiece`), and its length; 0 for a resident entry.
    private var deferredOffset = 0
    private var deferredLength = 0
    /// Whether the current entry's postings are in `postings` (else `forEachPostingsPiece` streams them).
    var isResident: Bool { deferredLength == 0 }
    /// The current entry's postings length in bytes (resident or deferred).
    var postingsLength: Int { deferredLength > 0 ? deferredLength : postings.count }

    init(path: String, rank: Int, documentBase: UInt32, bufferSize: Int) throws {
        self.path = path
        self.rank = rank
        self.documentBase = documentBase
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CorpusIndexError.io(path: path, errno: errno, operation: "open") }
        capacity = max(bufferSize, 4096)
        baseCapacity = capacity
        buffer = .allocate(capacity: capacity)
        key = .allocate(capacity: keyCapacity)
        key.initialize(repeating: 0, count: keyCapacity)
        try loadFooter()
    }

    private func loadFooter() throws {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CorpusIndexError.io(path: path, errno: errno, operation: "fstat") }
        let size = Int(st.st_size)
        let tableSize = (RunFile.bucketCount + 1) * 8
        guard size >= 8 + tableSize + RunFile.footerSize else { throw corrupt("footer", "file too short") }
        var footer = [UInt8](repeating: 0, count: RunFile.footerSize)
        try footer.withUnsafeMutableBytes { try readExactly($0, at: size - RunFile.footerSize) }
        guard Array(footer[16..<24]) == RunFile.endMagic else { throw corrupt("footer", "bad end magic") }
        documentCount = footer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt32.self).littleEndian }
        let tableOffset = footer.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian) }
        guard tableOffset == size - RunFile.footerSize - tableSize else { throw corrupt("footer", "bad table offset") }
        var table = [UInt64](repeating: 0, count: RunFile.bucketCount + 1)
        try table.withUnsafeMutableBytes { try readExactly($0, at: tableOffset) }
        bucketStarts = table.map { UInt64(littleEndian: $0) }
        var previous: UInt64 = 8
        for start in bucketStarts {
            guard start >= previous, start <= UInt64(tableOffset) else { throw corrupt("bucket table", "offsets out of order") }
            previous = start
        }
    }

    deinit {
        if fd >= 0 { close(fd) }
        buffer.deallocate()
        key.deallocate()
    }

    private func corrupt(_ section: String, _ reason: String) -> CorpusIndexError {
        .corrupt(file: path, section: "run \(section)", reason: reason)
    }

    private func readExactly(_ out: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < out.count {
            let n = pread(fd, out.baseAddress! + done, out.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw CorpusIndexError.io(path: path, errno: errno, operation: "pread")
            }
            if n == 0 { throw corrupt("data", "unexpected end of file") }
            done += n
        }
    }

    /// Positions the reader before the first entry of buckets `range` (bucket indexes, see `RunFile.bucket`).
    func seek(buckets range: Range<Int>) {
        fileOffset = Int(bucketStarts[range.lowerBound])
        end = Int(bucketStarts[range.upperBound])
        filled = 0
        cursor = 0
        keyLength = 0
    }

    /// Makes `count` bytes available at `cursor`, refilling (and if needed growing) the buffer.
    @inline(__always)
    private func ensure(_ count: Int) throws {
        if cursor + count <= filled { return }
        try refill(count)
    }

    @inline(never)
    private func refill(_ count: Int) throws {
        let remaining = filled - cursor
        if count <= baseCapacity && capacity > baseCapacity && remaining <= baseCapacity {
            // The previous entry needed a bigger buffer; give the memory back.
            let smaller = UnsafeMutablePointer<UInt8>.allocate(capacity: baseCapacity)
            smaller.update(from: buffer + cursor, count: remaining)
            buffer.deallocate()
            buffer = smaller
            capacity = baseCapacity
        } else if count > capacity {
            var newCapacity = capacity
            while newCapacity < count { newCapacity *= 2 }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            bigger.update(from: buffer + cursor, count: remaining)
            buffer.deallocate()
            buffer = bigger
            capacity = newCapacity
        } else if remaining > 0 {
            buffer.update(from: buffer + cursor, count: remaining)
        }
        fileOffset += cursor
        cursor = 0
        filled = remaining
        let want = min(capacity, end - fileOffset) - filled
        guard want >= count - filled else { throw corrupt("entries", "entry runs past its bucket range") }
        if want > 0 {
            try readExactly(UnsafeMutableRawBufferPointer(start: buffer + filled, count: want), at: fileOffset + filled)
            filled += want
        }
    }

    /// Whether entries remain in the range.
    var hasMore: Bool { fileOffset + cursor < end }

    /// The next varint of the entries: a one-byte one (almost every key length and most postings lengths) read
    /// in place when the buffer holds it, anything else through `slowVarint`.
    @inline(__always)
    private func varint() throws -> Int {
        if cursor < filled {
            let b = buffer[cursor]
            if b < 0x80 {
                cursor &+= 1
                return Int(b)
            }
        }
        return try slowVarint()
    }

    @inline(never)
    private func slowVarint() throws -> Int {
        try ensure(min(10, end - fileOffset - cursor))
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard cursor < filled, shift < 64 else { throw corrupt("entries", "bad varint") }
            let b = buffer[cursor]
            cursor += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
        }
        guard result < UInt64(Int32.max) else { throw corrupt("entries", "length out of range") }
        return Int(result)
    }

    /// Reads the next entry; `false` at the end of the range.
    func next() throws -> Bool {
        guard hasMore else { return false }
        let shared = try varint()
        let suffix = try varint()
        guard shared <= keyLength, shared + suffix >= 2 else { throw corrupt("entries", "bad key lengths") }
        if shared + suffix > keyCapacity {
            var newCapacity = keyCapacity
            while newCapacity < shared + suffix { newCapacity *= 2 }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            bigger.initialize(repeating: 0, count: newCapacity)
            bigger.update(from: key, count: shared)
            key.deallocate()
            key = bigger
            keyCapacity = newCapacity
        }
        try ensure(suffix)
        (key + shared).update(from: buffer + cursor, count: suffix)
        cursor += suffix
        keyLength = shared + suffix
        // The first byte is the field ordinal (and `RunMerger` relies on it to keep its end-of-run sentinel above
        // every key).
        guard Int(key[0]) < RunFile.fieldCount else { throw corrupt("entries", "field ordinal out of range") }
        // The key buffer holds at least 256 initialised bytes: load 8, keep the key's.
        let word = UInt64(bigEndian: UnsafeRawPointer(key).loadUnaligned(as: UInt64.self))
        keyPrefix = keyLength >= 8 ? word : word & ~(UInt64.max >> UInt64(8 * keyLength))
        let length = try varint()
        if length > baseCapacity {
            // A list larger than the buffer (a frequent term, above all in runs joined by an intermediate pass,
            // whose lists grow with the input): leave it on disk and stream it, so memory stays at the buffer.
            let start = fileOffset + cursor
            guard start + length <= end else { throw corrupt("entries", "entry runs past its bucket range") }
            deferredOffset = start
            deferredLength = length
            postings = UnsafeRawBufferPointer(start: nil, count: 0)
            if start + length <= fileOffset + filled {
                cursor += length
            } else {
                fileOffset = start + length
                cursor = 0
                filled = 0
            }
            return true
        }
        deferredLength = 0
        try ensure(length)
        postings = UnsafeRawBufferPointer(start: buffer + cursor, count: length)
        cursor += length
        return true
    }

    /// Calls `body` with the current entry's postings in order, in pieces that each end at a document boundary
    /// (after a position list's 0 terminator; 0 bytes occur nowhere else in the run encoding): a resident entry
    /// in one piece, a deferred one read from the file in pieces of about the buffer size (more only for a single
    /// document longer than that). May be called more than once per entry.
    func forEachPostingsPiece(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard deferredLength > 0 else { return try body(postings) }
        var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: baseCapacity, alignment: 8)
        defer { scratch.deallocate() }
        var carried = 0
        var offset = deferredOffset
        var remaining = deferredLength
        while true {
            if carried == scratch.count {
                let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: 2 * scratch.count, alignment: 8)
                bigger.copyMemory(from: UnsafeRawBufferPointer(scratch))
                scratch.deallocate()
                scratch = bigger
            }
            let want = min(scratch.count - carried, remaining)
            try readExactly(UnsafeMutableRawBufferPointer(rebasing: scratch[carried..<(carried + want)]), at: offset)
            offset += want
            remaining -= want
            let count = carried + want
            if remaining == 0 { return try body(UnsafeRawBufferPointer(rebasing: scratch[0..<count])) }
            var cut = count
            while cut > 0 && scratch[cut - 1] != 0 { cut -= 1 }
            if cut == 0 {
                carried = count
                continue
            }
            try body(UnsafeRawBufferPointer(rebasing: scratch[0..<cut]))
            carried = count - cut
            if carried > 0 { scratch.baseAddress!.copyMemory(from: scratch.baseAddress! + cut, byteCount: carried) }
        }
    }

    var keyBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: key, count: keyLength) }
}
