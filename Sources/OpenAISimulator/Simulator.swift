import Foundation
import HTTPServer
import Logging
import OpenAIClient
import Synchronization

/// A faithful local server of the OpenAI Files + Batches API (plus synchronous chat completions and
/// embeddings), on the project's `HTTPServer`.
///
/// Batches move through the reference's lifecycle in background tasks, timed by the configuration;
/// the API's own responses can be made to fail by the `faults` injector. Usage:
/// ```swift
/// let simulator = try Simulator(configuration: .instant)
/// let server = simulator.makeServer(host: "127.0.0.1", port: 0)
/// try server.start()            // server.localAddress has the port
/// try await server.run()        // base URL http://127.0.0.1:<port>/v1
/// await simulator.shutdown()
/// ```
public final class Simulator: Sendable {
    /// The configuration it runs with.
    public let configuration: SimulatorConfiguration
    /// The injector of faults into the API's responses; schedule faults at run time through it.
    public let faults: FaultInjector
    /// The directory holding files (under `files/`) and uploads in progress (under `uploads/`).
    public let dataDirectory: String
    let store: SimulatorStore
    let responder: any Responder
    let logger: Logger
    private let ownsDataDirectory: Bool
    private let tasks = Mutex<[String: Task<Void, Never>]>([:])

    /// Creates a simulator; its data directory is created if needed (a temporary one when the
    /// configuration names none, removed by `shutdown()`).
    public init(
        configuration: SimulatorConfiguration = SimulatorConfiguration(),
        responder: any Responder = TemplateResponder(),
        clock: any SimulatorClock = SystemSimulatorClock(),
        logger: Logger = Logger(label: "batch-openai.sim")
    ) throws {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        if let directory = configuration.dataDirectory {
            dataDirectory = directory
            ownsDataDirectory = false
        } else {
            dataDirectory = NSTemporaryDirectory() + "batch-openai-sim-" + Identifiers.hex(12)
            ownsDataDirectory = true
        }
        let fileManager = FileManager.default
        for sub in ["files", "uploads"] {
            try fileManager.createDirectory(atPath: dataDirectory + "/" + sub, withIntermediateDirectories: true)
        }
        // Only a directory the user named outlives the process, so only then is state kept.
        let persistent = configuration.dataDirectory != nil
        let state = persistent ? try SimulatorState.load(from: dataDirectory) : SimulatorState()
        store = SimulatorStore(
            clock: clock, configuration: configuration, filesDirectory: dataDirectory + "/files",
            stateDirectory: persistent ? dataDirectory : nil, restoring: state, logger: logger
        )
        faults = FaultInjector(configuration: configuration.faults, seed: configuration.seed)
        for record in state.batches where !record.lifecycle.isTerminal {
            startProcessing(record.id, resuming: true)
        }
    }

    /// The middleware every route runs behind: OpenAI's error envelope outermost, then the API key,
    /// then fault injection.
    public var middleware: [any Middleware] {
        var chain: [any Middleware] = [OpenAIErrorMiddleware()]
        chain.append(APIKeyMiddleware(key: configuration.apiKey))
        chain.append(FaultMiddleware(injector: faults))
        return chain
    }

    /// A server for the simulator's routes (not started).
    public func makeServer(host: String = "127.0.0.1", port: UInt16 = 8100, configure: (inout Server.Configuration) -> Void = { _ in }) -> Server {
        var serverConfiguration = Server.Configuration(host: host, port: port)
        serverConfiguration.maxBodyBytes = configuration.maxJSONBytes
        serverConfiguration.shutdownGracePeriod = .seconds(5)
        configure(&serverConfiguration)
        return Server(configuration: serverConfiguration, router: makeRouter(), middleware: middleware, logger: logger)
    }

    /// The batch with this id, as the API would show it.
    public func batch(_ id: String) async -> Batch? {
        await store.batch(id)
    }

    /// Makes the next `count` batches fail with `token_limit_exceeded` (reference §6.3).
    public func failNextBatchesWithTokenLimit(_ count: Int = 1) async {
        await store.failNextBatchesWithTokenLimit(count)
    }

    /// Stops every batch processor and waits for them; removes a temporary data directory.
    public func shutdown() async {
        let running = tasks.withLock { tasks in
            defer { tasks.removeAll() }
            return Array(tasks.values)
        }
        for task in running { task.cancel() }
        for task in running { await task.value }
        if ownsDataDirectory { try? FileManager.default.removeItem(atPath: dataDirectory) }
    }

    /// Starts the background processing of a batch.
    func startProcessing(_ id: String, resuming: Bool = false) {
        let processor = BatchProcessor(store: store, responder: responder, configuration: configuration, logger: logger)
        tasks.withLock { tasks in
            tasks[id] = Task { [weak self] in
                if resuming {
                    await processor.resume(batchID: id)
                } else {
                    await processor.run(batchID: id)
                }
                self?.tasks.withLock { _ = $0.removeValue(forKey: id) }
            }
        }
    }
}
