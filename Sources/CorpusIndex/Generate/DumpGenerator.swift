import Dispatch
import Foundation

/// What `DumpGenerator.write` produced.
public struct GeneratedDumpSize: Sendable, Equatable {
    /// Bytes of the dump form before compression (for HTML, of all pages).
    public var renderedBytes: Int
    /// Bytes written to disk (or standard output) after compression.
    public var writtenBytes: Int
    /// Files written (1 for the stream forms, one per page for HTML).
    public var files: Int
}

/// A deterministic generator of realistic, full-size Cablegate dumps (CSV, SQL, HTML pages, text pages).
///
/// Every cable is a pure function of `(seed, row)`: the real reference ids and creation months (all 251,287 in
/// order at the default size; an order-preserving seeded subset, or synthesised extra ids, at other sizes), origins
/// consistent with the ids' stations, the real classification mix, Zipf-distributed tags and words, routing headers
/// and body structure of the real dump. So the output is byte-identical for the same `(cables, seed, format,
/// compression)` whatever the thread count, and `record(at:)` gives any row's cable without generating the rest.
///
/// Value type, `Sendable`: the loaded tables are immutable and shared; `write` runs its own worker threads.
public struct DumpGenerator: Sendable {
    /// The number of cables in the real `cables.csv`, the default size.
    public static let realCableCount = 251_287

    public let cables: Int
    public let seed: UInt64
    let composer: CableComposer
    /// Cables rendered per work unit (what a worker renders into one buffer); tests lower it to exercise many
    /// rounds at small sizes. Does not affect the output bytes.
    var unitSize = 256

    /// Loads the bundled tables; throws `invalidArgument` for a negative size, or a resource error.
    public init(cables: Int = DumpGenerator.realCableCount, seed: UInt64 = 1) throws {
        guard cables >= 0 else { throw CorpusIndexError.invalidArgument("--cables must be >= 0 (got \(cables))") }
        self.cables = cables
        self.seed = seed
        composer = CableComposer(resources: try GeneratorResources.shared(), count: cables, seed: seed)
    }

    /// The cable of row `index` (0-based) exactly as a CSV or SQL reader returns it (row id `index + 1`, no
    /// release date; tags, subject and markings as parsed from the body).
    public func record(at index: Int) -> CableRecord {
        record(at: index, as: .csv)
    }

    /// The cable of row `index` as a reader of `format` returns it: HTML and text pages carry no row id but a
    /// release date.
    public func record(at index: Int, as format: DumpFormat) -> CableRecord {
        precondition(index >= 0 && index < cables, "row \(index) out of 0..<\(cables)")
        let buffer = ByteBuffer()
        let draft = composer.compose(index, into: buffer)
        return draft.record(in: buffer, origins: composer.resources.origins, format: format)
    }

    /// The whole CSV dump in memory (for tests at small sizes).
    public func csvData() -> [UInt8] {
        data(format: .csv)
    }

    /// The whole dump in memory (for tests at small sizes): the stream forms as `write` writes them, `.html` as
    /// one page after another.
    public func data(format: DumpFormat) -> [UInt8] {
        let out = ByteBuffer()
        if format == .sql { out.append(DumpRenderers.sqlPreamble(cables: cables, seed: seed)) }
        let scratch = ByteBuffer()
        for index in 0..<cables { render(index, format: format, scratch: scratch, to: out) }
        return out.bytes(0..<out.count)
    }

    /// The relative path of row `index`'s page in an `.html` output directory (`cable/YYYY/MM/REFID.html`).
    public func htmlPagePath(at index: Int) -> String {
        let buffer = ByteBuffer()
        return DumpRenderers.pagePath(composer.compose(index, into: buffer), ext: "html")
    }

    /// Writes the dump. `.csv`, `.sql` and `.text` (the pages' text renderings, one after another) go to the file
    /// `path` (`-` = standard output), compressed if asked; `.html` writes one page per cable under the directory
    /// `path` (`cable/YYYY/MM/REFID.html`) and takes no compression. `threads` workers render in parallel; the
    /// bytes do not depend on it. Returns how many bytes were rendered and written.
    @discardableResult
    public func write(
        format: DumpFormat, compression: DumpCompression = .none, to path: String,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws -> GeneratedDumpSize {
        let threads = max(1, threads)
        switch format {
        case .csv, .sql, .text:
            return try writeStream(format: format, compression: compression, to: path, threads: threads)
        case .html:
            guard compression == .none else {
                throw CorpusIndexError.invalidArgument("--compress applies to csv, sql and text output, not html pages")
            }
            guard path != "-" else {
                throw CorpusIndexError.invalidArgument("html output is a directory of pages; give -o DIR, not -")
            }
            return try writeHTMLPages(to: path, threads: threads)
        }
    }

    /// Renders row `index` in `format`, composing it into `scratch` (cleared first).
    func render(_ index: Int, format: DumpFormat, scratch: ByteBuffer, to out: ByteBuffer) {
        scratch.removeAll()
        let draft = composer.compose(index, into: scratch)
        let origins = composer.resources.origins
        switch format {
        case .csv: DumpRenderers.csv(draft, source: scratch, origins: origins, to: out)
        case .sql: DumpRenderers.sql(draft, source: scratch, origins: origins, total: cables, to: out)
        case .html: DumpRenderers.html(draft, source: scratch, origins: origins, total: cables, to: out)
        case .text: DumpRenderers.text(draft, source: scratch, origins: origins, to: out)
        }
    }
}
