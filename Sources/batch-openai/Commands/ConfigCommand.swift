import ArgumentParser
import JSON

/// `batch-openai config`: the configuration in effect, secrets hidden.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the configuration in effect (from .env and the environment); secrets are never shown.",
        discussion: """
        Reads ./.env (or --env-file PATH) with the usual dotenv rules, then lets real environment variables win.
        A malformed line stops with the file, the line number and what was expected (exit code 1).
        --json prints one object, variable name to value, with secrets as "(set, hidden)" or null.
        """
    )

    @Flag(help: "Print the configuration as one JSON object (secrets as \"(set, hidden)\" or null).")
    var json = false

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let settings = try common.settings()
        guard json else {
            print(settings)
            return
        }
        // The lines of the text form are the one list of what is shown (and hidden): NAME=value each.
        var object: [String: JSONValue] = [:]
        for line in settings.description.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let value = String(line[line.index(after: equals)...])
            object[String(line[..<equals])] = value == Self.notSet ? .null : .string(value)
        }
        var writer = JSONWriter()
        writer.write(.object(object))
        Console.out(String(decoding: writer.bytes, as: UTF8.self))
    }

    /// How the text form shows a variable that is not set.
    private static let notSet = "(not set)"
}
