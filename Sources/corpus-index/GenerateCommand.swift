import ArgumentParser
import CorpusIndex

extension CorpusIndexCommand {
    // Placeholder until its issue lands: replaced by the real command.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "generate", abstract: "(not yet available)")
        func run() throws {
            throw ValidationError("'generate' is not available in this build yet")
        }
    }
}
