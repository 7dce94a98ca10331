/// The compression of document-store blocks, stored by code in the store's header section (`DSHD`) and by name
/// in the manifest. `lz4` and `lz4hc` write the same LZ4 block format (one decoder, the same speed); `lz4hc`
/// searches harder for matches, trading build CPU for size.
public enum StoreCompression: String, Sendable, CaseIterable {
    /// liblz4 `LZ4_compress_fast` at acceleration 1: the fastest. Code 0. No level.
    case lz4
    /// zlib (deflate) at `level` 1...9 (default 6): the smallest, slowest to decode. Code 1.
    case zlib
    /// liblz4 `LZ4_compress_HC` at `level` 1...12 (default 2). Code 2.
    case lz4hc

    var code: UInt32 {
        switch self {
        case .lz4: 0
        case .zlib: 1
        case .lz4hc: 2
        }
    }

    init?(code: UInt32) {
        switch code {
        case 0: self = .lz4
        case 1: self = .zlib
        case 2: self = .lz4hc
        default: return nil
        }
    }

    /// The levels accepted (`0...0` for `lz4`, which has none).
    public var levels: ClosedRange<Int> {
        switch self {
        case .lz4: 0...0
        case .zlib: 1...9
        case .lz4hc: 1...12
        }
    }

    /// The level used when none is given.
    public var defaultLevel: Int {
        switch self {
        case .lz4: 0
        case .zlib: 6
        case .lz4hc: 2
        }
    }

    /// Decompresses the framed block at `offset` (LZ4 for `lz4` and `lz4hc`, zlib for `zlib`, with the segment's
    /// preset `dictionary` if the stream names one).
    func decompress(
        _ input: UnsafeRawBufferPointer, at offset: Int, into out: inout [UInt8], maxOutput: Int,
        dictionary: UnsafeRawBufferPointer? = nil
    ) -> Int? {
        switch self {
        case .lz4, .lz4hc: LZ4Block.decompress(input, at: offset, into: &out, maxOutput: maxOutput)
        case .zlib: ZlibBlock.decompress(input, at: offset, into: &out, maxOutput: maxOutput, dictionary: dictionary)
        }
    }

    /// Whether blocks of this codec, with word tables, are compressed against a per-segment preset dictionary
    /// (`DDIC`): deflate's, for `zlib`.
    var usesDictionary: Bool { self == .zlib }
}

/// How a document store is written: the codec and its level, whether blocks go through a word table first
/// (`WordTable`), and the target uncompressed block size. Recorded in `DSHD` (docs/FORMAT.md, "Document store").
public struct DocStoreOptions: Sendable, Equatable {
    public var compression: StoreCompression
    /// The codec's level (`compression.levels`).
    public var level: Int
    /// Replace frequent words with one- or two-byte codes before compressing (a `DWRD` section holds the table).
    public var wordTable: Bool
    /// Then replace each word that follows a listed context by its rank in the context's list (`ContextTable`;
    /// a `DCTX` section holds the tables). Only with `wordTable`; the default for `zlib`, where deflate's
    /// byte-wise Huffman codes gain most from it.
    public var contextRanks: Bool
    /// The target uncompressed block size in bytes.
    public var blockSize: Int

    /// The default target uncompressed block size: 64 KiB. Fetching one document (`show`, snippets) decompresses
    /// a whole block, so larger blocks cost latency for little: LZ4's window is 64 KiB and deflate's 32 KiB.
    public static let defaultBlockSize = 64 * 1024

    /// Options with `level` defaulting to the codec's default.
    /// - Precondition: `level` in `compression.levels`, `blockSize` in 1...64 MiB.
    /// - Precondition: `contextRanks` only with `wordTable` (nil: `wordTable && compression == .zlib`).
    public init(
        compression: StoreCompression = .lz4, level: Int? = nil, wordTable: Bool = true,
        blockSize: Int = DocStoreOptions.defaultBlockSize, contextRanks: Bool? = nil
    ) {
        let level = level ?? compression.defaultLevel
        precondition(compression.levels.contains(level), "level \(level) not in \(compression.levels)")
        precondition(blockSize > 0 && blockSize <= 1 << 26)
        self.compression = compression
        self.level = level
        self.wordTable = wordTable
        self.blockSize = blockSize
        self.contextRanks = contextRanks ?? (wordTable && compression == .zlib)
        precondition(!self.contextRanks || wordTable, "context ranks need word tables")
    }

    /// The `DSHD.transform` code: 0 none, 1 word tables, 2 word tables and context ranks.
    var transformCode: UInt32 { contextRanks ? 2 : wordTable ? 1 : 0 }

    /// A short description, e.g. `lz4hc-2+words`.
    public var label: String {
        (compression == .lz4 ? "lz4" : "\(compression.rawValue)-\(level)") + (wordTable ? "+words" : "") + (contextRanks ? "+contexts" : "")
    }
}
