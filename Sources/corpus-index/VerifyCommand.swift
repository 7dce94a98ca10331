import ArgumentParser
import CorpusIndex
import Foundation

extension CorpusIndexCommand {
    /// `corpus-index verify INDEX`: reads every byte, checks every checksum and structural invariant.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check every checksum and structural invariant of an index; exit non-zero if it is corrupt.")

        @Argument(help: "The index directory.", completion: .directory)
        var index: String

        func run() throws {
            do {
                let reader = try IndexReader(path: index)
                let report = try reader.verify()
                print(
                    "OK: \(report.filesChecked) files, \(ByteSize.format(Int(report.bytesChecked))), "
                        + "\(report.documentsChecked) documents, \(report.termsChecked) terms, "
                        + "\(report.postingsChecked) postings checked")
            } catch let error as CorpusIndexError {
                FileHandle.standardError.write(Data("CORRUPT: \(index): \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
    }
}
