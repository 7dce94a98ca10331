import Testing
@testable import CorpusIndex

@Suite struct CableBodyFieldsTests {
    static func fields(_ text: String) -> CableBodyFields { CableBodyFields.parse(Array(text.utf8)) }

    @Test(arguments: [
        ("TAGS: EFIS, PBTS, AR \nSUBJECT: X\n", ["EFIS", "PBTS", "AR"]),
        ("TAGS PREL PGOV ECON PINS TU\nSUBJECT: X\n", ["PREL", "PGOV", "ECON", "PINS", "TU"]),
        ("TAG PREL, PGOV\nSUBJECT: X\n", ["PREL", "PGOV"]),
        ("TAGE: PREL,PGOV\n\n", ["PREL", "PGOV"]),
        ("AGS: KPAO, OIIP\nSUBJECT: X\n", ["KPAO", "OIIP"]),
        ("Tags: prel, pgov\nSubject: x\n", ["PREL", "PGOV"]),
        ("TAGS: OVIP CLINTON HILLARY PREL KPAL FR IR RS\nNATO, UK, CN\nSUBJECT: X\n",
         ["OVIP", "CLINTON", "HILLARY", "PREL", "KPAL", "FR", "IR", "RS", "NATO", "UK", "CN"]),
        ("TAGS: PREL, PGOV,\n     ECON, TU\nSUBJECT: X\n", ["PREL", "PGOV", "ECON", "TU"]),
        ("TAGS: OVIP (STEINBERG, JAMES B.) PREL, CH\nSUBJECT: X\n", ["OVIP (STEINBERG, JAMES B.)", "PREL", "CH"]),
        ("TAGS: OVIP (STEINBERG,\nJAMES B.), PREL\nSUBJECT: X\n", ["OVIP (STEINBERG, JAMES B.)", "PREL"]),
        ("E.o. 12958: decl: 01/07/2014 Tags: prel, pgov, pins, tu Subject: turkish p.m.\n\n", ["PREL", "PGOV", "PINS", "TU"]),
        ("E.O. 12958: DECL: 03/20/2019 TAG PTER, PGOV, SW \n\nSUBJECT: X\n", ["PTER", "PGOV", "SW"]),
        ("TAGS: PREL\nCLASSIFIED BY: A B\n", ["PREL"]),
        ("TAGGED AS URGENT\nNOTHING\n", [String]()),
    ])
    func tagVariants(text: String, expected: [String]) {
        #expect(Self.fields("UNCLAS STATE 1\n \n" + text).tags == expected)
    }

    @Test(arguments: [
        ("SUBJECT: KOSOVO:  SEVENTH ANNUAL TRAFFICKING IN PERSONS \n(TIP) REPORT \n \nREF: 06 STATE 202745\n",
         "KOSOVO: SEVENTH ANNUAL TRAFFICKING IN PERSONS (TIP) REPORT"),
        ("SUBJ: KOREA AT 30TH UNGA: GABON \n \n", "KOREA AT 30TH UNGA: GABON"),
        ("SUBJECT: CUBA/VENEZUELA AXIS OF MISCHIEF: THE VIEW FROM \nCARACAS \nREF: A. A: HAVANA 00118 \n",
         "CUBA/VENEZUELA AXIS OF MISCHIEF: THE VIEW FROM CARACAS"),
        ("SUBJECT: (C) A TITLE\nClassified By: POLITICAL COUNSELOR\n", "(C) A TITLE"),
        ("SUBJECT: A\nB\n1. (C) SUMMARY: TEXT\n", "A B"),
        ("NO SUBJECT HERE\n\n1. TEXT\n", ""),
        ("Subject: brazil: blackout Classified By: Charge d'Affaires, Reasons 1.4 (b) REFTELS: A) X\n\n", "brazil: blackout"),
        ("SUBJECT: RUSSIAN DRAFT BILL REF: MOSCOW 00079\n", "RUSSIAN DRAFT BILL"),
        ("SUBJECT: BALOCH REQUEST Friday, 18 December 2009, 11:04 S E C R E T\n", "BALOCH REQUEST"),
    ])
    func subjectVariants(text: String, expected: String) {
        #expect(Self.fields("C O N F I D E N T I A L PARIS 1\nTAGS: PREL\n" + text).subject == expected)
    }

    @Test func markingsComeFromTheOpeningOnly() {
        let f = Self.fields("""
            S E C R E T SECTION 01 OF 06 CARACAS 000219 \nSECRET NOFORN \n \nSIPDIS \nEXDIS\nNOT FOR INTERNET DISTRIBUTION \
            \nSIPDIS\nE.O. 12958: DNG: CO 01/26/2021 \nTAGS: PGOV PREL VE\nSUBJECT: NODIS TALKS\n \n1. (S//NF) SENSITIVE TEXT
            """)
        #expect(f.markings == ["NOFORN", "SIPDIS", "EXDIS", "NOT FOR INTERNET DISTRIBUTION"])
        #expect(f.tags == ["PGOV", "PREL", "VE"])
        #expect(Self.fields("UNCLAS\nSensitive but unclassified\nSipdis\n").markings == ["SENSITIVE BUT UNCLASSIFIED", "SIPDIS"])
    }

    @Test func aWrappedTagsLinePastTheScanLimitIsNotCut() {
        let padding = String(repeating: "PADDING LINE OF TEXT \n", count: 54)  // ~1,188 bytes
        let f = Self.fields("UNCLAS\n" + padding + "TAGS: PREL, PGOV,\nECON, TU\nSUBJECT: LATE\nSUBJECT\n")
        #expect(f.tags == ["PREL", "PGOV", "ECON", "TU"])
        #expect(f.subject == "LATE")
        // But nothing is looked for far past it.
        let far = Self.fields("UNCLAS\n" + padding + padding + "TAGS: PREL\n")
        #expect(far.tags.isEmpty)
    }

    @Test func arbitraryBytesNeverCrash() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<300 {
            let bytes = (0..<Int(rng.next() % 3000)).map { _ -> UInt8 in
                let pick = "TAGS:SUBJECT:(), \n\u{0}Subj".utf8
                return rng.next() % 3 == 0 ? pick[pick.index(pick.startIndex, offsetBy: Int(rng.next() % UInt64(pick.count)))]
                    : UInt8(truncatingIfNeeded: rng.next())
            }
            _ = CableBodyFields.parse(bytes)
        }
    }

    /// The marker rule as written: marker by marker, in order, cut at its first occurrence wholly inside the
    /// text kept so far (a day also needs a digit right after it, before the cut).
    static func referenceCut(_ text: [UInt8]) -> [UInt8] {
        func find(_ literal: String, _ end: Int) -> Int? {
            let l = Array(literal.utf8)
            guard end >= l.count else { return nil }
            for i in 0...(end - l.count)
            where (0..<l.count).allSatisfy({ ByteText.upper(text[i + $0]) == ByteText.upper(l[$0]) }) {
                return i
            }
            return nil
        }
        var end = text.count
        for m in [" CLASSIFIED BY", " REF:", " REFS:", " REFTEL", " REF(S):", " (U) CLASSIFIED BY"] {
            if let at = find(m, end) { end = at }
        }
        for d in [" MONDAY, ", " TUESDAY, ", " WEDNESDAY, ", " THURSDAY, ", " FRIDAY, ", " SATURDAY, ", " SUNDAY, "] {
            if let at = find(d, end), at + d.utf8.count < end, ByteText.isDigit(text[at + d.utf8.count]) { end = at }
        }
        return Array(text[0..<end])
    }

    @Test func inlineMarkerCutFollowsTheRuleOnRandomText() {
        var rng = SplitMix64(seed: 7)
        let pieces = [" CLASSIFIED BY", " Ref:", " REFS:", " reftel", " REF(S):", " (U) Classified By", " REF", " (U)",
                      " Friday, ", " MONDAY, ", " sunday, ", " WEDNESDAY,", "1", "9 ", " ", "A", "x", "  REF:S"]
        for _ in 0..<3000 {
            var text: [UInt8] = []
            for _ in 0..<Int(rng.next() % 9) { text += Array(pieces[Int(rng.next() % UInt64(pieces.count))].utf8) }
            #expect(CableBodyFields.cutAtInlineMarker(text) == Self.referenceCut(text), "\(String(decoding: text, as: UTF8.self))")
        }
    }
}
