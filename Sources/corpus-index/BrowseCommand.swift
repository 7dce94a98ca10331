import ArgumentParser
import CorpusIndex

extension MetadataField: ExpressibleByArgument {}

extension CorpusIndexCommand {
    /// `corpus-index browse INDEX tags|origins|classifications|months|references`: values with counts.
    struct Browse: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "browse",
            abstract: "List tags, origins, classifications, months or references with their cable counts.",
            discussion: """
                Like the browse pages of the WikiLeaks site. --prefix keeps values starting with it \
                (case-sensitive); --query counts only the cables matching a query (values with no match are \
                left out). --json prints one {"value":...,"count":...} object per line.
                """)

        @Argument(help: "The index directory.", completion: .directory)
        var index: String

        @Argument(help: "tags, origins, classifications, months or references.")
        var field: MetadataField

        @Option(name: .long, help: "Only values starting with this prefix.")
        var prefix: String = ""

        @Option(name: .long, help: "Count only the cables matching this query.")
        var query: String?

        @Option(name: .long, help: "Order: value (index order) or count (largest first).")
        var sort: FacetOrder = .value

        @Option(name: .long, help: "Print at most this many values.")
        var limit: Int?

        @Flag(name: .long, help: "Print JSON Lines.")
        var json = false

        enum FacetOrder: String, ExpressibleByArgument {
            case value, count
        }

        func run() throws {
            try reportingErrors(query: query) {
                let session = try IndexSession(path: index)
                var values = try session.facets(field, prefix: prefix, query: query)
                if sort == .count {
                    values.sort { $0.count > $1.count || ($0.count == $1.count && $0.ordinal < $1.ordinal) }
                }
                if let limit { values = Array(values.prefix(max(0, limit))) }
                var out = ""
                if json {
                    for v in values {
                        var w = JSONWriter()
                        w.field("value", v.value)
                        w.field("count", v.count)
                        out += w.object + "\n"
                    }
                } else {
                    let width = max(5, values.map { "\($0.count)".count }.max() ?? 0)
                    for v in values {
                        let c = "\(v.count)"
                        out += String(repeating: " ", count: width - c.count) + c + "  " + v.value + "\n"
                    }
                }
                print(out, terminator: "")
            }
        }
    }
}
