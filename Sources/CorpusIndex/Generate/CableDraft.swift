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

    /// The record a reader of `format` returns for this cable. Pages (HTML, text) carry a release date but neither
    /// the row id nor the references column; a text rendering runs header lines straight into body lines, so the
    /// header's own trailing line ends are not recoverable from it.
    func record(in buffer: ByteBuffer, origins: [String], format: DumpFormat) -> CableRecord {
        let pageForm = format == .html || format == .text
        var headerBytes = buffer.bytes(header)
        if format == .text {
            while let last = headerBytes.last, last == 0x0A || last == 0x0D { headerBytes.removeLast() }
        }
        return CableRecord(
            rowID: pageForm ? nil : index + 1, referenceID: referenceID, created: created,
            released: pageForm ? released : nil, classification: Classification.knownValues[classification],
            origin: origins[origin], references: pageForm ? [] : references, header: headerBytes, body: buffer.bytes(body),
            tags: tags, subject: subject, markings: markings)
    }
}
