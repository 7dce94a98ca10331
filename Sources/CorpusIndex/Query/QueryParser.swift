/// Parses the query language into a `QueryNode` tree (see docs/QUERY.md for the grammar).
///
/// ```
/// query   := or
/// or      := and ("OR" and)*
/// and     := unary (["AND"] unary)*          -- juxtaposition is AND
/// unary   := ("NOT" | "-") unary | primary   -- NOT binds tightest
/// primary := "(" or ")" | clause
/// clause  := word | "phrase" | field:word | field:"phrase"
/// ```
/// Terms go through `Analyzer`, so `E.O.` becomes the phrase `e o`. Bounded: at most `maximumDepth` nested
/// parentheses / negations and `maximumClauses` leaf clauses (each phrase word counts), so absurd inputs fail fast
/// with `CorpusIndexError.badQuery(position:reason:)` instead of exhausting the stack or memory.
public struct QueryParser: Sendable {
    /// The deepest nesting of parentheses and negations accepted.
    public var maximumDepth = 100
    /// The most leaf clauses (terms, phrase words, metadata clauses) accepted.
    public var maximumClauses = 1024

    /// The field names the language knows, for messages.
    public static let fieldNames = ["body", "subject", "header", "tag", "origin", "class", "refid", "ref", "date"]

    public init() {}

    /// Parses `text`.
    /// - Throws: `CorpusIndexError.badQuery` with the byte offset of the problem.
    public func parse(_ text: String) throws -> QueryNode {
        var state = State(lexer: QueryLexer(text), parser: self)
        try state.advance()
        if case .end = state.token.kind {
            throw CorpusIndexError.badQuery(position: 0, reason: "empty query")
        }
        let node = try state.parseOr(depth: 0)
        switch state.token.kind {
        case .end: return node
        case .rightParen:
            throw CorpusIndexError.badQuery(position: state.token.position, reason: "unbalanced parenthesis: unexpected ')'")
        default:
            throw CorpusIndexError.badQuery(position: state.token.position, reason: "unexpected token")
        }
    }

    struct State {
        var lexer: QueryLexer
        let parser: QueryParser
        var token = QueryToken(kind: .end, position: 0)
        var clauses = 0

        mutating func advance() throws { token = try lexer.next() }

        mutating func parseOr(depth: Int) throws -> QueryNode {
            var children = [try parseAnd(depth: depth)]
            while case .or = token.kind {
                let at = token.position
                try advance()
                guard startsUnary else { throw CorpusIndexError.badQuery(position: at, reason: "'OR' needs a clause after it") }
                children.append(try parseAnd(depth: depth))
            }
            return children.count == 1 ? children[0] : .or(flatten(children, or: true))
        }

        var startsUnary: Bool {
            switch token.kind {
            case .leftParen, .not, .minus, .clause: return true
            default: return false
            }
        }

        mutating func parseAnd(depth: Int) throws -> QueryNode {
            guard startsUnary else { throw unexpected() }
            var children = [try parseUnary(depth: depth)]
            while true {
                if case .and = token.kind {
                    let at = token.position
                    try advance()
                    guard startsUnary else { throw CorpusIndexError.badQuery(position: at, reason: "'AND' needs a clause after it") }
                } else if !startsUnary {
                    break
                }
                children.append(try parseUnary(depth: depth))
            }
            return children.count == 1 ? children[0] : .and(flatten(children, or: false))
        }

        mutating func parseUnary(depth: Int) throws -> QueryNode {
            switch token.kind {
            case .not, .minus:
                let at = token.position
                guard depth < parser.maximumDepth else { throw tooDeep(at) }
                try advance()
                guard startsUnary else { throw CorpusIndexError.badQuery(position: at, reason: "'NOT' needs a clause after it") }
                return .not(try parseUnary(depth: depth + 1))
            default:
                return try parsePrimary(depth: depth)
            }
        }

        mutating func parsePrimary(depth: Int) throws -> QueryNode {
            let at = token.position
            switch token.kind {
            case .leftParen:
                guard depth < parser.maximumDepth else { throw tooDeep(at) }
                try advance()
                if case .rightParen = token.kind {
                    throw CorpusIndexError.badQuery(position: at, reason: "empty parentheses")
                }
                let inner = try parseOr(depth: depth + 1)
                guard case .rightParen = token.kind else {
                    throw CorpusIndexError.badQuery(position: at, reason: "unbalanced parenthesis: '(' is never closed")
                }
                try advance()
                return inner
            case let .clause(field, value, quoted):
                let node = try clause(field: field, value: value, quoted: quoted, at: at)
                try advance()
                return node
            default:
                throw unexpected()
            }
        }

        func unexpected() -> CorpusIndexError {
            switch token.kind {
            case .end: return .badQuery(position: token.position, reason: "expected a clause, found the end of the query")
            case .rightParen: return .badQuery(position: token.position, reason: "unbalanced parenthesis: unexpected ')'")
            case .and: return .badQuery(position: token.position, reason: "'AND' needs a clause before it")
            case .or: return .badQuery(position: token.position, reason: "'OR' needs a clause before it")
            default: return .badQuery(position: token.position, reason: "unexpected token")
            }
        }

        func tooDeep(_ at: Int) -> CorpusIndexError {
            .badQuery(position: at, reason: "nesting too deep (more than \(parser.maximumDepth) levels)")
        }

        mutating func count(_ n: Int, at: Int) throws {
            clauses += n
            if clauses > parser.maximumClauses {
                throw CorpusIndexError.badQuery(position: at, reason: "too many clauses (more than \(parser.maximumClauses))")
            }
        }

        mutating func clause(field: String?, value: String, quoted: Bool, at: Int) throws -> QueryNode {
            let name = field?.lowercased()
            switch name {
            case nil, "body": return try text(.body, value, quoted: quoted, at: at)
            case "subject": return try text(.subject, value, quoted: quoted, at: at)
            case "header": return try text(.header, value, quoted: quoted, at: at)
            case "tag", "tags": return try metadata(.tags, value, at: at, name: "tag")
            case "origin": return try metadata(.origins, value, at: at, name: "origin")
            case "class", "classification": return try metadata(.classifications, value, at: at, name: "class")
            case "ref", "references": return try metadata(.references, value, at: at, name: "ref")
            case "refid":
                try count(1, at: at)
                let id = value.trimmingSpaces
                guard !id.isEmpty else { throw empty("refid", at) }
                guard !id.hasSuffix("*") else {
                    throw CorpusIndexError.badQuery(position: at, reason: "refid: takes one exact reference id, not a prefix")
                }
                return .referenceID(id)
            case "date":
                try count(1, at: at)
                guard let interval = QueryDate.interval(Substring(value.trimmingSpaces)) else {
                    throw CorpusIndexError.badQuery(
                        position: at,
                        reason: "malformed date '\(value)' (use YYYY, YYYY-MM, YYYY-MM-DD or FROM..TO)")
                }
                return .created(from: interval.from, to: interval.to)
            default:
                throw CorpusIndexError.badQuery(
                    position: at,
                    reason: "unknown field '\(field!)' (known: \(QueryParser.fieldNames.joined(separator: ", ")))")
            }
        }

        func empty(_ name: String, _ at: Int) -> CorpusIndexError {
            .badQuery(position: at, reason: "empty value for \(name):")
        }

        mutating func text(_ field: TextField, _ value: String, quoted: Bool, at: Int) throws -> QueryNode {
            if !quoted && value.hasSuffix("*") {
                let stem = String(value.dropLast())
                let tokens = Analyzer.tokens(of: stem)
                guard tokens.count == 1, !stem.contains("*"), Analyzer.tokens(of: stem + "x").count == 1 else {
                    throw CorpusIndexError.badQuery(
                        position: at, reason: "a prefix must be one word followed by '*' (got '\(value)')")
                }
                try count(1, at: at)
                return .prefix(field, tokens[0])
            }
            let tokens = Analyzer.tokens(of: value)
            guard !tokens.isEmpty else {
                throw CorpusIndexError.badQuery(
                    position: at, reason: value.isEmpty ? "empty value for \(field.rawValue):"
                        : "'\(value)' has no searchable characters")
            }
            try count(tokens.count, at: at)
            return tokens.count == 1 ? .term(field, tokens[0]) : .phrase(field, tokens)
        }

        mutating func metadata(_ field: MetadataField, _ value: String, at: Int, name: String) throws -> QueryNode {
            try count(1, at: at)
            var v = value.trimmingSpaces
            var isPrefix = false
            if v.hasSuffix("*") {
                isPrefix = true
                v.removeLast()
            }
            guard isPrefix || !v.isEmpty else { throw empty(name, at) }
            return .metadata(field, value: v, prefix: isPrefix)
        }

        func flatten(_ nodes: [QueryNode], or: Bool) -> [QueryNode] {
            var out: [QueryNode] = []
            for node in nodes {
                switch node {
                case let .or(children) where or: out.append(contentsOf: children)
                case let .and(children) where !or: out.append(contentsOf: children)
                default: out.append(node)
                }
            }
            return out
        }
    }
}

extension String {
    /// The string without leading and trailing ASCII spaces.
    var trimmingSpaces: String {
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        while start < end && bytes[start] == 0x20 { start += 1 }
        while end > start && bytes[end - 1] == 0x20 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
