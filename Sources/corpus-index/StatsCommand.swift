import ArgumentParser
import CorpusIndex

extension CorpusIndexCommand {
    // Placeholder until its issue lands: replaced by the real command.
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "stats", abstract: "(not yet available)")
        func run() throws {
            throw ValidationError("'stats' is not available in this build yet")
        }
    }
}
