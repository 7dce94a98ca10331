/// Parses and prints sizes such as `256MiB`, `1.5GB`, `800M`, `4096`.
///
/// Units: `K`/`M`/`G`/`T` alone or followed by `iB` are binary (1024-based, like `sort -S`); followed by `B` alone
/// (`KB`, `MB`, `GB`, `TB`) they are decimal (SI). A bare number is bytes; `B` may follow it. Case-insensitive;
/// a fractional part is allowed (`1.5GB`).
public enum ByteSize {
    /// The number of bytes `text` denotes, or `nil` if it is not a size (or is negative or too large).
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces()
        var numberEnd = trimmed.startIndex
        while numberEnd < trimmed.endIndex, trimmed[numberEnd].isNumber || trimmed[numberEnd] == "." {
            numberEnd = trimmed.index(after: numberEnd)
        }
        guard numberEnd > trimmed.startIndex, let value = Double(trimmed[..<numberEnd]), value >= 0 else { return nil }
        let unit = trimmed[numberEnd...].uppercased().trimmingSpaces()
        let multiplier: Double
        switch unit {
        case "", "B": multiplier = 1
        case "K", "KI", "KIB": multiplier = 1024
        case "M", "MI", "MIB": multiplier = 1024 * 1024
        case "G", "GI", "GIB": multiplier = 1024 * 1024 * 1024
        case "T", "TI", "TIB": multiplier = 1024 * 1024 * 1024 * 1024
        case "KB": multiplier = 1e3
        case "MB": multiplier = 1e6
        case "GB": multiplier = 1e9
        case "TB": multiplier = 1e12
        default: return nil
        }
        let bytes = (value * multiplier).rounded()
        guard bytes < 9e18 else { return nil }
        return Int(bytes)
    }

    /// `bytes` in the largest binary unit that keeps a value >= 1, one decimal (`1.5 GiB`, `256.0 MiB`, `12 B`).
    public static func format(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        return "\((value * 10).rounded() / 10) \(units[unit])"
    }
}

extension StringProtocol {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
