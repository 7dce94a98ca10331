import ArgumentParser
import CorpusIndex

extension CorpusIndexCommand {
    // Placeholder until its issue lands: replaced by the real command.
    struct Browse: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "browse", abstract: "(not yet available)")
        func run() throws {
            throw ValidationError("'browse' is not available in this build yet")
        }
    }
}
