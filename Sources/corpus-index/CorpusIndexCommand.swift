import ArgumentParser
import CorpusIndex

/// The `corpus-index` command: only configuration; each subcommand lives in its own file.
@main
struct CorpusIndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus-index",
        abstract: "Index and search dumps of US diplomatic cables (the WikiLeaks Cablegate dump and its kin).",
        version: "0.1.0",
        subcommands: [
            Records.self, Generate.self, Build.self, Stats.self, Verify.self, Query.self, Show.self, Browse.self,
        ]
    )
}
