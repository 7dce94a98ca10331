/// Minimal JSON output with a fixed key order, for the stable `--json` schemas and the C API.
///
/// Strings are escaped by `JSONText` (quote, backslash, control characters); non-ASCII is written as UTF-8.
/// Value type; build one object or line at a time.
public struct JSONWriter {
    public private(set) var text = "{"
    var first = true

    public init() {}

    mutating func key(_ k: String) {
        if !first { text += "," }
        first = false
        text += "\"\(k)\":"
    }

    public mutating func field(_ k: String, _ value: String?) {
        key(k)
        if let value { JSONWriter.appendString(value, to: &text) } else { text += "null" }
    }

    public mutating func field(_ k: String, _ value: Int?) {
        key(k)
        text += value.map { "\($0)" } ?? "null"
    }

    public mutating func field(_ k: String, _ value: Double) {
        key(k)
        text += value.isFinite ? "\(value)" : "null"
    }

    public mutating func field(_ k: String, _ values: [String]) {
        key(k)
        text += "["
        for (i, v) in values.enumerated() {
            if i > 0 { text += "," }
            JSONWriter.appendString(v, to: &text)
        }
        text += "]"
    }

    /// Adds a value that is already JSON.
    public mutating func field(_ k: String, raw json: String) {
        key(k)
        text += json
    }

    /// The finished object.
    public var object: String { text + "}" }

    /// Appends `s` as a JSON string (escaping by `JSONText`).
    public static func appendString(_ s: String, to out: inout String) {
        var bytes: [UInt8] = []
        JSONText.appendString(s, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }
}
