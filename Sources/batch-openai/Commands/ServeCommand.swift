import ArgumentParser

/// `batch-openai serve`: the REST service.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the REST service.")

    func run() async throws {}
}
