import ArgumentParser

/// The `batch-openai` command line: one binary for the service, the simulator and the pipeline.
@main
struct BatchOpenAICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch-openai",
        abstract: "Turn files of OpenAI requests into finished documents through the OpenAI Batch API.",
        subcommands: [
            ServeCommand.self,
            ParseCommand.self,
            BuildInputCommand.self,
        ]
    )
}
