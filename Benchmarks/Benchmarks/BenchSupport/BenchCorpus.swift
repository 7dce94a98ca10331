import CorpusIndex
import Foundation

/// The cable text the in-memory suites (tokenizer, codecs) work on, loaded once per process.
///
/// Source: the committed fixture `cables-first12.csv` (the first 12 cables of the real dump), split into its CSV
/// fields by a minimal reader for that one file. It is real cable text, so token and byte statistics are those of
/// the real dump. Thread-safe (immutable after first use).
public enum BenchCorpus {
    /// The body of every cable, raw bytes.
    public static let bodies: [[UInt8]] = loadFixtureBodies()

    /// `bytes` bytes of cable text: the bodies concatenated (separated by a newline), repeated as needed.
    public static func textBlock(bytes: Int) -> [UInt8] {
        var block: [UInt8] = []
        block.reserveCapacity(bytes)
        precondition(!bodies.isEmpty, "the benchmark corpus has no cables")
        while block.count < bytes {
            for body in bodies where block.count < bytes {
                block.append(contentsOf: body.prefix(bytes - block.count))
                if block.count < bytes { block.append(0x0A) }
            }
        }
        return block
    }

    /// The bodies of the fixture CSV: column 8 of each row. The dump's CSV quotes every field and escapes `"` and
    /// `\` with a backslash (no doubled quotes), see FORMATS.md.
    static func loadFixtureBodies() -> [[UInt8]] {
        guard let data = FileManager.default.contents(atPath: BenchEnvironment.fixtureCSV.path) else {
            fatalError("cannot read \(BenchEnvironment.fixtureCSV.path)")
        }
        var rows: [[[UInt8]]] = []
        var row: [[UInt8]] = []
        var field: [UInt8] = []
        var inQuotes = false
        var escaped = false
        for byte in data {
            if escaped {
                field.append(byte)
                escaped = false
            } else if inQuotes {
                switch byte {
                case UInt8(ascii: "\\"): escaped = true
                case UInt8(ascii: "\""): inQuotes = false
                default: field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inQuotes = true
                case UInt8(ascii: ","): row.append(field); field = []
                case 0x0A: row.append(field); field = []; rows.append(row); row = []
                default: field.append(byte)
                }
            }
        }
        if !row.isEmpty || !field.isEmpty { row.append(field); rows.append(row) }
        return rows.compactMap { $0.count >= 8 ? $0[7] : nil }
    }
}
