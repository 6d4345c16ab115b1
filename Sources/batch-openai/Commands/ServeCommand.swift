import Foundation
import Glibc
import ArgumentParser
import BatchAPI
import BatchService
import HTTPServer
import Logging
import OpenAIClient
import OpenAISimulator

/// `batch-openai serve`: the REST service of docs/ARCHITECTURE.md § The REST API, over OpenAI or, with `--sim`, over the simulator in-process.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the REST service: /batches (submit, status, wait, download, parse, run, run-file), /docs, /metrics.",
        discussion: """
        Binds to BATCH_OPENAI_HOST:BATCH_OPENAI_PORT (default 127.0.0.1:8000); --host and --port override them. \
        The backend is OPENAI_BASE_URL with OPENAI_API_KEY; --sim starts the Batch API simulator in-process on a \
        loopback port instead (no key, no network). Results go to BATCH_OPENAI_OUTPUTS (outputs/), request files are \
        read from BATCH_OPENAI_INPUTS (inputs/). Runs that a stop interrupted go on at the next start. \
        With BATCH_OPENAI_TOKEN set, every route but /healthz needs "Authorization: Bearer <token>". \
        SIGINT or SIGTERM stops it gracefully: no new connections, in-flight requests finish, exit code 0.

        Example:
          batch-openai serve --sim --port 8000
          curl -X POST http://localhost:8000/batches/run-file \\
            -F file=@inputs/sample_input.jsonl -F job_name=demo
          open http://localhost:8000/docs
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("Address to bind (use 0.0.0.0 or :: to listen beyond this machine).", valueName: "address"))
    var host: String?

    @Option(help: ArgumentHelp("Port to listen on; 0 picks a free one.", valueName: "port"))
    var port: UInt16?

    @Flag(help: "Start the Batch API simulator in-process on a loopback port and use it as the backend.")
    var sim = false

    @Option(help: ArgumentHelp("With --sim: seconds a batch spends validating.", valueName: "seconds"))
    var simValidationDelay: Double = 0.2

    @Option(help: ArgumentHelp("With --sim: seconds each request takes.", valueName: "seconds"))
    var simRequestLatency: Double = 0

    @Option(help: ArgumentHelp("With --sim: seconds a batch spends finalizing.", valueName: "seconds"))
    var simFinalizingDelay: Double = 0.2

    @Option(help: ArgumentHelp("With --sim: keep the simulator's files and batches in this folder (they survive a restart).", valueName: "path"))
    var simData: String?

    func validate() throws {
        for (name, value) in [("--sim-validation-delay", simValidationDelay), ("--sim-request-latency", simRequestLatency),
                              ("--sim-finalizing-delay", simFinalizingDelay)] where !(0...3600).contains(value) {
            throw ValidationError("\(name) \(value): expected seconds from 0 to 3600")
        }
    }

    func run() async throws {
        let settings = try common.settings()
        let logger = try common.logger(label: "batch-openai.serve")
        if !ServerMemory.configure() { logger.warning("glibc refused the allocator settings; memory may stay high after runs") }
        let trimmer = Task { await ServerMemory.trimPeriodically() }
        defer { trimmer.cancel() }
        let backend = try startBackend(settings, logger: logger)
        let workspace = try Workspace(outputs: settings.outputsDirectory, inputs: settings.inputsDirectory)
        let client = OpenAI(configuration: backend.configuration, logger: try common.logger(label: "batch-openai.client"))
        let coordinator = BatchCoordinator(backend: client, workspace: workspace, logger: logger, promptsDirectory: Self.promptsDirectory())
        let server = try makeServer(settings, coordinator: coordinator, logger: logger)
        try server.start()
        logger.info("outputs in \(workspace.outputsDirectory), request files from \(workspace.inputsDirectory)")
        await coordinator.resumeRuns()
        Self.announce(server)
        // SIGINT/SIGTERM go through the server's own stop: no new connections, in-flight requests finish. Runs
        // stop at their next step too (their state is on disk and the next start resumes them), so that
        // requests blocked in a run answer and the drain is quick.
        try await server.runUntilSignalled { _ in
            Task { await coordinator.stopRuns() }
        }
        await coordinator.stopRuns()
        await backend.simulated?.stop()
    }

    // MARK: - Pieces

    /// The REST server over the coordinator, with the body limits and the bearer token of the settings.
    private func makeServer(_ settings: Settings, coordinator: BatchCoordinator, logger: Logger) throws -> Server {
        let application = try APIApplication(
            coordinator: coordinator,
            configuration: APIConfiguration(maxJSONBytes: settings.maxJSONBytes, maxUploadBytes: settings.maxUploadBytes),
            token: settings.token
        )
        return application.makeServer(Server.Configuration(host: host ?? settings.host, port: port ?? settings.port), logger: logger)
    }

    /// `prompts/` when it exists: templates saying `format: puml` decide which segments parse as PlantUML.
    private static func promptsDirectory() -> String? {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: "prompts", isDirectory: &isDirectory) && isDirectory.boolValue ? "prompts" : nil
    }

    /// One line on stdout that scripts wait for; the port is the real one even with `--port 0`.
    private static func announce(_ server: Server) {
        guard let address = server.localAddress else { return }
        print("batch-openai serving on http://\(address)")
        fflush(nil)  // stdout is a pipe or file for scripts: do not let the line sit in a buffer
    }
}
