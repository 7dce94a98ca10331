import ArgumentParser
import CorpusIndex

extension CorpusIndexCommand {
    // Placeholder until its issue lands: replaced by the real command.
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "build", abstract: "(not yet available)")
        func run() throws {
            throw ValidationError("'build' is not available in this build yet")
        }
    }
}
