/// Writes running cable text into a `ByteBuffer` the way the real bodies look: words hard-wrapped at a per-cable
/// width (60–69), each line ending in a space before the LF, blank lines as a single space, and the page-break
/// lines of multi-section telegrams (`STATION 0000SSSS  PPP OF TTT`) dropped in at line ends once a section's worth
/// of bytes has been written.
///
/// The caller announces each token's length before writing it (`begin(length:)`), so wrapping never moves bytes.
/// Value type holding the worker's buffer; one per cable being composed.
struct BodyTextWriter {
    let out: ByteBuffer
    /// Where the body starts in `out` (offsets the writer reports are relative to it).
    let bodyStart: Int
    let width: Int
    private(set) var lineLength = 0
    // Page breaks.
    private let sections: Int
    private let breakEvery: Int
    private var nextBreakAt: Int
    private(set) var breaksWritten = 0
    private let stationText: String
    private let serial: Int

    init(out: ByteBuffer, width: Int, sections: Int, estimatedBytes: Int, stationText: String, serial: Int) {
        self.out = out
        bodyStart = out.count
        self.width = width
        self.sections = sections
        breakEvery = max(estimatedBytes / max(sections, 1), 1)
        nextBreakAt = out.count + breakEvery
        self.stationText = stationText
        self.serial = serial
    }

    /// The current offset relative to the body start.
    var offset: Int { out.count - bodyStart }

    /// Starts a token of `length` bytes: wraps first if it would not fit on the current line.
    @inline(__always)
    mutating func begin(length: Int) {
        if lineLength > 0 && lineLength + length > width { newline() }
        lineLength += length + 1
    }

    /// Ends a token: the separating space (which becomes the trailing space if the line wraps after it).
    @inline(__always)
    func end() {
        out.append(0x20)
    }

    /// Ends the current line (its trailing space is already written) and maybe writes a page break.
    @inline(__always)
    mutating func newline() {
        out.append(0x0A)
        lineLength = 0
        if out.count >= nextBreakAt && breaksWritten + 1 < sections { pageBreak() }
    }

    /// Writes a whole line (`text` plus the trailing space and LF), on a line of its own.
    mutating func line(_ text: String) {
        if lineLength > 0 { newline() }
        out.append(text)
        out.append(" \n")
        lineLength = 0
    }

    mutating func line(_ text: StaticString) {
        if lineLength > 0 { newline() }
        out.append(text)
        out.append(" \n")
        lineLength = 0
    }

    /// A blank line (` \n`), after ending any open line.
    mutating func blank() {
        if lineLength > 0 { newline() }
        out.append(" \n")
    }

    /// Ends the open paragraph: its last line, then a blank line.
    mutating func endParagraph() {
        if lineLength > 0 { newline() }
        out.append(" \n")
    }

    private mutating func pageBreak() {
        breaksWritten += 1
        nextBreakAt = out.count + breakEvery
        out.append(" \n")
        out.append(stationText)
        out.append(0x20)
        out.appendDecimal(serial, width: 8)
        out.append("  ")
        out.appendDecimal(breaksWritten + 1, width: 3)
        out.append(" OF ")
        out.appendDecimal(sections, width: 3)
        out.append(" \n \n \n")
    }
}
