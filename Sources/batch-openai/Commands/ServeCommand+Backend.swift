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

    /// The in-process simulator, its server's task and the key its client sends.
    struct SimulatedBackend {
        let simulator: Simulator
        let server: Server
        let task: Task<Void, any Error>
        /// The bearer token its client sends.
        let apiKey: String

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
        // The simulator wants a bearer token, as OpenAI does: its own key (or --sim-api-key) goes to the client.
        return Backend(configuration: OpenAI.Configuration(baseURL: "http://\(address)/v1", apiKey: simulated.apiKey), simulated: simulated)
    }

    /// The simulator with the `--sim-*` options, on 127.0.0.1 and a free port unless they say otherwise.
    private func startSimulator(logger: Logger) throws -> SimulatedBackend {
        var configuration = try simulator.configuration()
        let apiKey = configuration.apiKey ?? Self.simulatorKey()
        configuration.apiKey = apiKey
        let responder = try simulator.responder(logger: logger)
        let instance = try Simulator(configuration: configuration, responder: responder, logger: logger)
        let server = instance.makeServer(host: simulator.host, port: simulator.port) { $0.accessLog = false }
        try server.start()
        let task = Task { try await server.run() }
        return SimulatedBackend(simulator: instance, server: server, task: task, apiKey: apiKey)
    }

    /// A key of this run only: a caller that finds the simulator's port still needs the key to use it.
    private static func simulatorKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return "sk-sim-" + (0..<2).map { _ in String(generator.next() as UInt64, radix: 36) }.joined()
    }
}
