/// Chooses a cable's TAGS and writes the TAGS line(s) in the real variants (FORMATS.md §5.3).
///
/// The choice follows the real distribution: PREL, PGOV, PHUM, ECON and PTER with their real shares (58%, 49%,
/// 22%, 20%, 11.5% of cables), then a Zipf-like draw over the other subject and program tags, one to three
/// 2-letter country tags, and now and then an organisation tag, a person tag
/// (`OVIP (STEINBERG, JAMES B.)`) or run-together junk. Tags are single upper-case words (a person tag's parenthesised name aside), as
/// readers normalise them. The line is `TAGS:` (or `TAGS`, `TAG`, `Tags:`), space or comma separated, wrapped after a comma when long, or in the seed's form (a space-separated first line continued
/// by a comma-separated line). The record's tags are exactly the tags written, in order.
/// Immutable; `Sendable`.
struct TagComposer: Sendable {
    private static let top: [(String, Double)] = [
        ("PREL", 0.579), ("PGOV", 0.489), ("PHUM", 0.220), ("ECON", 0.195), ("PTER", 0.115),
    ]
    private let others: [String]
    private let otherPicker: AliasTable
    private let countries: [String]
    private let countryPicker: AliasTable
    private let organizations: [String]
    private let junk: [String]
    private let names: [String]
    private static let firstNames = [
        "JAMES", "JOHN", "ROBERT", "MICHAEL", "WILLIAM", "DAVID", "RICHARD", "HILLARY", "CONDOLEEZZA", "MARY",
        "SUSAN", "PATRICIA", "DANIEL", "NICHOLAS", "WILLIAM J.", "ANNE", "PAUL", "THOMAS", "CHRISTOPHER", "KAREN",
    ]

    /// Subject and program tags in rough order of real frequency (the rest follow in a fixed scrambled order).
    private static let commonTags = [
        "PINR", "MARR", "KDEM", "ETRD", "EFIN", "PINS", "MOPS", "KNNP", "EAID", "KCRM", "SNAR", "ELAB", "KJUS",
        "SMIG", "EINV", "ENRG", "KWMN", "PREF", "ASEC", "CVIS", "KIRF", "KPAO", "OVIP", "KISL", "PARM", "MASS",
        "EPET", "EAGR", "KTFN", "SOCI", "KHIV", "SENV", "TBIO", "KPKO", "CASC", "UNSC", "KSUM", "ELTN", "ECPS",
        "EIND", "AMGT", "OREP", "OEXC", "SCUL", "KMDR", "KTIP", "KFRD", "PHSA", "EWWT", "KPAL", "MCAP", "KCOR",
        "KGHG", "TRGY", "AORC", "KSCA",
    ]
    /// Country tags in rough order of real frequency (the rest of the site's 2-letter tags follow).
    private static let commonCountries = [
        "IZ", "AF", "IR", "PK", "CH", "RS", "TU", "IS", "JA", "KS", "KN", "FR", "GM", "UK", "IT", "SP", "MX", "BR",
        "VE", "CO", "EG", "SA", "LE", "SY", "JO", "KU", "YM", "SU", "SO", "KE", "NI", "SF", "ZI", "IN", "CE", "BG",
        "NP", "ID", "RP", "TH", "VM", "BM", "UP", "GG", "AJ", "AM", "KZ", "UZ", "TX", "KG", "TI", "PL", "RO", "BU",
        "HR", "SR", "BK", "MK", "AL", "YI", "GR", "CY", "NL", "BE", "SZ", "AU", "SW", "NO", "DA", "FI", "EI", "PO",
        "CA", "AR", "CI", "PE", "EC", "BL", "PM", "HO", "GT", "NU", "ES", "CU", "HA", "DR", "LY", "AG", "MO", "TS",
        "MU", "QA", "AE", "BA", "ET", "UG", "TZ", "RW", "CG", "NG", "ML", "SG", "GH", "LI", "SL", "MA",
    ]

    /// `common` first, then the other `pool` entries in a fixed order scrambled by hash (the lists are alphabetical).
    private static func ranked(_ pool: [String], common: [String]) -> [String] {
        let poolSet = Set(pool)
        let head = common.filter { poolSet.contains($0) }
        let headSet = Set(head)
        return head + pool.filter { !headSet.contains($0) }.sorted { fnv1a($0) < fnv1a($1) }
    }

    init(resources: GeneratorResources) {
        let topNames = Set(TagComposer.top.map(\.0))
        others = TagComposer.ranked(
            (resources.subjectTags + resources.programTags).filter { !topNames.contains($0) },
            common: TagComposer.commonTags)
        otherPicker = AliasTable(weights: others.indices.map { 1 / pow(Double($0) + 3, 1.1) })
        countries = TagComposer.ranked(
            resources.siteTags.filter { $0.utf8.count == 2 && $0.utf8.allSatisfy { $0 >= 0x41 && $0 <= 0x5A } },
            common: TagComposer.commonCountries)
        countryPicker = AliasTable(weights: countries.indices.map { 1 / pow(Double($0) + 4, 1.0) })
        // Single-word, upper-case forms only: readers split tags on spaces and upper-case them (CableBodyFields),
        // so a multi-word or mixed-case tag would not read back as written.
        organizations = resources.organizationTags.filter { TagComposer.isPlain($0, allowHyphen: true) }
        junk = resources.siteTags.filter { $0.utf8.count >= 9 && TagComposer.isPlain($0, allowHyphen: false) }
        names = resources.names
    }

    /// Upper-case letters and digits (and `-` if allowed), starting with a letter.
    static func isPlain(_ tag: String, allowHyphen: Bool) -> Bool {
        let b = Array(tag.utf8)
        guard let first = b.first, first >= 0x41 && first <= 0x5A else { return false }
        return b.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || (allowHyphen && $0 == 0x2D) }
    }

    /// Draws the tags of one cable; `country` (the station's country tag, if known) is usually among them.
    func choose(_ random: inout GeneratorRandom, country: String?) -> [String] {
        var tags: [String] = []
        func add(_ tag: String) { if !tags.contains(tag) { tags.append(tag) } }
        for (tag, share) in TagComposer.top where random.chance(share) { add(tag) }
        var extra = random.below(3)
        if tags.isEmpty { extra += 1 }
        for _ in 0..<extra { add(others[otherPicker.sample(&random)]) }
        if tags.count > 1 { tags.swapAt(0, random.below(tags.count)) }
        if random.chance(0.03) { add(organizations[random.below(organizations.count)]) }
        if random.chance(0.02) {
            let first = TagComposer.firstNames[random.below(TagComposer.firstNames.count)]
            let initial = UInt8(0x41 + random.below(26))
            add("OVIP (\(names[random.below(names.count)]), \(first) \(Character(Unicode.Scalar(initial))).)")
        }
        if random.chance(0.006) { add(junk[random.below(junk.count)]) }
        var countryCount = 1
        while countryCount < 4 && random.chance(0.3) { countryCount += 1 }
        if let country, random.chance(0.85) {
            add(country)
            countryCount -= 1
        }
        for _ in 0..<countryCount { add(countries[countryPicker.sample(&random)]) }
        return tags
    }

    private static let keywords: [(StaticString, Double)] = [("TAGS:", 0.93), ("TAGS", 0.03), ("TAG", 0.01), ("Tags:", 0.03)]

    /// Writes the TAGS line(s) for `tags` and returns the body-relative ranges of the tags on the first line.
    func write(
        _ tags: [String], oldStyle: Bool, random: inout GeneratorRandom, writer: inout BodyTextWriter
    ) -> [Range<Int>] {
        let out = writer.out
        var u = random.unit()
        var keyword: StaticString = "TAGS:"
        for (k, share) in TagComposer.keywords {
            if u < share {
                keyword = k
                break
            }
            u -= share
        }
        let commas = oldStyle || random.chance(0.3)
        var ranges: [Range<Int>] = []
        out.append(keyword)
        out.append(0x20)
        var column = keyword.utf8CodeUnitCount + 1
        var firstLine = true
        let split = tags.count - 2 - random.below(max(tags.count - 5, 1))
        if !commas && tags.count >= 7 && tags[split...].allSatisfy({ $0.utf8.count <= 12 && TagComposer.isPlain($0, allowHyphen: false) })
            && random.chance(0.5)
        {
            // The seed's form: space-separated first line, comma-separated continuation line (which must read as
            // a tag list: plain upper-case words).
            for (i, tag) in tags[..<split].enumerated() {
                if i > 0 { out.append(0x20) }
                let start = writer.offset
                out.append(tag)
                ranges.append(start..<writer.offset)
            }
            out.append(0x0A)
            out.append(tags[split...].joined(separator: ", "))
            out.append(" \n")
            return ranges
        }
        for (i, tag) in tags.enumerated() {
            let length = tag.utf8.count
            if i > 0 {
                if commas {
                    out.append(0x2C)
                    column += 1
                    if column + 1 + length > 66 {
                        out.append(0x0A)
                        column = 0
                        firstLine = false
                    } else {
                        out.append(0x20)
                        column += 1
                    }
                } else {
                    out.append(0x20)
                    column += 1
                }
            }
            let start = writer.offset
            out.append(tag)
            if firstLine { ranges.append(start..<writer.offset) }
            column += length
        }
        out.append(" \n")
        return ranges
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
