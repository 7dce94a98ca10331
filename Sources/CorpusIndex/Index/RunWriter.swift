/// Writes one run file (see `RunFile` for the layout): entries in strictly increasing key order, each key
/// prefix-compressed against the previous one within its bucket, then the bucket table and the footer.
///
/// The caller writes each entry's postings bytes to `out` right after `beginEntry` (exactly `postingsLength`
/// of them). Owns its file until `finish`. Not thread-safe.
final class RunWriter {
    let out: BufferedFileWriter
    private var bucketStarts = [UInt64](repeating: 0, count: RunFile.bucketCount + 1)
    private var nextBucket = 0
    /// The previous key (manually managed: this runs once per entry of every run).
    private var previous: UnsafeMutablePointer<UInt8>
    private var previousLength = 0
    private var previousCapacity = 256
    private(set) var termCount = 0

    init(path: String) throws {
        out = try BufferedFileWriter(path: path)
        previous = .allocate(capacity: previousCapacity)
        try RunFile.magic.withUnsafeBytes { try out.append($0) }
    }

    deinit { previous.deallocate() }

    /// Writes an entry's key and postings length; `postingsLength` bytes of postings must follow on `out`.
    func beginEntry(key: UnsafeRawBufferPointer, postingsLength: Int) throws {
        let bucket = RunFile.bucket(ofKey: key)
        var shared = 0
        if bucket >= nextBucket {
            while nextBucket <= bucket {
                bucketStarts[nextBucket] = UInt64(out.offset)
                nextBucket += 1
            }
        } else {
            shared = sharedPrefix(key)
        }
        try out.appendVarint(UInt64(shared))
        try out.appendVarint(UInt64(key.count - shared))
        try out.append(UnsafeRawBufferPointer(rebasing: key[shared...]))
        try out.appendVarint(UInt64(postingsLength))
        if key.count > previousCapacity {
            previous.deallocate()
            while previousCapacity < key.count { previousCapacity *= 2 }
            previous = .allocate(capacity: previousCapacity)
        }
        if let base = key.baseAddress { UnsafeMutableRawPointer(previous).copyMemory(from: base, byteCount: key.count) }
        previousLength = key.count
        termCount += 1
    }

    /// Bytes `key` shares with the previous key (8 at a time, then byte by byte).
    @inline(__always)
    private func sharedPrefix(_ key: UnsafeRawBufferPointer) -> Int {
        guard let k = key.baseAddress else { return 0 }
        let p = UnsafeRawPointer(previous)
        let limit = min(previousLength, key.count)
        var shared = 0
        while shared + 8 <= limit {
            let x = p.loadUnaligned(fromByteOffset: shared, as: UInt64.self) ^ k.loadUnaligned(fromByteOffset: shared, as: UInt64.self)
            if x != 0 { return shared + (UInt64(littleEndian: x).trailingZeroBitCount >> 3) }
            shared += 8
        }
        while shared < limit && p.load(fromByteOffset: shared, as: UInt8.self) == k.load(fromByteOffset: shared, as: UInt8.self) {
            shared += 1
        }
        return shared
    }

    /// Writes the bucket table and footer and closes the file; returns its size.
    func finish(documentCount: Int) throws -> Int {
        while nextBucket <= RunFile.bucketCount {
            bucketStarts[nextBucket] = UInt64(out.offset)
            nextBucket += 1
        }
        let tableOffset = out.offset
        for start in bucketStarts { try out.appendLittleEndian(start) }
        try out.appendLittleEndian(UInt32(documentCount))
        try out.appendLittleEndian(UInt32(termCount))
        try out.appendLittleEndian(UInt64(tableOffset))
        try RunFile.endMagic.withUnsafeBytes { try out.append($0) }
        let size = out.offset
        try out.close()
        return size
    }
}
