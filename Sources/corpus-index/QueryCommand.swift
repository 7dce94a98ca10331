import ArgumentParser
import CorpusIndex

import Foundation

extension SearchOrder: ExpressibleByArgument {}

extension CorpusIndexCommand {
    /// `corpus-index query INDEX QUERY`: ranked hits as a table or JSON Lines, or a count.
    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "query",
            abstract: "Search an index (BM25 ranking, Boolean operators, phrases, prefixes, metadata filters).",
            discussion: """
                QUERY LANGUAGE (full reference: docs/QUERY.md)
                  kosovo police             both words (implicit AND), in the body
                  kosovo OR serbia          either; also AND, NOT, -word, ( )
                                            NOT binds tightest, then AND, then OR;
                                            NOT x alone means all cables but x
                  "trafficking in persons"  a phrase (consecutive words)
                  E.O.  06STATE-202745      split by the analyzer: phrases too
                  traffick*                 a prefix
                  subject:kosovo            a text field: body (default),
                  header:amembassy            subject or header
                  tag:PHUM  tag:K*          a TAGS value, or a prefix
                  origin:"Embassy B*"       an origin, or a prefix
                  class:SECRET*             SECRET and SECRET//NOFORN
                  refid:07PRISTINA150       the cable with that reference id
                  ref:06STATE202745         the cables citing it
                  date:2006  date:2006-03  date:2006-03-05
                  date:2006-01..2007-06     inclusive range; date:..2005, date:2008..
                Words match case-insensitively on letters and digits.

                RANKING
                  BM25 (k1 1.2, b 0.75) summed over the positive words and phrase
                  words, each in its own field. Prefixes and metadata clauses filter
                  without scoring. Ties go to the earlier document.

                OUTPUT
                  A table with a snippet per hit ([word] marks matches). With --json,
                  one JSON object per line: reference_id, row_id, doc_id, score,
                  created, classification, origin, tags, subject, snippet.
                """)

        @Argument(help: "The index directory.", completion: .directory)
        var index: String

        @Argument(help: "The query (quote it for the shell).")
        var query: String

        @Option(name: .long, help: "How many hits to print.")
        var top: Int = 10

        @Option(name: .long, help: "Skip this many hits first (paging).")
        var offset: Int = 0

        // `.unconditional`: the value is the next argument even when it starts with a dash (`--sort -date`).
        @Option(name: .long, parsing: .unconditional, help: "Order: score, date (oldest first) or -date (newest first).")
        var sort: SearchOrder = .score

        @Flag(name: .long, help: "Print only the number of matching cables.")
        var count = false

        @Flag(name: .long, help: "Print JSON Lines instead of a table.")
        var json = false

        @Flag(name: .long, help: "Also print to stderr how the query ran (parse tree, time, documents scored).")
        var explain = false

        func validate() throws {
            guard top >= 0 else { throw ValidationError("--top must not be negative") }
            guard offset >= 0 else { throw ValidationError("--offset must not be negative") }
        }

        func run() throws {
            try reportingErrors(query: query) {
                _ = try QueryParser().parse(query)  // report a bad query before touching the index
                let session = try IndexSession(path: index)
                if count {
                    let n = try session.count(query)
                    print(json ? "{\"count\":\(n)}" : "\(n)")
                    return
                }
                let node = try session.parse(query)
                let started = DispatchTime.now().uptimeNanoseconds
                let ranked = try session.rank(node, top: top, offset: offset, order: sort)
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
                let hits = try session.details(ranked.hits, for: node)
                if explain {
                    let matches = try session.count(query)
                    let text = "query: \(node)\nranked in \(elapsed) ms: scored \(ranked.scoredDocuments) of \(matches) matching documents\n"
                    FileHandle.standardError.write(Data(text.utf8))
                }
                if json {
                    var out = ""
                    for hit in hits {
                        out += hit.json
                        out += "\n"
                    }
                    print(out, terminator: "")
                } else {
                    let total = try session.count(query)
                    print(HitTable.render(hits, offset: offset, total: total), terminator: "")
                }
            }
        }
    }
}

/// Runs `body`; a `CorpusIndexError` is printed to stderr (a bad query with a caret under its position) and
/// becomes an exit code: 2 bad query or argument, 3 I/O, 4 corrupt or incompatible index, 1 anything else.
func reportingErrors(query: String? = nil, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as CorpusIndexError {
        var message = "error: \(error)\n"
        if case let .badQuery(position, _) = error, let query, query.utf8.count <= 200, !query.contains("\n") {
            let prefix = String(decoding: Array(query.utf8).prefix(position), as: UTF8.self)
            message += "  \(query)\n  \(String(repeating: " ", count: prefix.count))^\n"
        }
        FileHandle.standardError.write(Data(message.utf8))
        switch error {
        case .badQuery, .invalidArgument: throw ExitCode(2)
        case .io: throw ExitCode(3)
        case .corrupt, .formatTooNew, .formatTooOld: throw ExitCode(4)
        default: throw ExitCode(1)
        }
    }
}

/// The human-readable hit table of `corpus-index query`.
enum HitTable {
    static func render(_ hits: [SearchHit], offset: Int, total: Int) -> String {
        var out = ""
        if hits.isEmpty {
            out += total == 0 ? "No matches.\n" : "No hits on this page (\(total) matches).\n"
            return out
        }
        out += "Hits \(offset + 1)-\(offset + hits.count) of \(total)\n"
        let widths = (ref: max(12, hits.map(\.referenceID.count).max()!), cls: max(14, hits.map(\.classification.count).max()!))
        out += "   # " + pad("REFERENCE ID", widths.ref) + "  " + pad("CREATED", 10) + "  " + pad("CLASSIFICATION", widths.cls)
            + "  " + pad("SCORE", 8) + "  ORIGIN / SUBJECT\n"
        for (i, hit) in hits.enumerated() {
            let c = hit.created.components
            let date = "\(c.year)-\(two(c.month))-\(two(c.day))"
            let score = formatScore(hit.score)
            out += pad("\(offset + i + 1)", 4, right: true) + " " + pad(hit.referenceID, widths.ref) + "  " + date + "  "
                + pad(hit.classification, widths.cls) + "  " + pad(score, 8, right: true) + "  " + hit.origin + "\n"
            let indent = String(repeating: " ", count: 5)
            if !hit.subject.isEmpty { out += indent + "Subject: " + hit.subject + "\n" }
            if !hit.tags.isEmpty { out += indent + "Tags: " + hit.tags.joined(separator: ", ") + "\n" }
            if !hit.snippet.isEmpty { out += indent + hit.snippet + "\n" }
        }
        return out
    }

    static func formatScore(_ score: Double) -> String {
        let scaled = (score * 1000).rounded()
        let whole = Int(scaled) / 1000
        let frac = Int(scaled) % 1000
        return "\(whole)." + String(repeating: "0", count: 3 - "\(frac)".count) + "\(frac)"
    }

    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }
}
