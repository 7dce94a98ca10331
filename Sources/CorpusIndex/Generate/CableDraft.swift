/// One generated cable: its metadata, where its header and body bytes sit in the worker's `ByteBuffer`, and the
/// fields a reader parses out of the body. The renderers (CSV, SQL, HTML, text) turn a draft into dump bytes;
/// `record` turns it into the `CableRecord` a correct reader returns.
struct CableDraft {
    /// 0-based row index in the generated dump.
    var index: Int
    var referenceID: String
    var created: CableDate
    var released: CableDate
    /// Index into `Classification.knownValues`.
    var classification: Int
    /// Index into the origin list.
    var origin: Int
    /// The references column, sorted and unique.
    var references: [String]
    var tags: [String]
    var subject: String
    var markings: [String]
    /// The header and body bytes in the buffer the draft was composed into.
    var header: Range<Int> = 0..<0
    var body: Range<Int> = 0..<0
    /// Body-relative byte ranges of the tags on the first TAGS line (the HTML form links them).
    var firstLineTagRanges: [Range<Int>] = []
    /// Body-relative offsets of numbered-paragraph starts (the HTML form anchors them), with their numbers.
    var paragraphAnchors: [(offset: Int, number: Int)] = []

    /// The record a reader of `format` returns for this cable.
    func record(in buffer: ByteBuffer, origins: [String], format: DumpFormat) -> CableRecord {
        let pageForm = format == .html || format == .text
        return CableRecord(
            rowID: pageForm ? nil : index + 1, referenceID: referenceID, created: created,
            released: pageForm ? released : nil, classification: Classification.knownValues[classification],
            origin: origins[origin], references: references, header: buffer.bytes(header), body: buffer.bytes(body),
            tags: tags, subject: subject, markings: markings)
    }
}
