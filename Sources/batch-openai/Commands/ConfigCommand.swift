import ArgumentParser

/// `batch-openai config`: the configuration in effect, secrets hidden.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the configuration in effect (from .env and the environment); secrets are never shown.",
        discussion: """
        Reads ./.env (or --env-file PATH) with the usual dotenv rules, then lets real environment variables win.
        A malformed line stops with the file, the line number and what was expected (exit code 1).
        """
    )

    @OptionGroup var common: CommonOptions

    func run() async throws {
        print(try common.settings())
    }
}
