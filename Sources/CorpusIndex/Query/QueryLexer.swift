/// A lexical token of the query language, with the byte offset where it starts in the query text.
struct QueryToken: Equatable {
    enum Kind: Equatable {
        case leftParen, rightParen, and, or, not, minus
        /// A clause: `field` is the text before `:` (nil for a bare word or phrase), `value` what follows,
        /// `quoted` whether the value was written in double quotes.
        case clause(field: String?, value: String, quoted: Bool)
        case end
    }
    var kind: Kind
    var position: Int
}

/// Splits query text into tokens. Works on the UTF-8 bytes; positions are byte offsets. Linear time.
struct QueryLexer {
    let bytes: [UInt8]
    var index = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

    mutating func next() throws -> QueryToken {
        while index < bytes.count && Self.isSpace(bytes[index]) { index += 1 }
        let start = index
        guard index < bytes.count else { return QueryToken(kind: .end, position: start) }
        switch bytes[index] {
        case UInt8(ascii: "("):
            index += 1
            return QueryToken(kind: .leftParen, position: start)
        case UInt8(ascii: ")"):
            index += 1
            return QueryToken(kind: .rightParen, position: start)
        case UInt8(ascii: "-"):
            index += 1
            if index == bytes.count || Self.isSpace(bytes[index]) || bytes[index] == UInt8(ascii: ")") {
                throw CorpusIndexError.badQuery(position: start, reason: "'-' must be followed by a clause")
            }
            return QueryToken(kind: .minus, position: start)
        case UInt8(ascii: "\""):
            let value = try quoted()
            return QueryToken(kind: .clause(field: nil, value: value, quoted: true), position: start)
        default:
            break
        }
        // A word, possibly `field:value` or `field:"quoted value"`.
        var fieldEnd = index
        while fieldEnd < bytes.count && Self.isLetter(bytes[fieldEnd]) { fieldEnd += 1 }
        if fieldEnd > index && fieldEnd < bytes.count && bytes[fieldEnd] == UInt8(ascii: ":") {
            let field = String(decoding: bytes[index..<fieldEnd], as: UTF8.self)
            index = fieldEnd + 1
            if index < bytes.count && bytes[index] == UInt8(ascii: "\"") {
                let value = try quoted()
                return QueryToken(kind: .clause(field: field, value: value, quoted: true), position: start)
            }
            let value = word()
            return QueryToken(kind: .clause(field: field, value: value, quoted: false), position: start)
        }
        let value = word()
        switch value {
        case "AND": return QueryToken(kind: .and, position: start)
        case "OR": return QueryToken(kind: .or, position: start)
        case "NOT": return QueryToken(kind: .not, position: start)
        default: return QueryToken(kind: .clause(field: nil, value: value, quoted: false), position: start)
        }
    }

    /// Reads a bare word: up to whitespace, a parenthesis or a quote.
    private mutating func word() -> String {
        let start = index
        while index < bytes.count {
            let b = bytes[index]
            if Self.isSpace(b) || b == UInt8(ascii: "(") || b == UInt8(ascii: ")") || b == UInt8(ascii: "\"") { break }
            index += 1
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Reads `"..."` starting at the opening quote.
    private mutating func quoted() throws -> String {
        let open = index
        index += 1
        let start = index
        while index < bytes.count && bytes[index] != UInt8(ascii: "\"") { index += 1 }
        guard index < bytes.count else {
            throw CorpusIndexError.badQuery(position: open, reason: "unbalanced quote: no closing '\"'")
        }
        let value = String(decoding: bytes[start..<index], as: UTF8.self)
        index += 1
        return value
    }
}
