import HTTPServer
import Logging
import OpenAIClient
import OpenAISimulator

// The backend `serve` drives: OpenAI (or any compatible base URL), or with `--sim` the simulator in-process.
extension ServeCommand {
    /// The backend's address, and the simulator when `--sim` started one.
    struct Backend {
        /// How the client reaches the backend.
        let configuration: OpenAI.Configuration
        /// The in-process simulator, stopped after the REST server.
        let simulated: SimulatedBackend?
    }

    /// The simulator on 127.0.0.1 and a free port, and its server's task.
    struct SimulatedBackend {
        let simulator: Simulator
        let server: Server
        let task: Task<Void, any Error>

        /// Stops the simulator's server, waits for it, and shuts the simulator down.
        func stop() async {
            server.stop()
            try? await task.value
            await simulator.shutdown()
        }
    }

    /// Starts the simulator with `--sim`, or describes the configured base URL (warning without a key).
    func startBackend(_ settings: Settings, logger: Logger) throws -> Backend {
        guard sim else {
            if settings.openAIAPIKey == nil {
                logger.warning("OPENAI_API_KEY is not set: calls to \(settings.openAIBaseURL) will be refused (use --sim to work offline)")
            }
            let configuration = OpenAI.Configuration(
                baseURL: settings.openAIBaseURL, apiKey: settings.openAIAPIKey,
                organization: settings.openAIOrganization, project: settings.openAIProject
            )
            return Backend(configuration: configuration, simulated: nil)
        }
        let simulated = try startSimulator(logger: try common.logger(label: "batch-openai.sim"))
        let address = simulated.server.localAddress.map { "\($0)" } ?? "127.0.0.1:0"
        logger.info("simulator on http://\(address)/v1")
        return Backend(configuration: OpenAI.Configuration(baseURL: "http://\(address)/v1", apiKey: nil), simulated: simulated)
    }

    /// The simulator on 127.0.0.1 and a free port, with short delays so that each state can be seen.
    private func startSimulator(logger: Logger) throws -> SimulatedBackend {
        var configuration = SimulatorConfiguration()
        configuration.validationDelay = .milliseconds(Int64(simValidationDelay * 1000))
        configuration.requestLatency = .microseconds(Int64(simRequestLatency * 1_000_000))
        configuration.finalizingDelay = .milliseconds(Int64(simFinalizingDelay * 1000))
        configuration.cancellationDelay = .milliseconds(Int64(simFinalizingDelay * 1000))
        configuration.dataDirectory = simData
        configuration.maxUploadBytes = 512 * 1024 * 1024
        let simulator = try Simulator(configuration: configuration, logger: logger)
        let server = simulator.makeServer(host: "127.0.0.1", port: 0) { $0.accessLog = false }
        try server.start()
        let task = Task { try await server.run() }
        return SimulatedBackend(simulator: simulator, server: server, task: task)
    }
}
