import ArgumentParser
import CorpusIndex

extension CorpusIndexCommand {
    // Placeholder until its issue lands: replaced by the real command.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "(not yet available)")
        func run() throws {
            throw ValidationError("'show' is not available in this build yet")
        }
    }
}
