import ArgumentParser
import CorpusIndex

extension CorpusIndexCommand {
    // Placeholder until its issue lands: replaced by the real command.
    struct Records: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "records", abstract: "(not yet available)")
        func run() throws {
            throw ValidationError("'records' is not available in this build yet")
        }
    }
}
