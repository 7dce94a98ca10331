import Foundation

/// A deliberately independent, minimal reader of the generator's CSV for its tests (the project's real readers
/// live elsewhere): 8 double-quoted fields, backslash escapes, raw LF inside fields, records ending in `"` LF.
/// Returns nil on anything malformed (unbalanced escapes, wrong field count, an unknown escape).
enum GeneratedCSV {
    struct Row {
        var fields: [[UInt8]]
    }

    static func parse(_ bytes: [UInt8]) -> [Row]? {
        var rows: [Row] = []
        var i = 0
        let n = bytes.count
        while i < n {
            var fields: [[UInt8]] = []
            while true {
                guard i < n, bytes[i] == 0x22 else { return nil }
                i += 1
                var field: [UInt8] = []
                while true {
                    guard i < n else { return nil }
                    let b = bytes[i]
                    if b == 0x5C {
                        guard i + 1 < n, [0x22, 0x27, 0x5C].contains(bytes[i + 1]) else { return nil }
                        field.append(bytes[i + 1])
                        i += 2
                    } else if b == 0x22 {
                        i += 1
                        break
                    } else {
                        field.append(b)
                        i += 1
                    }
                }
                fields.append(field)
                guard i < n else { return nil }
                if bytes[i] == 0x2C {
                    i += 1
                    continue
                }
                guard bytes[i] == 0x0A else { return nil }
                i += 1
                break
            }
            guard fields.count == 8 else { return nil }
            rows.append(Row(fields: fields))
        }
        return rows
    }

    static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
