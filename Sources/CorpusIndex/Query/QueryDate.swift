/// The `date:` clause's values: `2006`, `2006-03`, `2006-03-05`, and inclusive ranges of them written
/// `FROM..TO` (each end at its own granularity; either end may be left out).
enum QueryDate {
    /// The half-open minute interval `[from, to)` a date value denotes, or `nil` if it is malformed.
    static func interval(_ text: Substring) -> (from: Int64, to: Int64)? {
        if let dots = text.range(of: "..") {
            let left = text[text.startIndex..<dots.lowerBound]
            let right = text[dots.upperBound...]
            if left.isEmpty && right.isEmpty { return nil }
            let from = left.isEmpty ? Int64.min : period(left)?.from
            let to = right.isEmpty ? Int64.max : period(right)?.to
            guard let from, let to, from < to else { return nil }
            return (from, to)
        }
        return period(text)
    }

    /// One period: a year, a month or a day.
    static func period(_ text: Substring) -> (from: Int64, to: Int64)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count),
            parts[0].count == 4, parts.dropFirst().allSatisfy({ $0.count == 2 }),
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        let numbers = parts.map { Int($0)! }
        let year = numbers[0]
        switch numbers.count {
        case 1:
            guard let a = CableDate(year: year, month: 1, day: 1) else { return nil }
            let b = CableDate(year: year + 1, month: 1, day: 1)?.minutesSinceEpoch ?? Int64.max
            return (a.minutesSinceEpoch, b)
        case 2:
            guard let a = CableDate(year: year, month: numbers[1], day: 1) else { return nil }
            let next = numbers[1] == 12 ? (year + 1, 1) : (year, numbers[1] + 1)
            let b = CableDate(year: next.0, month: next.1, day: 1)?.minutesSinceEpoch ?? Int64.max
            return (a.minutesSinceEpoch, b)
        default:
            guard let a = CableDate(year: year, month: numbers[1], day: numbers[2]) else { return nil }
            return (a.minutesSinceEpoch, a.minutesSinceEpoch + 24 * 60)
        }
    }
}
