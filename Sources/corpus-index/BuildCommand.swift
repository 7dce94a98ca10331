import ArgumentParser
import CorpusIndex
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension CorpusIndexCommand {
    /// `corpus-index build INPUT... -o INDEX`: parse, tokenize and invert in parallel, merge, publish atomically.
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "build",
            abstract: "Build an index from cable dumps (CSV, SQL, HTML pages or text; plain, gzip or LZ4).",
            discussion: """
                The index is written to INDEX.tmp-<pid> beside INDEX and swapped into place only when complete, so an \
                interrupted or failed build leaves the previous index intact. The same input gives a byte-identical \
                index whatever --threads and --memory are.
                """)

        @Argument(help: "Dump files, directories of HTML pages, or - for standard input.", completion: .file())
        var inputs: [String]

        @Option(name: .shortAndLong, help: "The index directory to create or replace.")
        var output: String

        @Option(help: "Worker threads (default: the number of cores).")
        var threads: Int = ProcessInfo.processInfo.activeProcessorCount

        @Option(help: "Memory budget, e.g. 256MiB, 1.5GB, 800M (default 1GiB).")
        var memory: String = "1GiB"

        @Option(help: "The dump form: csv, sql, html or text (default: detected).")
        var format: String?

        @Flag(help: "Skip malformed records (counted and reported) instead of failing.")
        var skipMalformed = false

        @Option(
            help: ArgumentHelp(
                "Document store compression: lz4 (fastest), lz4hc (smaller, same fast decoding) or zlib (smallest).",
                discussion: """
                    With word tables (the default), lz4 keeps the full-size generated dump's documents in 40% of the \
                    input. See docs/FORMAT.md, "Document store", for the sizes and build costs measured.
                    """))
        var store: String = "lz4"

        @Option(help: "Document store compression level: lz4hc 1-12 (default 2), zlib 1-9 (default 6); lz4 has none.")
        var storeLevel: Int?

        @Flag(
            inversion: .prefixedNo,
            help: "Replace frequent words with 1-2 byte codes before compressing the document store (default on).")
        var storeWords = true

        @Flag(
            inversion: .prefixedNo,
            help: ArgumentHelp(
                "With word tables, also code words by their rank after the previous words (default: on for zlib).",
                discussion: "zlib: 32% -> 29% of the input, for about a third more build CPU (docs/FORMAT.md)."))
        var storeContexts: Bool?

        @Flag(help: "No progress line and no summary.")
        var quiet = false

        func validate() throws {
            guard threads >= 1 && threads <= 1024 else { throw ValidationError("--threads must be between 1 and 1024") }
            guard let budget = ByteSize.parse(memory) else {
                throw ValidationError("--memory '\(memory)' is not a size (examples: 256MiB, 1.5GB, 800M)")
            }
            guard budget >= BuildOptions.minimumMemoryBudget else {
                throw ValidationError("--memory must be at least \(ByteSize.format(BuildOptions.minimumMemoryBudget))")
            }
            guard let compression = StoreCompression(rawValue: store) else {
                throw ValidationError("--store must be lz4, lz4hc or zlib")
            }
            if let storeLevel, !compression.levels.contains(storeLevel) {
                throw ValidationError(
                    compression == .lz4
                        ? "--store-level does not apply to lz4 (use lz4hc for levels)"
                        : "--store-level for \(store) must be between \(compression.levels.lowerBound) and \(compression.levels.upperBound)")
            }
            if storeContexts == true && !storeWords {
                throw ValidationError("--store-contexts needs word tables (drop --no-store-words)")
            }
            if let format, DumpFormat(rawValue: format) == nil {
                throw ValidationError("--format must be one of: \(DumpFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() throws {
            #if canImport(Glibc)
            // glibc raises its mmap threshold each time a large block is freed (up to 32 MiB), after which the
            // build's chunk-sized buffers come from the heap, fragment it and the resident size drifts upward with
            // the input: 403 MB at 4x the dump with --memory 256MiB, 224 MB with the threshold pinned at 1 MiB
            // (docs/benchmarks.md). The process is ours, so the CLI pins it; the library leaves malloc alone.
            // mallopt is not in the Glibc module (malloc.h); M_MMAP_THRESHOLD is -3 there. RTLD_DEFAULT is null.
            if let symbol = dlsym(nil, "mallopt") {
                typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
                _ = unsafeBitCast(symbol, to: Mallopt.self)(-3, 1 << 20)
            }
            #endif
            let options = BuildOptions(
                threads: threads, memoryBudget: ByteSize.parse(memory)!, storeCompression: StoreCompression(rawValue: store)!,
                storeLevel: storeLevel, storeWordTable: storeWords, storeContextRanks: storeContexts)
            let reader = try DumpReader(
                paths: inputs,
                options: ReaderOptions(format: format.flatMap(DumpFormat.init(rawValue:)), skipMalformed: skipMalformed))
            let progress = BuildProgress(totalBytes: reader.totalBytes ?? 0, quiet: quiet)
            let report: IndexBuild.Report
            do {
                report = try IndexBuild.build(reader: reader, to: output, options: options, progress: progress)
            } catch {
                progress.abandon()
                throw error
            }
            let read = report.read
            let mb = Double(read.bytes) / 1e6
            var summary = "indexed \(report.result.manifest.documentCount) cables, \(String(format: "%.1f", mb)) MB in "
                + "\(String(format: "%.2f", report.seconds)) s (\(String(format: "%.1f", mb / max(report.seconds, 0.001))) MB/s), "
                + "peak memory \(ByteSize.format(BuildProgress.peakResidentBytes())), index \(ByteSize.format(Int(report.result.indexBytes))) "
                + "+ document store \(ByteSize.format(Int(report.result.storeBytes))) -> \(output)"
            if read.skipped > 0 { summary += "; skipped \(read.skipped) malformed records" }
            progress.finish(summary: summary)
            if read.skipped > 0 && !quiet {
                for error in read.firstErrors { FileHandle.standardError.write(Data("  skipped: \(error)\n".utf8)) }
            }
        }
    }
}
