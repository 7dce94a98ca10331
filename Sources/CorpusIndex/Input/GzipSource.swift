import CZlib

/// Inflates a gzip (or zlib) stream from another source, streamed in 256 KiB input blocks (`inflateInit2` with
/// `MAX_WBITS + 32`: gzip or zlib header auto-detected). Concatenated gzip members are read one after another, as
/// `gzip -d` does. A stream that ends before its end marker, or corrupt data, throws `CorpusIndexError.corrupt`
/// naming the input and the decompressed offset. Not thread-safe (one reader).
final class GzipSource: ByteSource {
    let name: String
    private let input: ByteSource
    private var stream = z_stream()
    private var inBuffer: UnsafeMutableRawBufferPointer
    private var inputEnded = false
    private var finished = false
    private var produced = 0

    init(input: ByteSource) throws {
        self.input = input
        name = input.name
        inBuffer = .allocate(byteCount: 256 << 10, alignment: 16)
        let status = inflateInit2_(&stream, MAX_WBITS + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            inBuffer.deallocate()
            throw CorpusIndexError.corrupt(file: name, section: "gzip stream", reason: "inflateInit2 failed (\(status))")
        }
    }

    deinit {
        inflateEnd(&stream)
        inBuffer.deallocate()
    }

    /// Reads the next input block when zlib has consumed the previous one; notes the end of the input.
    private func refillInputIfEmpty() throws {
        guard stream.avail_in == 0 && !inputEnded else { return }
        let got = try input.read(into: inBuffer)
        if got == 0 {
            inputEnded = true
        } else {
            stream.next_in = inBuffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = UInt32(got)
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
        stream.next_out = out.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(clamping: buffer.count)
        let capacity = Int(stream.avail_out)
        while stream.avail_out == UInt32(capacity) {
            try refillInputIfEmpty()
            if stream.avail_in == 0 && inputEnded {
                throw CorpusIndexError.corrupt(
                    file: name, section: "gzip stream",
                    reason: "truncated: the stream ends at decompressed byte \(produced) before its end marker")
            }
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_OK:
                continue
            case Z_BUF_ERROR where stream.avail_in == 0:
                continue  // needs more input: read above, or report truncation
            case Z_BUF_ERROR:
                throw CorpusIndexError.corrupt(
                    file: name, section: "gzip stream", reason: "no progress at decompressed byte \(produced)")
            case Z_STREAM_END:
                // Another member may follow.
                try refillInputIfEmpty()
                if stream.avail_in == 0 {
                    finished = true
                    break
                }
                inflateReset(&stream)
                continue
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw CorpusIndexError.corrupt(
                    file: name, section: "gzip stream", reason: "\(message) at decompressed byte \(produced)")
            }
            if finished { break }
        }
        let n = capacity - Int(stream.avail_out)
        produced += n
        return n
    }
}
