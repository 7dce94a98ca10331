import CLZ4
import CZlib

/// A reusable compressor of document-store blocks for one thread: it keeps liblz4's state
/// (`LZ4_compress_fast_extState` / `LZ4_compress_HC_extStateHC`) or a zlib deflate stream (`deflateReset`), an
/// output buffer and a word-transform buffer between blocks, so compressing a block allocates only its result.
/// The output is framed exactly as `LZ4Block` / `ZlibBlock` frame it (docs/FORMAT.md, "LZ4 and zlib blocks").
/// With a `WordTable`, the block is transformed first and the frame's uncompressed length is the transformed
/// length.
///
/// Not thread-safe: use one per thread (`@unchecked Sendable` only so that a pool of them can be handed to
/// `concurrentPerform`, each index used by one worker).
final class BlockCompressor: @unchecked Sendable {
    let compression: StoreCompression
    let level: Int
    private var lz4State: UnsafeMutableRawPointer?
    private var zstream = z_stream()
    private var zlibReady = false
    /// A deflate stream reset and given `primedDictionary`: each block copies it (`deflateCopy`, a ~300 KB
    /// memcpy) instead of inserting the 32 KiB dictionary into a reset stream's hash chains again, which cost a
    /// third more deflate time. The output is the same either way.
    private var primed = z_stream()
    private var primedReady = false
    private var primedDictionary: [UInt8] = []
    private var output: UnsafeMutableRawBufferPointer
    private var transformed: UnsafeMutableRawBufferPointer
    /// The context rank transform's output (with a `ContextTable`).
    private var ranked: UnsafeMutableRawBufferPointer

    init(_ compression: StoreCompression, level: Int? = nil) {
        self.compression = compression
        let level = level ?? compression.defaultLevel
        precondition(compression.levels.contains(level))
        self.level = level
        output = .allocate(byteCount: 1 << 17, alignment: 16)
        transformed = .allocate(byteCount: 0, alignment: 16)
        ranked = .allocate(byteCount: 0, alignment: 16)
        switch compression {
        case .lz4:
            lz4State = .allocate(byteCount: Int(LZ4_sizeofState()), alignment: 16)
        case .lz4hc:
            lz4State = .allocate(byteCount: Int(LZ4_sizeofStateHC()), alignment: 16)
        case .zlib:
            let status = deflateInit_(&zstream, Int32(level), ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            precondition(status == Z_OK, "deflateInit failed (\(status))")
            zlibReady = true
        }
    }

    convenience init(_ options: DocStoreOptions) { self.init(options.compression, level: options.level) }

    deinit {
        lz4State?.deallocate()
        if zlibReady { deflateEnd(&zstream) }
        if primedReady { deflateEnd(&primed) }
        output.deallocate()
        transformed.deallocate()
        ranked.deallocate()
    }

    /// Appends the framed compression of `input` (transformed by `words` first, if given, then by `contexts`, if
    /// given) to `out`; zlib compresses against the preset `dictionary` if one is given (ignored by LZ4).
    func compress(
        _ input: UnsafeRawBufferPointer, words: WordTable? = nil, contexts: ContextTable? = nil,
        dictionary: [UInt8]? = nil, into out: inout [UInt8]
    ) {
        guard let words else { return compressFramed(input, dictionary: dictionary, into: &out) }
        compressFramed(transform(input, words: words, contexts: contexts), dictionary: dictionary, into: &out)
    }

    /// Appends the framed compression of the word-coded `coded` (already transformed by a word table), transformed
    /// by `contexts` first, if given.
    func compress(coded: UnsafeRawBufferPointer, contexts: ContextTable?, dictionary: [UInt8]?, into out: inout [UInt8]) {
        compressFramed(rank(coded, contexts: contexts), dictionary: dictionary, into: &out)
    }

    /// `coded` transformed by `contexts` into `ranked` (valid until the next call), or `coded` itself.
    private func rank(_ coded: UnsafeRawBufferPointer, contexts: ContextTable?) -> UnsafeRawBufferPointer {
        guard let contexts else { return coded }
        let bound = ContextTable.outputBound(coded.count)
        if bound > ranked.count { Self.grow(&ranked, to: bound) }
        let m = contexts.encode(coded, into: ranked)
        return UnsafeRawBufferPointer(rebasing: ranked[0..<m])
    }

    /// Transforms `input` by `words` into `transformed`, then by `contexts` (if given) into `ranked`.
    /// - Returns: the transformed bytes (valid until the next call).
    private func transform(_ input: UnsafeRawBufferPointer, words: WordTable, contexts: ContextTable?)
        -> UnsafeRawBufferPointer
    {
        let bound = WordTable.encodedBound(input.count)
        if bound > transformed.count { Self.grow(&transformed, to: bound) }
        let n = words.encode(input, into: transformed)
        return rank(UnsafeRawBufferPointer(rebasing: transformed[0..<n]), contexts: contexts)
    }

    /// The transform of `input` by `words` and then `contexts`, if given (for choosing a segment's tables and
    /// dictionary).
    func transformed(_ input: UnsafeRawBufferPointer, words: WordTable, contexts: ContextTable? = nil) -> [UInt8] {
        Array(transform(input, words: words, contexts: contexts))
    }

    private func compressFramed(_ input: UnsafeRawBufferPointer, dictionary: [UInt8]?, into out: inout [UInt8]) {
        precondition(input.count <= LZ4Block.maxInputSize, "block too large")
        let bound = compression == .zlib
            // (+ 4: the DICTID a preset dictionary adds to the zlib header.)
            ? Int(deflateBound(&zstream, uLong(input.count))) + 4 : Int(LZ4_compressBound(Int32(input.count)))
        if bound > output.count { Self.grow(&output, to: bound) }
        var written = 0
        let src = input.baseAddress?.assumingMemoryBound(to: CChar.self)
        let dst = output.baseAddress!.assumingMemoryBound(to: CChar.self)
        switch compression {
        case .lz4 where input.count > 0:
            written = Int(LZ4_compress_fast_extState(lz4State, src, dst, Int32(input.count), Int32(bound), 1))
            precondition(written > 0, "LZ4_compress_fast_extState failed")
        case .lz4hc where input.count > 0:
            written = Int(LZ4_compress_HC_extStateHC(lz4State, src, dst, Int32(input.count), Int32(bound), Int32(level)))
            precondition(written > 0, "LZ4_compress_HC_extStateHC failed")
        case .zlib:
            written = deflateBlock(input, bound: bound, dictionary: dictionary)
        default:
            break
        }
        out.reserveCapacity(out.count + 8 + written)
        appendLE(UInt32(input.count), &out)
        appendLE(UInt32(written), &out)
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: output[0..<written]))
    }

    private static func grow(_ buffer: inout UnsafeMutableRawBufferPointer, to size: Int) {
        buffer.deallocate()
        buffer = .allocate(byteCount: max(size, 2 * buffer.count), alignment: 16)
    }

    /// Makes `primed` a reset stream with the preset `dictionary` (unless it already is).
    private func prime(_ dictionary: [UInt8]) {
        // Array equality first compares buffer identity: one segment passes the same array for all its blocks.
        if primedReady && primedDictionary == dictionary { return }
        if !primedReady {
            let status = deflateInit_(&primed, Int32(level), ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            precondition(status == Z_OK, "deflateInit failed (\(status))")
            primedReady = true
        }
        precondition(deflateReset(&primed) == Z_OK)
        let status = dictionary.withUnsafeBufferPointer { deflateSetDictionary(&primed, $0.baseAddress!, uInt($0.count)) }
        precondition(status == Z_OK, "deflateSetDictionary failed (\(status))")
        primedDictionary = dictionary
    }

    private func deflateBlock(_ input: UnsafeRawBufferPointer, bound: Int, dictionary: [UInt8]?) -> Int {
        if let dictionary, !dictionary.isEmpty {
            prime(dictionary)
            deflateEnd(&zstream)
            precondition(deflateCopy(&zstream, &primed) == Z_OK, "deflateCopy failed")
        } else {
            precondition(deflateReset(&zstream) == Z_OK)
        }
        var empty: UInt8 = 0
        return withUnsafeMutablePointer(to: &empty) { emptyPointer in
            zstream.next_in = UnsafeMutablePointer(
                mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self) ?? UnsafePointer(emptyPointer))
            zstream.avail_in = uInt(input.count)
            zstream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            zstream.avail_out = uInt(bound)
            let status = deflate(&zstream, Z_FINISH)
            precondition(status == Z_STREAM_END, "deflate failed (\(status))")
            return Int(zstream.total_out)
        }
    }
}
