/// A mapped index file whose header, footer and section table have been checked (docs/FORMAT.md, "File
/// container").
///
/// Opening checks the magic numbers, kind, version and that every section lies inside the file, in order and
/// 8-byte aligned; it does not read the whole file. `verifyChecksum()` reads every byte and compares the footer's
/// CRC-32. Immutable and `Sendable`; section buffers stay valid while the `ContainerFile` is alive.
public final class ContainerFile: @unchecked Sendable {
    /// The mapping (keeps the bytes alive).
    public let mapped: MappedFile
    /// The file name used in errors (last path component).
    public let name: String
    /// The kind in the header.
    public let kind: FourCC
    /// The format version in the header.
    public let version: UInt32
    /// The sections in file order.
    public let sections: [(name: FourCC, range: Range<Int>)]
    /// The CRC-32 stored in the footer.
    public let storedChecksum: UInt32

    /// Maps `path` and checks its container structure.
    /// - Throws: `.io` if it cannot be mapped, `.formatTooOld`/`.formatTooNew` for an unsupported version,
    ///   `.corrupt` for anything else that is wrong.
    public init(path: String, kind expected: FourCC) throws {
        mapped = try MappedFile(path: path)
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        name = fileName
        let bytes = mapped.bytes
        func corrupt(_ section: String, _ reason: String) -> CorpusIndexError {
            .corrupt(file: fileName, section: section, reason: reason)
        }
        guard bytes.count >= IndexFormat.headerSize + IndexFormat.footerSize else {
            throw corrupt("header", "file is \(bytes.count) bytes, too short for a header and footer")
        }
        var header = ByteReader(bytes, file: fileName, section: "header")
        guard try header.read(UInt32.self) == IndexFormat.magic else { throw corrupt("header", "bad magic number") }
        kind = FourCC(rawValue: try header.read(UInt32.self))
        guard kind == expected else { throw corrupt("header", "file kind \(kind), expected \(expected)") }
        version = try header.read(UInt32.self)
        if version > IndexFormat.current {
            throw CorpusIndexError.formatTooNew(file: fileName, found: version, supported: IndexFormat.current)
        }
        if version < IndexFormat.oldestSupported {
            throw CorpusIndexError.formatTooOld(file: fileName, found: version, oldestSupported: IndexFormat.oldestSupported)
        }
        let footerStart = bytes.count - IndexFormat.footerSize
        var footer = ByteReader(bytes, offset: footerStart, file: fileName, section: "footer")
        let tableOffset = try footer.read(UInt64.self)
        let sectionCount = try footer.read(UInt32.self)
        let footerKind = try footer.read(UInt32.self)
        let footerOffset = try footer.read(UInt64.self)
        storedChecksum = try footer.read(UInt32.self)
        guard try footer.read(UInt32.self) == IndexFormat.footerMagic else {
            throw corrupt("footer", "bad footer magic (truncated or not an index file)")
        }
        guard footerKind == kind.rawValue else { throw corrupt("footer", "footer kind differs from header kind") }
        guard footerOffset == UInt64(footerStart) else {
            throw corrupt("footer", "footer says it starts at \(footerOffset), file length puts it at \(footerStart)")
        }
        let tableLength = UInt64(sectionCount) * UInt64(IndexFormat.sectionEntrySize)
        guard tableOffset % 8 == 0, tableOffset >= UInt64(IndexFormat.headerSize),
            tableOffset <= UInt64(footerStart), tableLength == UInt64(footerStart) - tableOffset
        else { throw corrupt("section table", "table offset \(tableOffset) / count \(sectionCount) do not fit") }
        var table = ByteReader(bytes, offset: Int(tableOffset), file: fileName, section: "section table")
        var list: [(FourCC, Range<Int>)] = []
        var previousEnd = UInt64(IndexFormat.headerSize)
        for i in 0..<Int(sectionCount) {
            let name = FourCC(rawValue: try table.read(UInt32.self))
            _ = try table.read(UInt32.self)
            let offset = try table.read(UInt64.self)
            let length = try table.read(UInt64.self)
            guard offset % 8 == 0, offset >= previousEnd, length <= tableOffset, offset <= tableOffset - length else {
                throw corrupt("section table", "section \(i) (\(name)) at \(offset)+\(length) is out of place")
            }
            guard !list.contains(where: { $0.0 == name }) else { throw corrupt("section table", "duplicate \(name)") }
            previousEnd = offset + length
            list.append((name, Int(offset)..<Int(offset + length)))
        }
        sections = list.map { (name: $0.0, range: $0.1) }
    }

    /// The bytes of section `name`.
    /// - Throws: `.corrupt` if the file has no such section.
    public func section(_ name: FourCC) throws -> UnsafeRawBufferPointer {
        guard let s = sections.first(where: { $0.name == name }) else {
            throw CorpusIndexError.corrupt(file: self.name, section: name.description, reason: "section missing")
        }
        return UnsafeRawBufferPointer(rebasing: mapped.bytes[s.range])
    }

    /// A bounds-checked reader over section `name`.
    public func reader(_ name: FourCC) throws -> ByteReader {
        ByteReader(try section(name), file: self.name, section: name.description)
    }

    /// Reads every byte and compares the CRC-32 with the footer's.
    /// - Returns: the CRC-32 of the whole file (footer included), as the manifest records it.
    /// - Throws: `.corrupt(file:section: "checksum", ...)` on a mismatch.
    @discardableResult
    public func verifyChecksum() throws -> UInt32 {
        let bytes = mapped.bytes
        let crc = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 8)]))
        guard crc == storedChecksum else {
            throw CorpusIndexError.corrupt(
                file: name, section: "checksum",
                reason: "CRC-32 of the contents is \(hex(crc)), the footer says \(hex(storedChecksum))")
        }
        return CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - 8)...]), continuing: crc)
    }
}

func hex(_ value: UInt32) -> String {
    let s = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - s.count) + s
}
