import CLZ4

/// Decompresses an LZ4 frame stream (`.lz4`, the `lz4` tool's format) from another source with
/// `LZ4F_decompress`, streamed in 256 KiB input blocks; concatenated frames are read one after another. A stream
/// that ends inside a frame, or corrupt data, throws `CorpusIndexError.corrupt` naming the input and the
/// decompressed offset. Not thread-safe (one reader).
final class LZ4Source: ByteSource {
    let name: String
    private let input: ByteSource
    private var context: OpaquePointer?
    private var inBuffer: UnsafeMutableRawBufferPointer
    private var inStart = 0
    private var inEnd = 0
    private var inputEnded = false
    private var frameOpen = false
    private var produced = 0

    init(input: ByteSource) throws {
        self.input = input
        name = input.name
        inBuffer = .allocate(byteCount: 256 << 10, alignment: 16)
        let status = LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(status) == 0 else {
            inBuffer.deallocate()
            throw CorpusIndexError.corrupt(file: name, section: "lz4 frame", reason: "cannot create a decompression context")
        }
    }

    deinit {
        LZ4F_freeDecompressionContext(context)
        inBuffer.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            if inStart == inEnd && !inputEnded {
                let got = try input.read(into: inBuffer)
                inStart = 0
                inEnd = got
                if got == 0 { inputEnded = true }
            }
            if inStart == inEnd && inputEnded {
                if frameOpen {
                    throw CorpusIndexError.corrupt(
                        file: name, section: "lz4 frame",
                        reason: "truncated: the stream ends at decompressed byte \(produced) inside a frame")
                }
                return 0
            }
            var outSize = buffer.count
            var inSize = inEnd - inStart
            let hint = LZ4F_decompress(context, out, &outSize, inBuffer.baseAddress! + inStart, &inSize, nil)
            if LZ4F_isError(hint) != 0 {
                let message = String(cString: LZ4F_getErrorName(hint))
                throw CorpusIndexError.corrupt(
                    file: name, section: "lz4 frame", reason: "\(message) at decompressed byte \(produced)")
            }
            inStart += inSize
            frameOpen = hint != 0
            if outSize > 0 {
                produced += outSize
                return outSize
            }
        }
    }
}
