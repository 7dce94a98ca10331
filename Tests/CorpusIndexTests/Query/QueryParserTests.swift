import Testing
@testable import CorpusIndex

@Suite struct QueryParserTests {
    func parse(_ q: String) throws -> QueryNode { try QueryParser().parse(q) }

    @Test func precedenceNotThenAndThenOr() throws {
        #expect(try parse("a OR b c") == .or([.term(.body, "a"), .and([.term(.body, "b"), .term(.body, "c")])]))
        #expect(try parse("NOT a b") == .and([.not(.term(.body, "a")), .term(.body, "b")]))
        #expect(try parse("a AND b OR c") == .or([.and([.term(.body, "a"), .term(.body, "b")]), .term(.body, "c")]))
        #expect(try parse("(a OR b) -c") == .and([.or([.term(.body, "a"), .term(.body, "b")]), .not(.term(.body, "c"))]))
        #expect(try parse("a OR b OR c") == .or([.term(.body, "a"), .term(.body, "b"), .term(.body, "c")]))
        #expect(try parse("(((a)))") == .term(.body, "a"))
        #expect(try parse("and or not") == .and([.term(.body, "and"), .term(.body, "or"), .term(.body, "not")]))
    }

    @Test func termsGoThroughTheAnalyzer() throws {
        #expect(try parse("Kosovo") == .term(.body, "kosovo"))
        #expect(try parse("E.O.") == .phrase(.body, ["e", "o"]))
        #expect(try parse("06STATE-202745") == .phrase(.body, ["06state", "202745"]))
        #expect(try parse("\"Trafficking in Persons\"") == .phrase(.body, ["trafficking", "in", "persons"]))
        #expect(try parse("\"kosovo\"") == .term(.body, "kosovo"))
        #expect(try parse("traffick*") == .prefix(.body, "traffick"))
        #expect(try parse("subject:Kosovo header:\"FM AMEMBASSY\" body:x") == .and([
            .term(.subject, "kosovo"), .phrase(.header, ["fm", "amembassy"]), .term(.body, "x"),
        ]))
    }

    @Test func metadataClauses() throws {
        #expect(try parse("tag:PHUM") == .metadata(.tags, value: "PHUM", prefix: false))
        #expect(try parse("tag:K*") == .metadata(.tags, value: "K", prefix: true))
        #expect(try parse("origin:\"Embassy Pristina\"") == .metadata(.origins, value: "Embassy Pristina", prefix: false))
        #expect(try parse("origin:\"Embassy B*\"") == .metadata(.origins, value: "Embassy B", prefix: true))
        #expect(try parse("class:SECRET*") == .metadata(.classifications, value: "SECRET", prefix: true))
        #expect(try parse("ref:06STATE202745") == .metadata(.references, value: "06STATE202745", prefix: false))
        #expect(try parse("refid:07PRISTINA150") == .referenceID("07PRISTINA150"))
    }

    @Test func dates() throws {
        func minutes(_ y: Int, _ m: Int, _ d: Int) -> Int64 { CableDate(year: y, month: m, day: d)!.minutesSinceEpoch }
        #expect(try parse("date:2006") == .created(from: minutes(2006, 1, 1), to: minutes(2007, 1, 1)))
        #expect(try parse("date:2006-12") == .created(from: minutes(2006, 12, 1), to: minutes(2007, 1, 1)))
        #expect(try parse("date:2006-03-05") == .created(from: minutes(2006, 3, 5), to: minutes(2006, 3, 6)))
        #expect(try parse("date:2006-01..2007-06") == .created(from: minutes(2006, 1, 1), to: minutes(2007, 7, 1)))
        #expect(try parse("date:2006..2006") == .created(from: minutes(2006, 1, 1), to: minutes(2007, 1, 1)))
        #expect(try parse("date:..2005") == .created(from: .min, to: minutes(2006, 1, 1)))
    }

    static let badQueries: [(query: String, position: Int, reason: String)] = [
        ("", 0, "empty query"),
        ("   ", 0, "empty query"),
        ("\"trafficking in", 0, "unbalanced quote"),
        ("kosovo \"a", 7, "unbalanced quote"),
        ("(kosovo serbia", 0, "unbalanced parenthesis"),
        ("kosovo serbia)", 13, "unbalanced parenthesis"),
        ("()", 0, "empty parentheses"),
        ("foo:bar", 0, "unknown field 'foo'"),
        ("kosovo AND", 7, "'AND' needs a clause after it"),
        ("OR kosovo", 0, "'OR' needs a clause before it"),
        ("kosovo OR", 7, "'OR' needs a clause after it"),
        ("NOT", 0, "'NOT' needs a clause after it"),
        ("kosovo -", 7, "'-' must be followed by a clause"),
        ("date:2006-13", 0, "malformed date"),
        ("date:06", 0, "malformed date"),
        ("date:2006-02-30", 0, "malformed date"),
        ("date:2007..2006", 0, "malformed date"),
        ("date:..", 0, "malformed date"),
        ("tag:", 0, "empty value for tag:"),
        ("*", 0, "a prefix must be one word"),
        ("e.o*", 0, "a prefix must be one word"),
        ("tra*ff*", 0, "a prefix must be one word"),
        ("&&", 0, "no searchable characters"),
        ("refid:07PRISTINA*", 0, "not a prefix"),
    ]

    @Test(arguments: badQueries)
    func badQueriesNameTheirPosition(_ bad: (query: String, position: Int, reason: String)) {
        do {
            let node = try parse(bad.query)
            Issue.record("'\(bad.query)' parsed as \(node)")
        } catch let CorpusIndexError.badQuery(position, reason) {
            #expect(position == bad.position, "\(bad.query): \(reason)")
            #expect(reason.contains(bad.reason), "\(bad.query): \(reason)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test(arguments: ["(", "NOT ", "-", "(-"])
    func tenThousandNestingsFailAtAPosition(_ unit: String) {
        let query = String(repeating: unit, count: 10_000) + "kosovo" + (unit.contains("(") ? String(repeating: ")", count: 10_000) : "")
        #expect {
            try parse(query)
        } throws: { error in
            guard case let CorpusIndexError.badQuery(position, reason) = error else { return false }
            return reason.contains("nesting too deep") && position > 0 && position < query.utf8.count
        }
    }

    @Test func aMegabyteQueryFailsFastOrParses() throws {
        let words = String(repeating: "kosovo ", count: 150_000)
        #expect(throws: CorpusIndexError.self) { try parse(words) }
        let phrase = "\"" + String(repeating: "a b ", count: 250_000) + "\""
        #expect(throws: CorpusIndexError.self) { try parse(phrase) }
        // One huge word is a single (unmatched) term, not an error.
        let word = String(repeating: "x", count: 1 << 20)
        #expect(try parse(word) == .term(.body, word))
    }
}
