import ArgumentParser
import CorpusIndex

extension CorpusIndexCommand {
    // Placeholder until its issue lands: replaced by the real command.
    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "query", abstract: "(not yet available)")
        func run() throws {
            throw ValidationError("'query' is not available in this build yet")
        }
    }
}
