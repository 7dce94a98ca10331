import ArgumentParser
import CorpusIndex

import Foundation

extension CorpusIndexCommand {
    /// `corpus-index show INDEX REFID`: one stored cable.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print a cable from the index's document store, exactly as it was in the dump.",
            discussion: """
                Prints the metadata, then the routing header and the body byte for byte. --body prints only the \
                body bytes; --json prints one JSON object (reference_id, row_id, created, released, \
                classification, origin, references, tags, subject, markings, header, body).
                """)

        @Argument(help: "The index directory.", completion: .directory)
        var index: String

        @Argument(help: "The cable's reference id, e.g. 07PRISTINA150.")
        var referenceID: String

        @Flag(name: .long, help: "Print one JSON object.")
        var json = false

        @Flag(name: .long, help: "Print only the body bytes.")
        var body = false

        func run() throws {
            try reportingErrors {
                let session = try IndexSession(path: index)
                guard let doc = session.documentID(referenceID: referenceID) else {
                    FileHandle.standardError.write(Data("error: no cable with reference id '\(referenceID)'\n".utf8))
                    throw ExitCode(5)
                }
                let record = try session.document(doc)
                if json {
                    print(record.json)
                    return
                }
                var out: [UInt8] = []
                if !body {
                    var head = "Reference ID: \(record.referenceID)\n"
                    if let row = record.rowID { head += "Row ID: \(row)\n" }
                    head += "Created: \(record.created)\n"
                    if let released = record.released { head += "Released: \(released)\n" }
                    head += "Classification: \(record.classification)\nOrigin: \(record.origin)\n"
                    if !record.references.isEmpty { head += "References: \(record.references.joined(separator: ", "))\n" }
                    if !record.tags.isEmpty { head += "Tags: \(record.tags.joined(separator: ", "))\n" }
                    if !record.subject.isEmpty { head += "Subject: \(record.subject)\n" }
                    out += Array(head.utf8) + [0x0A]
                    out += record.header
                    if record.header.last != 0x0A { out.append(0x0A) }
                    out.append(0x0A)
                }
                out += record.body
                FileHandle.standardOutput.write(Data(out))
            }
        }
    }
}
