import ArgumentParser
import CorpusIndex

extension CorpusIndexCommand {
    // Placeholder until its issue lands: replaced by the real command.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify", abstract: "(not yet available)")
        func run() throws {
            throw ValidationError("'verify' is not available in this build yet")
        }
    }
}
