/// A civil date and time with minute precision, as cables carry them (no seconds, no time zone: the dump's times
/// are treated as UTC).
///
/// Stored as minutes since 1970-01-01 00:00, so dates compare and sort as integers and fit the index's fixed-width
/// metadata columns. Value type, `Sendable`.
public struct CableDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Minutes since 1970-01-01 00:00 (negative before).
    public var minutesSinceEpoch: Int64

    /// Creates a date from minutes since 1970-01-01 00:00.
    public init(minutesSinceEpoch: Int64) {
        self.minutesSinceEpoch = minutesSinceEpoch
    }

    /// Creates a date from its civil components, or `nil` if any is out of range (month 1–12, a day that exists in
    /// that month, hour 0–23, minute 0–59, year 1–9999).
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0) {
        guard (1...9999).contains(year), (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute),
            day >= 1, day <= CableDate.daysIn(year: year, month: month)
        else { return nil }
        let days = CableDate.daysFromCivil(year: year, month: month, day: day)
        minutesSinceEpoch = (days * 24 + Int64(hour)) * 60 + Int64(minute)
    }

    /// The civil components (year, month 1–12, day 1–31, hour, minute).
    public var components: (year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        let minutesPerDay: Int64 = 24 * 60
        var days = minutesSinceEpoch / minutesPerDay
        var rest = minutesSinceEpoch % minutesPerDay
        if rest < 0 {
            rest += minutesPerDay
            days -= 1
        }
        let (y, m, d) = CableDate.civilFromDays(days)
        return (y, m, d, Int(rest / 60), Int(rest % 60))
    }

    /// Year * 100 + month, e.g. 200702: the creation month as the site groups cables.
    public var yearMonth: Int {
        let c = components
        return c.year * 100 + c.month
    }

    /// `YYYY-MM-DD HH:MM`, the form the WikiLeaks site prints.
    public var description: String {
        let c = components
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2)) \(pad(c.hour, 2)):\(pad(c.minute, 2))"
    }

    /// ISO 8601 with an explicit UTC zone, `YYYY-MM-DDTHH:MMZ`, for JSON output.
    public var iso8601: String {
        let c = components
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2))Z"
    }

    public static func < (lhs: CableDate, rhs: CableDate) -> Bool { lhs.minutesSinceEpoch < rhs.minutesSinceEpoch }

    /// The number of days in a month of the proleptic Gregorian calendar.
    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }
}

@inline(__always)
private func pad(_ value: Int, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
