/// The version constants of the on-disk format (docs/FORMAT.md), shared by every index file.
///
/// Every file starts with `magic`, a `FileKind` and `current`; readers accept `oldestSupported...current` and throw
/// `.formatTooOld` / `.formatTooNew` otherwise. Bump `current` on any layout change and record it in FORMAT.md's
/// version history.
public enum IndexFormat {
    /// The format version this build writes.
    public static let current: UInt32 = 1
    /// The oldest format version this build reads.
    public static let oldestSupported: UInt32 = 1
    /// The header magic: the bytes `C I D X` (0x58444943 read as a little-endian UInt32).
    public static let magic: UInt32 = 0x5844_4943
    /// The footer magic: the bitwise complement of `magic` (Lucene's `~CODEC_MAGIC`).
    public static let footerMagic: UInt32 = ~magic
    /// Bytes in a file header.
    public static let headerSize = 16
    /// Bytes in a file footer.
    public static let footerSize = 32
    /// Bytes in one section-table entry.
    public static let sectionEntrySize = 24
    /// Section alignment in bytes.
    public static let alignment = 8
}

/// A four-character code (`TDIC`, `POST`, ...) stored as the four ASCII bytes in file order, i.e. a little-endian
/// UInt32. Used for file kinds and section names.
public struct FourCC: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The code of a four-byte ASCII string.
    public init(_ text: StaticString) {
        precondition(text.utf8CodeUnitCount == 4, "a FourCC has four ASCII characters")
        let p = text.utf8Start
        rawValue = UInt32(p[0]) | UInt32(p[1]) << 8 | UInt32(p[2]) << 16 | UInt32(p[3]) << 24
    }

    /// The four characters (non-printable bytes as `?`).
    public var description: String {
        String((0..<4).map { i -> Character in
            let b = UInt8(truncatingIfNeeded: rawValue >> (8 * UInt32(i)))
            return b >= 0x20 && b < 0x7F ? Character(Unicode.Scalar(b)) : "?"
        })
    }
}

/// The kinds of index file (the second header field).
public enum FileKind {
    /// A term dictionary (`<field>.terms`).
    public static let termDictionary = FourCC("TDIC")
    /// Document ids, frequencies and skip data (`<field>.postings`).
    public static let postings = FourCC("POST")
    /// Positions (`<field>.positions`).
    public static let positions = FourCC("POSN")
    /// Field lengths (`<field>.lengths`).
    public static let fieldLengths = FourCC("FLEN")
    /// Stored documents (`documents.store`).
    public static let documentStore = FourCC("DSTO")
    /// Metadata columns (`documents.columns`).
    public static let columns = FourCC("DCOL")
    /// The manifest (`manifest`).
    public static let manifest = FourCC("MANI")
}

/// What a writer produced: the manifest records each file's name, size and CRC-32 of all its bytes.
public struct WrittenFile: Sendable, Equatable {
    /// The file name inside the index directory.
    public var name: String
    /// The file size in bytes.
    public var size: UInt64
    /// CRC-32 of the whole file, footer included.
    public var crc32: UInt32

    public init(name: String, size: UInt64, crc32: UInt32) {
        self.name = name
        self.size = size
        self.crc32 = crc32
    }
}
