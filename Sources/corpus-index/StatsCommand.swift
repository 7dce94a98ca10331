import ArgumentParser
import CorpusIndex
import Foundation

extension CorpusIndexCommand {
    /// `corpus-index stats INDEX [--json]`: counts, sizes per component, compression figures, top terms.
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats",
            abstract: "Show an index's counts, sizes per component, bits per posting and position, and top terms.")

        @Argument(help: "The index directory.", completion: .directory)
        var index: String

        @Flag(help: "Print machine-readable JSON.")
        var json = false

        @Option(help: "Top terms to list per field (by document frequency).")
        var top = 10

        func validate() throws {
            guard top >= 0 else { throw ValidationError("--top must be >= 0") }
        }

        func run() throws {
            let stats = try IndexStatistics(index: try IndexReader(path: index), top: top)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(stats), as: UTF8.self))
                return
            }
            print("index:      \(index)")
            print("cables:     \(stats.documents)")
            print("format:     v\(stats.formatVersion), analyzer \(stats.analyzer), store \(stats.storeCompression)")
            print("total size: \(ByteSize.format(Int(stats.totalBytes)))")
            print("")
            print("components:")
            for (name, bytes) in stats.components.sorted(by: { $0.value > $1.value }) {
                print("  \(pad(name, 18)) \(pad(ByteSize.format(Int(bytes)), 11, right: true))  \(percent(bytes, stats.totalBytes))")
            }
            print("")
            print("fields:")
            for field in stats.fields {
                var line = "  \(pad(field.name, 15)) \(pad(field.kind, 8)) \(field.terms) terms, \(field.postings) postings"
                if field.kind == "text" { line += ", \(field.tokens) tokens" }
                line += ", \(ByteSize.format(Int(field.bytes)))"
                print(line)
                var figures: [String] = []
                if let b = field.bitsPerPosting { figures.append(String(format: "%.2f bits/posting (doc id+freq+skip)", b)) }
                if let b = field.bitsPerPosition { figures.append(String(format: "%.2f bits/position", b)) }
                if let a = field.averageFieldLength { figures.append(String(format: "avg length %.1f", a)) }
                if !figures.isEmpty { print("      " + figures.joined(separator: ", ")) }
                if !field.topTerms.isEmpty {
                    print("      top: " + field.topTerms.map { "\($0.term) (\($0.documentFrequency))" }.joined(separator: ", "))
                }
            }
            print("")
            print("files:")
            for file in stats.files {
                let sections = file.sections.map { "\($0.name) \(ByteSize.format($0.bytes))" }.joined(separator: ", ")
                print("  \(pad(file.name, 28)) \(pad(ByteSize.format(Int(file.bytes)), 11, right: true))  \(sections)")
            }
        }

        private func percent(_ part: UInt64, _ whole: UInt64) -> String {
            whole == 0 ? "" : String(format: "%5.1f%%", Double(part) * 100 / Double(whole))
        }

        private func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, width - s.count))
            return right ? fill + s : s + fill
        }
    }
}
