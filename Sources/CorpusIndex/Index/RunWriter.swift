/// Writes one run file (see `RunFile` for the layout): entries in strictly increasing key order, each key
/// prefix-compressed against the previous one within its bucket, then the bucket table and the footer.
///
/// The caller writes each entry's postings bytes to `out` right after `beginEntry` (exactly `postingsLength`
/// of them). Owns its file until `finish`. Not thread-safe.
final class RunWriter {
    let out: BufferedFileWriter
    private var bucketStarts = [UInt64](repeating: 0, count: RunFile.bucketCount + 1)
    private var nextBucket = 0
    private var previous: [UInt8] = []
    private(set) var termCount = 0

    init(path: String) throws {
        out = try BufferedFileWriter(path: path)
        try RunFile.magic.withUnsafeBytes { try out.append($0) }
    }

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
            let limit = min(previous.count, key.count)
            while shared < limit && previous[shared] == key[shared] { shared += 1 }
        }
        try out.appendVarint(UInt64(shared))
        try out.appendVarint(UInt64(key.count - shared))
        try out.append(UnsafeRawBufferPointer(rebasing: key[shared...]))
        try out.appendVarint(UInt64(postingsLength))
        previous.removeAll(keepingCapacity: true)
        previous.append(contentsOf: key)
        termCount += 1
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
