/// Writes a cable's routing header (CSV column 7) in one of the four real kinds (FORMATS.md §5.2): ACP-127
/// (`VZCZC…`, 77%), the partial-extract banner (19.5%), ACP-126 / plain (2.4%, and all cables before 1990) and the
/// State-outgoing office distribution block (1.2%). Addressees come from the real routing-indicator list.
/// Stateless apart from the shared read-only resources; `Sendable`.
struct RoutingHeaderComposer: Sendable {
    let resources: GeneratorResources
    /// ACP-127, partial, ACP-126 (after 1990) in their real proportions.
    private let kindPicker = AliasTable(weights: [193_225, 49_082, 4_800])
    /// Routing indicators of US posts (RUEH…), the usual addressees.
    private let postRoutes: [Int]

    enum Kind: Int {
        case acp127, partial, acp126, stateOutgoing
    }

    init(resources: GeneratorResources) {
        self.resources = resources
        postRoutes = resources.routes.indices.filter {
            resources.routes[$0].ri.hasPrefix("RUEH") && resources.routes[$0].name.hasPrefix("AM")
        }
    }

    /// The header kind of a cable: ACP-126 before 1990; the State-outgoing office block only for STATE's own
    /// cables (38% of them, which makes the real 3,044 of all cables); otherwise by the real proportions.
    func kind(year: Int, fromState: Bool, random: inout GeneratorRandom) -> Kind {
        if year < 1990 { return .acp126 }
        if fromState && random.chance(0.38) { return .stateOutgoing }
        return Kind(rawValue: kindPicker.sample(&random))!
    }

    static let monthNames: [StaticString] = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ]
    static let monthTitles: [StaticString] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    private static let precedences: [(StaticString, StaticString)] = [
        ("R", "ROUTINE"), ("P", "PRIORITY"), ("O", "IMMEDIATE"), ("Z", "FLASH"),
    ]

    /// Writes the header of `draft`; `sections` > 1 adds the `/01` part number to the DE line.
    func write(
        _ kind: Kind, draft: CableDraft, station: GeneratorResources.Station, serial: String, sections: Int,
        random: inout GeneratorRandom, to out: ByteBuffer
    ) {
        let c = draft.created.components
        let yy = c.year % 100
        switch kind {
        case .partial:
            out.append("This record is a partial extract of the original cable. The full text of the original cable is not available.\n\n")
            dtg(c, month: RoutingHeaderComposer.monthTitles[c.month - 1], out)
        case .acp126:
            let p = RoutingHeaderComposer.precedences[random.below(2)]
            out.append(p.0)
            out.append(" R ")
            dtg(c, month: RoutingHeaderComposer.monthNames[c.month - 1], out)
            out.append("\nFM ")
            out.append(station.plainName)
            out.append("\nTO SECSTATE WASHDC ")
            if random.chance(0.5) { out.append(p.1) } else { out.appendDecimal(1000 + random.below(9000)) }
            out.append(" \n")
            let infos = random.below(9)
            for k in 0..<infos {
                out.append(k == 0 ? "INFO " : "")
                out.append(resources.routes[postRoutes[random.below(postRoutes.count)]].name)
                out.append("\n")
            }
        case .stateOutgoing:
            out.append(random.chance(0.5) ? "ACTION SCA-00\n\n" : "ORIGIN DS-00\n\n")
            out.append("INFO  LOG-00   ")
            let codes: [StaticString] = [
                "MFA-00", "EEB-00", "AF-00", "AID-00", "A-00", "CIAE-00", "INL-00", "DODE-00", "DOTE-00", "PERC-00",
                "DS-00", "EAP-00", "DHSE-00", "EUR-00", "FAAE-00", "UTED-00", "VCI-00", "H-00", "TEDE-00", "INR-00",
            ]
            var column = 15
            for _ in 0..<(4 + random.below(14)) {
                let code = codes[random.below(codes.count)]
                if column > 60 {
                    out.append("\n      ")
                    column = 6
                }
                out.append(code)
                for _ in code.utf8CodeUnitCount..<9 { out.append(0x20) }
                column += 9
            }
            out.append("\n")
        case .acp127:
            out.append("VZCZC")
            out.append(UInt8(0x41 + random.below(26)))
            out.append(UInt8(0x41 + random.below(26)))
            out.append([0x49, 0x4F, 0x5A][random.below(3)] as UInt8)
            out.appendDecimal(random.below(10_000), width: 4)
            out.append("\n")
            let p = RoutingHeaderComposer.precedences[[0, 1, 1, 2, 2, 2, 3][random.below(7)] % 4]
            out.append(p.0)
            out.append(p.0)
            var column = 2
            for _ in 0..<(1 + random.below(14)) {
                let ri = resources.routes[postRoutes[random.below(postRoutes.count)]].ri
                if column + 1 + ri.utf8.count > 68 {
                    out.append("\n")
                    column = 0
                } else {
                    out.append(0x20)
                    column += 1
                }
                out.append(ri)
                column += ri.utf8.count
            }
            out.append("\nDE ")
            out.append(station.routingIndicator)
            out.append(" #")
            out.appendDecimal((Int(serial) ?? 0) % 10_000, width: 4)
            if sections > 1 { out.append("/01") }
            out.append(0x20)
            let dayOfYear = Int((draft.created.minutesSinceEpoch
                - CableDate(year: c.year, month: 1, day: 1)!.minutesSinceEpoch) / 1440) + 1
            out.appendDecimal(dayOfYear, width: 3)
            out.appendDecimal(c.hour, width: 2)
            out.appendDecimal(c.minute, width: 2)
            switch draft.classification {
            case 0, 1: out.append("\nZNY CCCCC ZZH\n")
            case 2, 3: out.append("\nZNY SSSSS ZZH\n")
            default: out.append("\nZNR UUUUU ZZH\n")
            }
            out.append(p.0)
            out.append(0x20)
            dtg(c, month: RoutingHeaderComposer.monthNames[c.month - 1], out)
            out.append("\nFM ")
            out.append(station.plainName)
            out.append("\nTO ")
            if station.plainName == "SECSTATE WASHDC" {
                addressee(random.below(postRoutes.count), p.1, &random, out)
            } else {
                out.append("RUEHC/SECSTATE WASHDC ")
                out.append(p.1)
                out.append(0x20)
                out.appendDecimal(random.below(10_000), width: 4)
                out.append("\n")
            }
            let infos = random.below(12)
            for k in 0..<infos {
                if k == 0 { out.append("INFO ") }
                addressee(random.below(postRoutes.count), "PRIORITY", &random, out)
            }
            _ = yy
        }
    }

    private func addressee(
        _ route: Int, _ precedence: StaticString, _ random: inout GeneratorRandom, _ out: ByteBuffer
    ) {
        let r = resources.routes[postRoutes[route]]
        out.append(r.ri)
        out.append(0x2F)
        out.append(r.name)
        out.append(0x20)
        out.append(precedence)
        if random.chance(0.6) {
            out.append(0x20)
            out.appendDecimal(random.below(10_000), width: 4)
        }
        out.append("\n")
    }

    /// `DDHHMMZ MON YY`.
    private func dtg(
        _ c: (year: Int, month: Int, day: Int, hour: Int, minute: Int), month: StaticString, _ out: ByteBuffer
    ) {
        out.appendDecimal(c.day, width: 2)
        out.appendDecimal(c.hour, width: 2)
        out.appendDecimal(c.minute, width: 2)
        out.append("Z ")
        out.append(month)
        out.append(0x20)
        out.appendDecimal(c.year % 100, width: 2)
    }
}
