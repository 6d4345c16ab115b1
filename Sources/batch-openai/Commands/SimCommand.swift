import ArgumentParser
import Glibc
import HTTPServer
import OpenAISimulator

/// `batch-openai sim`: the local simulator of the OpenAI Files + Batches API.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run a local simulator of the OpenAI Files + Batches API (offline, free, deterministic).",
        discussion: """
        Serves /v1/files, /v1/batches, /v1/chat/completions and /v1/embeddings; point an OpenAI client's base \
        URL at the printed address. Batches run in the background with the given latencies; results are \
        deterministic Markdown (PlantUML when the prompt asks for a diagram).

        Faults on the API itself: --fault-429 0.1 --fault-500 0.05 --fault-503 0.05 --fault-drop 0.01 \
        --fault-slow 0.1 (probabilities per request, seeded by --seed), and --fault SPEC (repeatable) for a \
        deterministic schedule consumed first: 503x3 (the next 3 requests get 503), 429:2 (Retry-After 2), \
        drop@POST /v1/batches (cut the next create's answer off after the batch was made), slow:1.5x2@/v1/files.

        Examples:
          batch-openai sim --port 8100 --request-latency 0 --validation-delay 0
          batch-openai sim --window-speed 86400 --failure-rate 0.1 \\
            --failure-statuses 500,429
          export OPENAI_BASE_URL=http://127.0.0.1:8100/v1 OPENAI_API_KEY=sk-sim
          python script.py
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("Address to bind.", valueName: "address"))
    var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp("Port to listen on; 0 picks a free one.", valueName: "port"))
    var port: UInt16 = 8100

    @Option(help: ArgumentHelp("Seconds validation takes.", valueName: "seconds"))
    var validationDelay: Double = 0.5

    @Option(help: ArgumentHelp("Seconds each request takes (0 for none).", valueName: "seconds"))
    var requestLatency: Double = 0.02

    @Option(help: ArgumentHelp("Requests of one batch that run at once.", valueName: "n"))
    var concurrency: Int = 1

    @Option(help: ArgumentHelp("Seconds finalizing takes.", valueName: "seconds"))
    var finalizingDelay: Double = 0.5

    @Option(help: ArgumentHelp("Seconds cancelling takes before cancelled.", valueName: "seconds"))
    var cancellationDelay: Double = 0.5

    @Option(help: ArgumentHelp("How much faster than real time the 24h completion window passes (86400: one second).", valueName: "factor"))
    var windowSpeed: Double = 1

    @Option(help: ArgumentHelp("Fraction (0-1) of batch requests answered with an HTTP error.", valueName: "fraction"))
    var failureRate: Double = 0

    @Option(help: ArgumentHelp("Statuses failed requests get, comma-separated.", valueName: "codes"))
    var failureStatuses: String = "500"

    @Option(help: ArgumentHelp("The next N batches fail with token_limit_exceeded (the queue-limit failure).", valueName: "n"))
    var tokenLimitFailures: Int = 0

    @Option(name: .customLong("fault-429"), help: ArgumentHelp("Probability of 429 with Retry-After on any API call.", valueName: "p"))
    var fault429: Double = 0

    @Option(name: .customLong("fault-500"), help: ArgumentHelp("Probability of 500 on any API call.", valueName: "p"))
    var fault500: Double = 0

    @Option(name: .customLong("fault-503"), help: ArgumentHelp("Probability of 503 on any API call.", valueName: "p"))
    var fault503: Double = 0

    @Option(name: .customLong("fault-drop"), help: ArgumentHelp("Probability of a connection dropped mid-response.", valueName: "p"))
    var faultDrop: Double = 0

    @Option(name: .customLong("fault-slow"), help: ArgumentHelp("Probability of a slow response.", valueName: "p"))
    var faultSlow: Double = 0

    @Option(help: ArgumentHelp("Seconds a slow response waits.", valueName: "seconds"))
    var slowDelay: Double = 2

    @Option(help: ArgumentHelp("Retry-After seconds sent with a 429.", valueName: "seconds"))
    var retryAfter: Int = 1

    @Option(name: .customLong("fault"), help: ArgumentHelp("A scheduled fault, e.g. 503x3 or 'drop@POST /v1/batches' (repeatable).", valueName: "spec"))
    var scheduledFaults: [String] = []

    @Option(help: ArgumentHelp("Seed of every random choice (failures, faults).", valueName: "n"))
    var seed: UInt64 = 0x5EED

    @Option(help: ArgumentHelp("Require 'Authorization: Bearer KEY' (401 otherwise).", valueName: "key"))
    var apiKey: String?

    @Option(help: ArgumentHelp("Forward each request to this OpenAI-compatible server (http or https), e.g. http://127.0.0.1:11434/v1.", valueName: "url"))
    var upstream: String?

    @Option(help: ArgumentHelp("Bearer token for the upstream.", valueName: "key"))
    var upstreamKey: String?

    @Option(help: ArgumentHelp("Most requests in flight to the upstream at once.", valueName: "n"))
    var upstreamConcurrency: Int = 4

    @Option(help: ArgumentHelp("Keep files under this directory (default: a temporary one, removed at exit).", valueName: "path"))
    var dataDir: String?

    func run() async throws {
        let logger = try common.logger(label: "batch-openai.sim")
        var configuration = SimulatorConfiguration()
        configuration.validationDelay = try Self.duration(validationDelay, "--validation-delay")
        configuration.requestLatency = try Self.duration(requestLatency, "--request-latency")
        configuration.finalizingDelay = try Self.duration(finalizingDelay, "--finalizing-delay")
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        configuration.requestConcurrency = concurrency
        configuration.cancellationDelay = try Self.duration(cancellationDelay, "--cancellation-delay")
        guard windowSpeed > 0 else { throw ValidationError("--window-speed must be positive") }
        configuration.windowSpeedFactor = windowSpeed
        guard (0...1).contains(failureRate) else { throw ValidationError("--failure-rate must be within 0...1") }
        configuration.requestFailureRate = failureRate
        let statuses = failureStatuses.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !statuses.isEmpty, statuses.allSatisfy({ (400...599).contains($0) }) else {
            throw ValidationError("--failure-statuses: expected comma-separated statuses 400-599")
        }
        configuration.requestFailureStatuses = statuses
        for (name, p) in [("--fault-429", fault429), ("--fault-500", fault500), ("--fault-503", fault503),
                          ("--fault-drop", faultDrop), ("--fault-slow", faultSlow)] where !(0...1).contains(p) {
            throw ValidationError("\(name) must be within 0...1")
        }
        configuration.faults.rateLimitRate = fault429
        configuration.faults.serverErrorRate = fault500
        configuration.faults.unavailableRate = fault503
        configuration.faults.dropRate = faultDrop
        configuration.faults.slowRate = faultSlow
        configuration.faults.slowDelay = try Self.duration(slowDelay, "--slow-delay")
        configuration.faults.retryAfterSeconds = retryAfter
        configuration.faults.schedule = try scheduledFaults.map { spec in
            guard let fault = ScheduledFault(parsing: spec) else { throw ValidationError("--fault \(spec): not a fault spec") }
            return fault
        }
        guard tokenLimitFailures >= 0 else { throw ValidationError("--token-limit-failures must be zero or more") }
        configuration.tokenLimitFailures = tokenLimitFailures
        configuration.seed = seed
        configuration.apiKey = apiKey
        configuration.dataDirectory = dataDir

        let responder: any Responder
        if let upstream {
            do {
                responder = try UpstreamResponder(
                    url: upstream, apiKey: upstreamKey, maxConcurrentRequests: upstreamConcurrency,
                    logger: try common.logger(label: "batch-openai.sim.upstream")
                )
            } catch {
                throw ValidationError("--upstream \(upstream): \(error)")
            }
        } else {
            responder = TemplateResponder()
        }
        let simulator = try Simulator(configuration: configuration, responder: responder, logger: logger)
        let server = simulator.makeServer(host: host, port: port)
        try server.start()
        if let address = server.localAddress {
            // One line on stdout that scripts wait for; the port is the real one even with --port 0.
            print("simulator listening on http://\(address)/v1")
            fflush(nil)
        }
        try await server.runUntilSignalled()
        await simulator.shutdown()
    }

    static func duration(_ seconds: Double, _ name: String) throws -> Duration {
        guard seconds >= 0, seconds.isFinite else { throw ValidationError("\(name) must be zero or more seconds") }
        return .milliseconds(Int((seconds * 1000).rounded()))
    }
}
