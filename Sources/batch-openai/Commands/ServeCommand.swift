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
        loopback port instead (no key of yours, no network: it gives its client a key of its own); every option \
        of `sim` works here with a --sim- prefix (--sim-port, --sim-fault, --sim-failure-rate, --sim-request-latency, \
        ...). Results go to BATCH_OPENAI_OUTPUTS (outputs/), request files are \
        read from BATCH_OPENAI_INPUTS (inputs/). Runs that a stop interrupted go on at the next start. \
        With BATCH_OPENAI_TOKEN set, every route but /healthz needs "Authorization: Bearer <token>". \
        SIGINT or SIGTERM stops it gracefully: no new connections, in-flight requests finish, exit code 0.

        Example:
          batch-openai serve --sim --port 8000
          batch-openai serve --sim --sim-port 8100 --sim-fault 'slow:4x1@POST /v1/batches'
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

    @Flag(help: "Start the Batch API simulator in-process (on 127.0.0.1 and a free port unless --sim-host/--sim-port say otherwise) and use it as the backend.")
    var sim = false

    @OptionGroup(title: "Simulator (with --sim)") var simulator: SimulatorOptions<InProcessSimulator>

    func run() async throws {
        let settings = try common.settings()
        let logger = try common.logger(label: "batch-openai.serve")
        if !ServerMemory.configure() { logger.warning("glibc refused the allocator settings; memory may stay high after runs") }
        let trimmer = Task { await ServerMemory.trimPeriodically() }
        defer { trimmer.cancel() }
        let backend = try startBackend(settings, logger: logger)
        let workspace = try Workspace(outputs: settings.outputsDirectory, inputs: settings.inputsDirectory)
        // Held until the process ends: scripts/clean.sh refuses to empty the folder meanwhile.
        let lock = try OutputsLock(outputs: workspace.outputsDirectory)
        let client = OpenAI(configuration: backend.configuration, logger: try common.logger(label: "batch-openai.client"))
        let coordinator = BatchCoordinator(
            backend: client, workspace: workspace, logger: logger, promptsDirectory: Self.promptsDirectory(), prices: settings.prices
        )
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
        // The access log's last lines, written off the request path, are on stderr before exit (atexit does it too).
        LogSink.standardError.flush()
        withExtendedLifetime(lock) {}
    }

    // MARK: - Pieces

    /// The REST server over the coordinator, with the body limits and the bearer token of the settings.
    private func makeServer(_ settings: Settings, coordinator: BatchCoordinator, logger: Logger) throws -> Server {
        let application = try APIApplication(
            coordinator: coordinator,
            configuration: APIConfiguration(maxJSONBytes: settings.maxJSONBytes, maxUploadBytes: settings.maxUploadBytes, defaultModel: settings.defaultModel),
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
