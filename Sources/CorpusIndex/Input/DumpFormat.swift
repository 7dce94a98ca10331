/// The dump forms corpus-index reads and generates (see `../../docs/FORMATS` and FORMATS.md of the samples).
public enum DumpFormat: String, Sendable, CaseIterable {
    /// `cables.csv`: no header, 8 double-quoted fields, backslash escapes, raw newlines in fields.
    case csv
    /// The WikiLeaks MySQL dump: `INSERT INTO cable (...) VALUES (...),(...);`.
    case sql
    /// One cable page of the WikiLeaks site (December 2010 or August 2011 generation).
    case html
    /// The visible text of a site page, like `seed-07PRISTINA150.txt`.
    case text
}

/// How a dump's bytes are compressed on disk.
public enum DumpCompression: String, Sendable, CaseIterable {
    case none
    /// gzip / zlib stream (`.gz`).
    case gzip
    /// LZ4 frame format (`.lz4`).
    case lz4
}
