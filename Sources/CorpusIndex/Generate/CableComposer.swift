/// Composes one whole cable — identity, routing header and body — from `(seed, row)` into a worker's buffer.
///
/// Body layout (FORMATS.md §5.3): classification line (letter-spaced `C O N F I D E N T I A L`, `S E C R E T`,
/// `UNCLAS`, with `SECTION 01 OF NN` for multi-section telegrams, station and serial), handling-marking lines
/// (`SIPDIS`, `SENSITIVE`, `NOFORN`, `EXDIS`, `NODIS`), optional passing lines, the E.O. line, TAGS, SUBJECT
/// (wrapped), REF lines, `Classified By`, numbered paragraphs with portion markings (`1. (C)`), SUMMARY and COMMENT
/// blocks, page breaks, the signer. Word counts are log-normal (median ≈ 700, mean ≈ 1,040 words).
/// Immutable; `Sendable`: workers share one composer and pass their own buffers.
struct CableComposer: Sendable {
    let resources: GeneratorResources
    let planner: CablePlanner
    let words: WordSampler
    let markov: MarkovModel
    let tagComposer: TagComposer
    let headerComposer: RoutingHeaderComposer

    init(resources: GeneratorResources, count: Int, seed: UInt64) {
        self.resources = resources
        planner = CablePlanner(resources: resources, count: count, seed: seed)
        words = WordSampler(words: resources.words, counts: resources.wordCounts, tailShare: CableComposer.tailShare)
        markov = MarkovModel(counts: resources.markov, headID: words.headID, headCount: words.headCount)
        tagComposer = TagComposer(resources: resources)
        headerComposer = RoutingHeaderComposer(resources: resources)
    }

    private static let plainPrefixes: Set<String> = ["AMEMBASSY", "AMCONSUL", "USMISSION", "USOFFICE", "REO", "USINT"]
    private static let offices = [
        "EUR/SCE", "DRL", "INL", "NEA/I", "EAP/CM", "WHA/AND", "AF/E", "SCA/A", "ISN/MNSA", "EEB/TPP", "PM/RSAT",
        "IO/UNP", "S/CT", "G/TIP", "EUR/RUS", "NEA/ELA", "EAP/MTS", "WHA/CAR", "AF/SPG", "OES/PCI",
    ]
    private static let titles = [
        "Ambassador", "Charge d'Affaires", "Political Counselor", "DCM", "Acting DCM", "Pol/Econ Chief",
        "POLOFF", "Economic Counselor", "Deputy Chief of Mission", "Consul General",
    ]
    private static let firstNames = [
        "Robert", "James", "Eric", "Chat", "Mary", "Susan", "Daniel", "William", "Richard", "Anne", "Michael",
        "Patricia", "Christopher", "Thomas", "Karen", "Paul", "John", "Elizabeth", "Mark", "Gregory",
    ]

    /// Composes row `index` into `out` (appending) and returns its draft.
    func compose(_ index: Int, into out: ByteBuffer) -> CableDraft {
        var random = GeneratorRandom(seed: planner.seed, stream: UInt64(index))
        var draft = planner.plan(index, random: &random)
        let parsed = CablePlanner.parse(draft.referenceID)
        let station = resources.stations[parsed.station]
            ?? GeneratorResources.Station(
                originIndex: nil, routingIndicator: "RUEH" + String(parsed.station.prefix(3)),
                plainName: parsed.station)
        let year = draft.created.components.year
        let old = year < 1995

        // Size plan first: the header's DE line and the body's first line need the section count.
        let targetWords = min(max(Int(random.logNormal(median: 675, sigma: 0.86)), 25), 16_000)
        let kind = headerComposer.kind(year: year, fromState: parsed.station == "STATE", random: &random)
        let sections = kind == .acp127 && targetWords > 1_100 ? min(1 + targetWords / 1_100, 60) : 1

        let headerStart = out.count
        headerComposer.write(
            kind, draft: draft, station: station, serial: parsed.serial, sections: sections, random: &random, to: out)
        draft.header = headerStart..<out.count

        var stationText = station.plainName
        if let space = stationText.firstIndex(of: " "), CableComposer.plainPrefixes.contains(String(stationText[..<space])) {
            stationText = String(stationText[stationText.index(after: space)...])
        }
        if stationText == "SECSTATE WASHDC" { stationText = "STATE" }
        let serialNumber = Int(parsed.serial.prefix(9)) ?? 0
        let uppercase = year < 2006 || random.chance(0.35)
        var writer = BodyTextWriter(
            out: out, width: old && random.chance(0.02) ? 100_000 : 60 + random.below(10), sections: sections,
            estimatedBytes: targetWords * 63 / 10, stationText: stationText, serial: serialNumber)

        // Classification line.
        switch draft.classification {
        case 0, 1: out.append("C O N F I D E N T I A L")
        case 2, 3: out.append("S E C R E T")
        default: out.append(old ? "UNCLASSIFIED" : "UNCLAS")
        }
        if sections > 1 {
            out.append(" SECTION 01 OF ")
            out.appendDecimal(sections, width: 2)
        }
        out.append(0x20)
        out.append(stationText)
        out.append(0x20)
        if old { out.append(parsed.serial) } else { out.appendDecimal(serialNumber, width: 6) }
        out.append(" \n")

        // Handling markings.
        var markings: [String] = []
        func marking(_ text: String) {
            writer.blank()
            writer.line(text)
            if !markings.contains(text) { markings.append(text) }
        }
        let sipdis = year >= 2002 && random.chance(0.95)
        if sipdis { marking("SIPDIS") }
        if draft.classification == 5 && random.chance(0.6) {
            marking("SENSITIVE")
            if sipdis { marking("SIPDIS") }
        }
        if draft.classification == 1 || draft.classification == 3 { marking("NOFORN") }
        if draft.classification < 4 && random.chance(0.02) { marking("EXDIS") }
        if draft.classification < 4 && random.chance(0.004) { marking("NODIS") }
        draft.markings = markings

        // Passing lines.
        if random.chance(0.15) {
            writer.blank()
            var text = "DEPT FOR " + CableComposer.offices[random.below(CableComposer.offices.count)]
            for _ in 0..<random.below(4) { text += ", " + CableComposer.offices[random.below(CableComposer.offices.count)] }
            if random.chance(0.4) { text += ", NSC FOR " + resources.names[random.below(resources.names.count)] }
            writer.line(text)
        }

        // E.O. line.
        writer.blank()
        if random.chance(0.97) {
            let c = draft.created.components
            if year < 1980 {
                writer.line(random.chance(0.5) ? "E. O. 11652: GDS" : "E.O. 12958: DECL: DECLASSIFIED BY NARA 09/02/2009")
            } else if draft.classification >= 4 {
                writer.line("E.O. 12958: N/A")
            } else {
                out.append(random.chance(0.95) ? "E.O. 12958: DECL: " : "EO 12958 DECL: ")
                out.appendDecimal(c.month, width: 2)
                out.append(0x2F)
                out.appendDecimal(min(c.day, 28), width: 2)
                out.append(0x2F)
                out.appendDecimal(c.year + 10 + (random.chance(0.1) ? 15 : 0))
                out.append(" \n")
            }
        }

        // TAGS and SUBJECT.
        draft.tags = tagComposer.choose(&random, country: station.countryTag)
        draft.firstLineTagRanges = tagComposer.write(draft.tags, oldStyle: old, random: &random, writer: &writer)
        draft.subject = writeSubject(stationText: stationText, classified: draft.classification < 4, &random, &writer)
        writer.blank()

        // REF lines.
        if !draft.references.isEmpty {
            writeReferences(draft.references, ownYear: parsed.year, &random, &writer)
            writer.blank()
        }

        // Classified By.
        if draft.classification < 4 && random.chance(0.9) {
            let title = CableComposer.titles[random.below(CableComposer.titles.count)]
            let first = CableComposer.firstNames[random.below(CableComposer.firstNames.count)]
            let last = resources.names[random.below(resources.names.count)].capitalized
            let reason = year >= 2009 ? "1.4" : "1.5"
            let letters = ["(b) and (d)", "(b,d)", "(d)", "(b), (d)"][random.below(4)]
            writer.line("Classified By: \(title) \(first) \(last), reasons \(reason) \(letters)")
            writer.blank()
        }

        writeParagraphs(&draft, targetWords: targetWords, uppercase: uppercase, old: old, &random, &writer)

        // Signer.
        if old && random.chance(0.3) { writer.line("GP-3") }
        writer.line(resources.names[random.below(resources.names.count)])
        draft.body = writer.bodyStart..<out.count
        return draft
    }

    private func writeSubject(
        stationText: String, classified: Bool, _ random: inout GeneratorRandom, _ writer: inout BodyTextWriter
    ) -> String {
        var parts: [String] = []
        if classified && random.chance(0.15) { parts.append(["(C)", "(U)", "(SBU)", "(S)"][random.below(4)]) }
        if random.chance(0.3) {
            parts.append(stationText + ":")
        }
        for _ in 0..<(3 + random.below(10)) { parts.append(words.headWord(&random).uppercased()) }
        let keyword = random.chance(0.95) ? "SUBJECT:" : "SUBJ:"
        let out = writer.out
        out.append(keyword)
        var column = keyword.utf8.count
        for part in parts {
            let length = part.utf8.count
            if column + 1 + length > 64 {
                out.append(" \n")
                column = 0
            } else {
                out.append(0x20)
                column += 1
            }
            out.append(part)
            column += length
        }
        out.append(" \n")
        return parts.joined(separator: " ")
    }

    private func writeReferences(
        _ references: [String], ownYear: String, _ random: inout GeneratorRandom, _ writer: inout BodyTextWriter
    ) {
        let keyword = ["REF:", "REF:", "REF:", "REF:", "REFS:", "REFTEL:"][random.below(6)]
        for (i, mrn) in references.enumerated() {
            let p = CablePlanner.parse(mrn)
            let cite = (p.year == ownYear ? "" : p.year + " ") + p.station + " " + p.serial
            if references.count == 1 {
                writer.line(keyword + " " + cite)
            } else {
                let letter = String(Character(Unicode.Scalar(UInt8(0x41 + min(i, 25)))))
                writer.line((i == 0 ? keyword + " " : "") + letter + ". " + cite)
            }
        }
    }
}
