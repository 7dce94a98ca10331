import CLZ4
import CZlib

/// A reusable compressor of document-store blocks for one thread: it keeps liblz4's state
/// (`LZ4_compress_fast_extState`) or a zlib deflate stream (`deflateReset`) and an output buffer between blocks,
/// so compressing a block allocates only its result. The output is framed exactly as `LZ4Block` / `ZlibBlock`
/// frame it (docs/FORMAT.md, "LZ4 and zlib blocks"), byte for byte.
///
/// Not thread-safe: use one per thread (`@unchecked Sendable` only so that a pool of them can be handed to
/// `concurrentPerform`, each index used by one worker).
final class BlockCompressor: @unchecked Sendable {
    let compression: StoreCompression
    private var lz4State: UnsafeMutableRawPointer?
    private var zstream = z_stream()
    private var zlibReady = false
    private var output: UnsafeMutableRawPointer
    private var outputCapacity: Int

    init(_ compression: StoreCompression, level: Int32 = 6) {
        self.compression = compression
        outputCapacity = 1 << 17
        output = .allocate(byteCount: outputCapacity, alignment: 16)
        switch compression {
        case .lz4:
            lz4State = .allocate(byteCount: Int(LZ4_sizeofState()), alignment: 16)
        case .zlib:
            let status = deflateInit_(&zstream, level, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            precondition(status == Z_OK, "deflateInit failed (\(status))")
            zlibReady = true
        }
    }

    deinit {
        lz4State?.deallocate()
        if zlibReady { deflateEnd(&zstream) }
        output.deallocate()
    }

    /// Appends the framed compression of `input` to `out`.
    func compress(_ input: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        precondition(input.count <= LZ4Block.maxInputSize, "block too large")
        let bound = compression == .lz4
            ? Int(LZ4_compressBound(Int32(input.count))) : Int(deflateBound(&zstream, uLong(input.count)))
        if bound > outputCapacity {
            output.deallocate()
            outputCapacity = max(bound, 2 * outputCapacity)
            output = .allocate(byteCount: outputCapacity, alignment: 16)
        }
        var written = 0
        if input.count > 0 || compression == .zlib {
            switch compression {
            case .lz4:
                written = Int(
                    LZ4_compress_fast_extState(
                        lz4State, input.baseAddress!.assumingMemoryBound(to: CChar.self),
                        output.assumingMemoryBound(to: CChar.self), Int32(input.count), Int32(bound), 1))
                precondition(written > 0, "LZ4_compress_fast_extState failed")
            case .zlib:
                written = deflateBlock(input, bound: bound)
            }
        }
        out.reserveCapacity(out.count + 8 + written)
        appendLE(UInt32(input.count), &out)
        appendLE(UInt32(written), &out)
        out.append(contentsOf: UnsafeRawBufferPointer(start: output, count: written))
    }

    private func deflateBlock(_ input: UnsafeRawBufferPointer, bound: Int) -> Int {
        precondition(deflateReset(&zstream) == Z_OK)
        var empty: UInt8 = 0
        return withUnsafeMutablePointer(to: &empty) { emptyPointer in
            zstream.next_in = UnsafeMutablePointer(
                mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self) ?? UnsafePointer(emptyPointer))
            zstream.avail_in = uInt(input.count)
            zstream.next_out = output.assumingMemoryBound(to: Bytef.self)
            zstream.avail_out = uInt(bound)
            let status = deflate(&zstream, Z_FINISH)
            precondition(status == Z_STREAM_END, "deflate failed (\(status))")
            return Int(zstream.total_out)
        }
    }
}
