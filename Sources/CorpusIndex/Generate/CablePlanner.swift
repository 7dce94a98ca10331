/// Decides each generated row's identity: which real cable it stands for, its reference id, creation date, origin,
/// classification and references, from `(seed, row)` alone.
///
/// Row `i` of `n` covers the real-row interval `[i·R/n, (i+1)·R/n)` (R = 251,287) and picks the seeded point
/// `p = (i + u)·R/n` in it: the real row `⌊p⌋` gives the reference id and creation month, and the fraction of `p`
/// through its month gives the minute, so dates never decrease and the months keep their real proportions. At
/// n = R every real id appears once, in order. When n > R, a row whose `⌊p⌋` repeats its predecessor's gets a
/// synthesised id of the same shape (same year and station, a 7-digit serial from the row number).
/// Immutable and `Sendable`.
struct CablePlanner: Sendable {
    let resources: GeneratorResources
    let count: Int
    let seed: UInt64
    private let classificationPicker = AliasTable(weights: [97_070, 4_678, 11_322, 4_330, 75_792, 58_095])

    init(resources: GeneratorResources, count: Int, seed: UInt64) {
        self.resources = resources
        self.count = count
        self.seed = seed
    }

    /// The parts of a reference id: 2-digit year, station letters, serial digits (best effort for malformed ids).
    struct ParsedID {
        var year: String
        var station: String
        var serial: String
    }

    static func parse(_ id: String) -> ParsedID {
        let bytes = Array(id.utf8)
        var i = min(2, bytes.count)
        let year = String(decoding: bytes[0..<i], as: UTF8.self)
        while i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
        let stationStart = i
        while i < bytes.count && !(bytes[i] >= 0x30 && bytes[i] <= 0x39) { i += 1 }
        let station = String(decoding: bytes[stationStart..<i], as: UTF8.self)
        let serialStart = i
        while i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
        let serial = String(decoding: bytes[serialStart..<i], as: UTF8.self)
        return ParsedID(year: year, station: station.isEmpty ? "STATE" : station, serial: serial.isEmpty ? "0" : serial)
    }

    /// The seeded point of row `index` in real-row space.
    func point(_ index: Int) -> Double {
        var random = GeneratorRandom(seed: seed, stream: UInt64(index) ^ 0x5EED_0000_0000_0000)
        let real = Double(resources.realCount)
        return min((Double(index) + random.unit()) * real / Double(count), real.nextDown)
    }

    /// Fills the identity of row `index`; `random` is the row's own stream.
    func plan(_ index: Int, random: inout GeneratorRandom) -> CableDraft {
        let p = point(index)
        let realRow = min(Int(p), resources.realCount - 1)
        var referenceID = resources.refid(realRow)
        if count > resources.realCount && index > 0 && Int(point(index - 1)) == realRow {
            let parsed = CablePlanner.parse(referenceID)
            referenceID = parsed.year + parsed.station + String(1_000_000 + index % 9_000_000)
        }
        let month = resources.months[resources.monthIndex(ofRow: realRow)]
        let fraction = min(max((p - Double(month.firstRow)) / Double(month.count), 0), 0.999_999)
        let minutesInMonth = CableDate.daysIn(year: month.year, month: month.month) * 24 * 60
        let start = CableDate(year: month.year, month: month.month, day: 1)!
        let created = CableDate(
            minutesSinceEpoch: start.minutesSinceEpoch + Int64(fraction * Double(minutesInMonth)))
        let releasedDay = CableDate(year: 2011, month: 8, day: 23 + random.below(8))!
        let released = CableDate(minutesSinceEpoch: releasedDay.minutesSinceEpoch + Int64(random.below(1440)))

        let parsed = CablePlanner.parse(referenceID)
        let origin: Int
        if let known = resources.stations[parsed.station]?.originIndex {
            origin = known
        } else {
            var stationRandom = GeneratorRandom(seed: 0x0121_6125, stream: UInt64(truncatingIfNeeded: fnv1a(parsed.station)))
            origin = resources.originPicker.sample(&stationRandom)
        }
        let classification = classificationPicker.sample(&random)
        return CableDraft(
            index: index, referenceID: referenceID, created: created, released: released,
            classification: classification, origin: origin,
            references: references(realRow: realRow, parsed: parsed, random: &random), tags: [], subject: "",
            markings: [])
    }

    /// About 56% of cables cite 1–6 earlier cables (FORMATS.md §6: 232k edges). About 60% of the cited ids are
    /// real rows of the dump: mostly recent cables of the same station, else of STATE, else any recent cable; the
    /// rest are MRNs outside the dump (lower serials of the same station, or STATE). Sorted as strings, unique.
    private func references(realRow: Int, parsed: ParsedID, random: inout GeneratorRandom) -> [String] {
        guard realRow > 0, random.chance(0.56) else { return [] }
        var count = 1
        while count < 6 && random.chance(0.38) { count += 1 }
        var refs: [String] = []
        for _ in 0..<count {
            if random.chance(0.6) {
                let pick = random.unit()
                let station = pick < 0.65 ? parsed.station : pick < 0.85 ? "STATE" : nil
                if let station, let row = earlierRow(of: station, before: realRow, &random) {
                    refs.append(resources.refid(row))
                } else {
                    let back = 1 + Int(-log(max(random.unit(), 1e-12)) * 900)
                    let id = resources.refid(max(0, realRow - back))
                    if CablePlanner.isWellFormed(id) { refs.append(id) }
                }
            } else {
                let serial = max(1, (Int(parsed.serial) ?? 1000) - 1 - random.below(4000))
                let station = random.chance(0.7) ? parsed.station : "STATE"
                let stationSerial = station == "STATE" ? 1000 + random.below(180_000) : serial
                refs.append(parsed.year + station + String(stationSerial))
            }
        }
        return Array(Set(refs)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// A real row of `station` before `row`, usually a recent one (geometric distance back in the station's rows).
    private func earlierRow(of station: String, before row: Int, _ random: inout GeneratorRandom) -> Int? {
        guard let rows = resources.rowsByStation[station] else { return nil }
        var lo = 0
        var hi = rows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(rows[mid]) < row { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let back = min(lo - 1, Int(-log(max(random.unit(), 1e-12)) * 25))
        return Int(rows[lo - 1 - back])
    }

    /// `^\d{2}[A-Z]+\d{1,7}$`.
    static func isWellFormed(_ id: String) -> Bool {
        let b = Array(id.utf8)
        guard b.count >= 4, b[0] >= 0x30, b[0] <= 0x39, b[1] >= 0x30, b[1] <= 0x39 else { return false }
        var i = 2
        while i < b.count && b[i] >= 0x41 && b[i] <= 0x5A { i += 1 }
        guard i > 2 else { return false }
        let digits = b.count - i
        guard digits >= 1 && digits <= 7 else { return false }
        return b[i...].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}

/// FNV-1a over a string's UTF-8 (stable across runs, unlike `Hasher`).
func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
    return hash
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
