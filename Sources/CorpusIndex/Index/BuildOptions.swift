#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a build may use and how it stores documents.
public struct BuildOptions: Sendable {
    /// Worker threads for parsing, inversion and the partitioned final merge (>= 1).
    public var threads: Int
    /// The memory budget in bytes: it sets the chunk size (hence the in-memory inversion buffers), the merge's
    /// read buffers and batches. Peak resident memory stays near it whatever the input size.
    public var memoryBudget: Int
    /// The document store's block compression.
    public var storeCompression: StoreCompression
    /// The document store codec's level (nil: `storeCompression.defaultLevel`).
    public var storeLevel: Int?
    /// Whether document-store blocks go through a word table (`WordTable`) before compression.
    public var storeWordTable: Bool
    /// Whether word-coded blocks are then context-ranked (`ContextTable`; nil: for zlib only).
    public var storeContextRanks: Bool?

    /// How the document store is written (docs/FORMAT.md, "Document store").
    public var storeOptions: DocStoreOptions {
        DocStoreOptions(
            compression: storeCompression, level: storeLevel, wordTable: storeWordTable,
            contextRanks: storeWordTable ? storeContextRanks : false)
    }

    /// The default budget: sized for the full Cablegate dump on a 2-core, 24 GiB machine (peak well under 1.5 GB).
    public static let defaultMemoryBudget = 1 << 30
    /// The smallest budget accepted.
    public static let minimumMemoryBudget = 32 << 20

    public init(
        threads: Int = 2, memoryBudget: Int = BuildOptions.defaultMemoryBudget,
        storeCompression: StoreCompression = .lz4, storeLevel: Int? = nil, storeWordTable: Bool = true,
        storeContextRanks: Bool? = nil
    ) {
        precondition(storeLevel.map(storeCompression.levels.contains) ?? true, "store level out of range")
        self.threads = max(threads, 1)
        self.memoryBudget = max(memoryBudget, BuildOptions.minimumMemoryBudget)
        self.storeCompression = storeCompression
        self.storeLevel = storeLevel
        self.storeWordTable = storeWordTable
        self.storeContextRanks = storeContextRanks
    }

    /// Input bytes per chunk (one sorted run each). Each of the `threads` workers holds one chunk's records and
    /// its inverter (arenas of roughly half the chunk's size), the reader keeps at most 2 × `threads` chunks cut
    /// and not yet collected (`ChunkPipeline`), and the document store queues compressed blocks: about 6 chunk
    /// sizes per thread in all, so a chunk is the budget divided by 8 per thread, between 1 MiB and
    /// `ChunkSizing.maximum` (16 MiB).
    public var chunkBytes: Int { fixedChunkBytes ?? min(max(memoryBudget / (8 * threads), 1 << 20), ChunkSizing.maximum) }

    /// Overrides `chunkBytes` (tests use tiny chunks to force many runs).
    var fixedChunkBytes: Int?

    /// Bytes the final merge may use (read buffers and batches in flight).
    var mergeBudget: Int { memoryBudget / 2 }

    /// Bytes of keyword postings (tags, ..., reference ids) held in memory before they spill to a sorted run:
    /// 1/16 of the budget.
    var keywordPostingsBudget: Int { fixedKeywordPostingsBudget ?? memoryBudget / 16 }

    /// Overrides `keywordPostingsBudget` (tests force spilling with a tiny one).
    var fixedKeywordPostingsBudget: Int?
}

/// Chunk-size bounds (a chunk is one run).
enum ChunkSizing {
    /// Larger chunks mean fewer runs to merge but a term table and arena that no longer fit the caches: per token,
    /// a probe that misses costs more than the merge saves. Measured on the generated dump (CPU seconds for 25,000
    /// cables, 1 thread, whole build): 4 MiB chunks 5.5 s, 16 MiB 4.5 s, 64 MiB 4.8 s. `CORPUS_INDEX_MAX_CHUNK`
    /// (bytes) overrides it for such experiments; the index does not depend on it.
    static var maximum: Int {
        if let text = getenv("CORPUS_INDEX_MAX_CHUNK"), let value = Int(String(cString: text)), value > 0 { return value }
        return 16 << 20
    }
}
