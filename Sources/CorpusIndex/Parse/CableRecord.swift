/// One cable, as any reader produces it, whatever the dump form.
///
/// The metadata fields are `String`s (they are short and ASCII in the real dump); `header` and `body` are the raw
/// bytes exactly as the dump holds them after the form's own escaping is undone (CSV backslash escapes, SQL string
/// escapes, the HTML mirror's `&#x000A;` and inserted links), so that invalid UTF-8 is kept byte for byte and a
/// cable can be shown exactly as it was. `tags`, `subject` and `markings` are parsed from the body.
///
/// Value type, `Sendable`; a record owns its storage.
public struct CableRecord: Sendable, Equatable {
    /// The dump's row id (CSV column 1, the SQL `id`); `nil` for forms that carry none (HTML pages, text renderings).
    public var rowID: Int?
    /// The reference id (MRN), e.g. `07PRISTINA150`, verbatim even when malformed (`7575LIBREVILLE1895`).
    public var referenceID: String
    /// When the cable was created, minute precision.
    public var created: CableDate
    /// When WikiLeaks released it (HTML and text forms); `nil` where the form does not say.
    public var released: CableDate?
    /// The classification verbatim: one of `Classification.knownValues`, or anything else the input says.
    public var classification: String
    /// The origin, e.g. `Embassy Pristina`, verbatim (`** Dhahran` and `Embasy Bonn` included).
    public var origin: String
    /// The reference ids this cable cites (CSV column 6 split on `|`), in input order.
    public var references: [String]
    /// The routing header, raw bytes.
    public var header: [UInt8]
    /// The cable text, raw bytes.
    public var body: [UInt8]
    /// The TAGS of the body, in order, normalised by `CableBodyFields.normalizedTags` so that every form agrees:
    /// split on commas and spaces, parenthesised person tags kept whole (`OVIP (STEINBERG, JAMES B.)`), ASCII
    /// upper-cased (`PHUM`; a multi-word tag such as `HUMAN RIGHTS` gives two tags).
    public var tags: [String]
    /// The SUBJECT of the body with its wrapped lines joined by single spaces; empty when the cable has none.
    public var subject: String
    /// Handling markings found in the body's opening lines, in first-seen order, each once
    /// (`SIPDIS`, `NOFORN`, `EXDIS`, `NODIS`, `SENSITIVE`, ...).
    public var markings: [String]

    public init(
        rowID: Int?, referenceID: String, created: CableDate, released: CableDate? = nil,
        classification: String, origin: String, references: [String] = [],
        header: [UInt8], body: [UInt8], tags: [String] = [], subject: String = "", markings: [String] = []
    ) {
        self.rowID = rowID
        self.referenceID = referenceID
        self.created = created
        self.released = released
        self.classification = classification
        self.origin = origin
        self.references = references
        self.header = header
        self.body = body
        self.tags = tags
        self.subject = subject
        self.markings = markings
    }
}

/// The six classification values of the real dump.
public enum Classification {
    /// In the order the WikiLeaks site numbers them (1 = CONFIDENTIAL ... 6 = UNCLASSIFIED//FOR OFFICIAL USE ONLY).
    public static let knownValues: [String] = [
        "CONFIDENTIAL", "CONFIDENTIAL//NOFORN", "SECRET", "SECRET//NOFORN", "UNCLASSIFIED",
        "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    ]
}
