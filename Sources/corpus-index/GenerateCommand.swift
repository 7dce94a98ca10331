import ArgumentParser
import CorpusIndex
import Foundation

extension DumpFormat: ExpressibleByArgument {}

extension CorpusIndexCommand {
    /// `corpus-index generate`: writes a deterministic, realistic synthetic dump.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Write a deterministic synthetic Cablegate dump (csv, sql, html pages or text pages).",
            discussion: """
                The same --cables, --seed, --format and --compress give byte-identical output whatever \
                --threads is. csv, sql and text (the site pages' text renderings, one after another) go to \
                the file -o (or stdout with -o -), optionally compressed; html writes one page per cable \
                under the directory -o (cable/YYYY/MM/REFID.html).
                """)

        @Option(help: "Number of cables (the real dump has 251,287).")
        var cables: Int = 251_287

        @Option(help: "Seed of the generator.")
        var seed: UInt64 = 1

        @Option(help: "Dump form: csv, sql, html or text.")
        var format: DumpFormat = .csv

        @Option(help: "Compression for csv, sql and text: gz or lz4.")
        var compress: String?

        @Option(name: .shortAndLong, help: "Output file (csv, sql, text; '-' = stdout) or directory (html).")
        var output: String?

        @Flag(help: "Write nothing; print the body token count and distinct-token count (the project's analyzer).")
        var measureVocabulary = false

        @Option(help: "Worker threads (default: all cores; the output does not depend on it).")
        var threads: Int = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            guard cables >= 0 else { throw ValidationError("--cables must be >= 0") }
            guard threads >= 1 else { throw ValidationError("--threads must be >= 1") }
            _ = try compression()
        }

        func compression() throws -> DumpCompression {
            switch compress {
            case nil, "none": return .none
            case "gz", "gzip": return .gzip
            case "lz4": return .lz4
            case let other?: throw ValidationError("--compress must be gz or lz4 (got '\(other)')")
            }
        }

        func run() throws {
            let start = Date()
            let generator = try DumpGenerator(cables: cables, seed: seed)
            if measureVocabulary {
                let v = generator.measureVocabulary(threads: threads)
                print("cables \(v.cables)  tokens \(v.tokens)  distinct \(v.distinct)  tokens/cable \(v.cables > 0 ? v.tokens / v.cables : 0)")
                return
            }
            guard let output else { throw ValidationError("give -o PATH (or --measure-vocabulary)") }
            let size = try generator.write(format: format, compression: try compression(), to: output, threads: threads)
            if output != "-" {
                let seconds = Date().timeIntervalSince(start)
                let mb = Double(size.renderedBytes) / 1_000_000
                var line = "generated \(cables) cables (\(format.rawValue)) to \(output): \(size.renderedBytes) bytes"
                if size.writtenBytes != size.renderedBytes { line += " (\(size.writtenBytes) compressed)" }
                if size.files > 1 { line += " in \(size.files) files" }
                line += String(format: ", %.2f s, %.0f MB/s\n", seconds, seconds > 0 ? mb / seconds : 0)
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
    }
}

