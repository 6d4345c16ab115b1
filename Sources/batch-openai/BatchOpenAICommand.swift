import ArgumentParser
import Foundation
import Logging

/// The `batch-openai` command line: one binary for the service, the simulator and the pipeline.
@main
struct BatchOpenAICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch-openai",
        abstract: "Turn files of OpenAI requests into finished documents through the OpenAI Batch API.",
        discussion: """
        Configuration comes from ./.env (or --env-file) and the environment, which wins; see .env.example.
        Exit codes: 0 success, 1 failure, 2 usage error. Errors go to stderr, as "Error: <what failed>".
        The Go example's form works too: batch-openai -action get -id batch_abc123.
        """,
        subcommands: [
            ServeCommand.self,
            RunCommand.self,
            CreateCommand.self,
            GetCommand.self,
            CancelCommand.self,
            ListCommand.self,
            WaitCommand.self,
            DownloadCommand.self,
            ValidateCommand.self,
            BuildInputCommand.self,
            ParseCommand.self,
            JobsCommand.self,
            RetryCommand.self,
            ConfigCommand.self,
            BenchServerCommand.self,
            BenchTransferCommand.self,
            BenchUsageCommand.self,
            SimCommand.self,
        ]
    )

    /// Runs the command with the project's exit codes: 0 success (and `--help`), 1 failure, 2 usage.
    static func main() async {
        // Every logger, a library's default `Logger(label:)` included, writes through the one escaping handler.
        LoggingSystem.bootstrap { LineLogHandler(label: $0) }
        do {
            var command = try parseAsRoot(SeedArguments.rewrite(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            // Log lines written before the failure come before its message.
            LogSink.standardError.flush()
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(code == .validationFailure ? 2 : 1)
        }
    }
}
