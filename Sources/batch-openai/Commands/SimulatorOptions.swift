import ArgumentParser
import BatchService
import Foundation
import Logging
import OpenAISimulator

/// How one command spells and defaults the simulator's options: `sim` takes them as they are
/// (`--port`, `--fault`), `serve --sim` under a `--sim-` prefix (`--sim-port`, `--sim-fault`), with
/// shorter delays and a free port. The options themselves are defined once, in `SimulatorOptions`.
protocol SimulatorOptionStyle {
    /// Put in front of every long name.
    static var prefix: String { get }
    /// Put in front of every help text.
    static var helpPrefix: String { get }
    /// Older names of `data-dir` that still work.
    static var dataDirectoryAliases: [String] { get }
    static var defaultPort: UInt16 { get }
    static var defaultValidationDelay: Double { get }
    static var defaultRequestLatency: Double { get }
    static var defaultFinalizingDelay: Double { get }
    static var defaultCancellationDelay: Double { get }
}

extension SimulatorOptionStyle {
    /// An option's help in this style: "Seconds validation takes." or "With --sim: seconds validation takes."
    static func help(_ text: String) -> String {
        guard !helpPrefix.isEmpty, let first = text.first else { return text }
        return helpPrefix + first.lowercased() + text.dropFirst()
    }
}

/// `batch-openai sim`: the simulator on its own, on port 8100, with delays a poller can watch.
enum StandaloneSimulator: SimulatorOptionStyle {
    static let prefix = ""
    static let helpPrefix = ""
    static let dataDirectoryAliases: [String] = []
    static let defaultPort: UInt16 = 8100
    static let defaultValidationDelay = 0.5
    static let defaultRequestLatency = 0.02
    static let defaultFinalizingDelay = 0.5
    static let defaultCancellationDelay = 0.5
}

/// `serve --sim`: the simulator in-process, on a free loopback port unless `--sim-port` says otherwise.
enum InProcessSimulator: SimulatorOptionStyle {
    static let prefix = "sim-"
    static let helpPrefix = "With --sim: "
    static let dataDirectoryAliases = ["sim-data"]
    static let defaultPort: UInt16 = 0
    static let defaultValidationDelay = 0.2
    static let defaultRequestLatency = 0.0
    static let defaultFinalizingDelay = 0.2
    static let defaultCancellationDelay = 0.2
}

/// Every option of the simulator, for `sim` and (prefixed) for `serve --sim`: timing, failures, faults on
/// the API itself, authentication, an upstream model server, storage.
struct SimulatorOptions<Style: SimulatorOptionStyle>: ParsableArguments {
    @Option(name: .customLong(Style.prefix + "host"), help: ArgumentHelp(Style.help("Address the simulator binds."), valueName: "address"))
    var host = "127.0.0.1"

    @Option(name: .customLong(Style.prefix + "port"), help: ArgumentHelp(Style.help("Port the simulator listens on; 0 picks a free one."), valueName: "port"))
    var port: UInt16 = Style.defaultPort

    @Option(name: .customLong(Style.prefix + "validation-delay"), help: ArgumentHelp(Style.help("Seconds validation takes."), valueName: "seconds"))
    var validationDelay = Style.defaultValidationDelay

    @Option(name: .customLong(Style.prefix + "request-latency"), help: ArgumentHelp(Style.help("Seconds each request takes (0 for none)."), valueName: "seconds"))
    var requestLatency = Style.defaultRequestLatency

    @Option(name: .customLong(Style.prefix + "concurrency"), help: ArgumentHelp(Style.help("Requests of one batch that run at once."), valueName: "n"))
    var concurrency = 1

    @Option(name: .customLong(Style.prefix + "finalizing-delay"), help: ArgumentHelp(Style.help("Seconds finalizing takes."), valueName: "seconds"))
    var finalizingDelay = Style.defaultFinalizingDelay

    @Option(name: .customLong(Style.prefix + "cancellation-delay"), help: ArgumentHelp(Style.help("Seconds cancelling takes before cancelled."), valueName: "seconds"))
    var cancellationDelay = Style.defaultCancellationDelay

    @Option(name: .customLong(Style.prefix + "window-speed"), help: ArgumentHelp(Style.help("How much faster than real time the 24h completion window passes (86400: one second)."), valueName: "factor"))
    var windowSpeed = 1.0

    @Option(name: .customLong(Style.prefix + "failure-rate"), help: ArgumentHelp(Style.help("Fraction (0-1) of batch requests answered with an HTTP error."), valueName: "fraction"))
    var failureRate = 0.0

    @Option(name: .customLong(Style.prefix + "failure-statuses"), help: ArgumentHelp(Style.help("Statuses failed requests get, comma-separated."), valueName: "codes"))
    var failureStatuses = "500"

    @Option(name: .customLong(Style.prefix + "token-limit-failures"), help: ArgumentHelp(Style.help("The next N batches fail with token_limit_exceeded (the enqueued-token limit)."), valueName: "n"))
    var tokenLimitFailures = 0

    @Option(name: .customLong(Style.prefix + "enqueued-token-limit"), help: ArgumentHelp(Style.help("Cap on enqueued prompt tokens, N for every model or model=N,... per model: a batch whose prompt tokens (counted as the service counts them) would pass it, with the model's running batches, fails with token_limit_exceeded (default: none)."), valueName: "tokens"))
    var enqueuedTokenLimit: String?

    @Option(name: .customLong(Style.prefix + "tokenizer-dir"), help: ArgumentHelp(Style.help("Folder with o200k_base.tiktoken / cl100k_base.tiktoken (or .gz): usage and the token cap count exactly (default: $BATCH_OPENAI_TOKENIZER_DIR; without one, the service's conservative estimate)."), valueName: "path"))
    var tokenizerDirectory: String?

    @Option(name: .customLong(Style.prefix + "fault-429"), help: ArgumentHelp(Style.help("Probability of 429 with Retry-After on any API call."), valueName: "p"))
    var fault429 = 0.0

    @Option(name: .customLong(Style.prefix + "fault-500"), help: ArgumentHelp(Style.help("Probability of 500 on any API call."), valueName: "p"))
    var fault500 = 0.0

    @Option(name: .customLong(Style.prefix + "fault-503"), help: ArgumentHelp(Style.help("Probability of 503 on any API call."), valueName: "p"))
    var fault503 = 0.0

    @Option(name: .customLong(Style.prefix + "fault-drop"), help: ArgumentHelp(Style.help("Probability of a connection dropped mid-response."), valueName: "p"))
    var faultDrop = 0.0

    @Option(name: .customLong(Style.prefix + "fault-slow"), help: ArgumentHelp(Style.help("Probability of a slow response."), valueName: "p"))
    var faultSlow = 0.0

    @Option(name: .customLong(Style.prefix + "slow-delay"), help: ArgumentHelp(Style.help("Seconds a slow response waits."), valueName: "seconds"))
    var slowDelay = 2.0

    @Option(name: .customLong(Style.prefix + "retry-after"), help: ArgumentHelp(Style.help("Retry-After seconds sent with a 429."), valueName: "seconds"))
    var retryAfter = 1

    @Option(name: .customLong(Style.prefix + "fault"), help: ArgumentHelp(Style.help("A scheduled fault, e.g. 503x3 or 'drop@POST /v1/batches' (repeatable)."), valueName: "spec"))
    var scheduledFaults: [String] = []

    @Option(name: .customLong(Style.prefix + "seed"), help: ArgumentHelp(Style.help("Seed of every random choice (failures, faults)."), valueName: "n"))
    var seed: UInt64 = 0x5EED

    @Option(name: .customLong(Style.prefix + "api-key"), help: ArgumentHelp(Style.help("The one key accepted as 'Authorization: Bearer KEY' (default: any key; a request without one is a 401, as at OpenAI)."), valueName: "key"))
    var apiKey: String?

    @Option(name: .customLong(Style.prefix + "upstream"), help: ArgumentHelp(Style.help("Forward each request to this OpenAI-compatible server (http or https), e.g. http://127.0.0.1:11434/v1."), valueName: "url"))
    var upstream: String?

    @Option(name: .customLong(Style.prefix + "upstream-key"), help: ArgumentHelp(Style.help("Bearer token for the upstream."), valueName: "key"))
    var upstreamKey: String?

    @Option(name: .customLong(Style.prefix + "upstream-concurrency"), help: ArgumentHelp(Style.help("Most requests in flight to the upstream at once."), valueName: "n"))
    var upstreamConcurrency = 4

    @Option(
        name: NameSpecification([.customLong(Style.prefix + "data-dir")] + Style.dataDirectoryAliases.map { .customLong($0) }),
        help: ArgumentHelp(Style.help("Keep files and batches under this directory, so they survive a restart (default: a temporary one, removed at exit)."), valueName: "path")
    )
    var dataDirectory: String?

    /// Checks every value before the command runs, so a bad one is reported with the usage.
    func validate() throws {
        _ = try configuration()
    }

    /// The option's name as the user typed it, for messages.
    private func name(_ base: String) -> String { "--" + Style.prefix + base }

    /// The simulator's configuration; a value out of range is a usage error naming the option.
    func configuration() throws -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration()
        configuration.validationDelay = try duration(validationDelay, "validation-delay")
        configuration.requestLatency = try duration(requestLatency, "request-latency")
        configuration.finalizingDelay = try duration(finalizingDelay, "finalizing-delay")
        configuration.cancellationDelay = try duration(cancellationDelay, "cancellation-delay")
        guard concurrency >= 1 else { throw ValidationError("\(name("concurrency")) must be at least 1") }
        configuration.requestConcurrency = concurrency
        guard windowSpeed > 0, windowSpeed.isFinite else { throw ValidationError("\(name("window-speed")) must be positive") }
        configuration.windowSpeedFactor = windowSpeed
        guard (0...1).contains(failureRate) else { throw ValidationError("\(name("failure-rate")) must be within 0...1") }
        configuration.requestFailureRate = failureRate
        let statuses = failureStatuses.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !statuses.isEmpty, statuses.allSatisfy({ (400...599).contains($0) }) else {
            throw ValidationError("\(name("failure-statuses")): expected comma-separated statuses 400-599")
        }
        configuration.requestFailureStatuses = statuses
        for (option, p) in [("fault-429", fault429), ("fault-500", fault500), ("fault-503", fault503),
                            ("fault-drop", faultDrop), ("fault-slow", faultSlow)] where !(0...1).contains(p) {
            throw ValidationError("\(name(option)) must be within 0...1")
        }
        configuration.faults.rateLimitRate = fault429
        configuration.faults.serverErrorRate = fault500
        configuration.faults.unavailableRate = fault503
        configuration.faults.dropRate = faultDrop
        configuration.faults.slowRate = faultSlow
        configuration.faults.slowDelay = try duration(slowDelay, "slow-delay")
        guard retryAfter >= 0 else { throw ValidationError("\(name("retry-after")) must be zero or more seconds") }
        configuration.faults.retryAfterSeconds = retryAfter
        configuration.faults.schedule = try scheduledFaults.map { spec in
            guard let fault = ScheduledFault(parsing: spec) else {
                throw ValidationError("\(name("fault")) '\(spec)': not a fault spec. \(Self.faultForms)")
            }
            return fault
        }
        guard tokenLimitFailures >= 0 else { throw ValidationError("\(name("token-limit-failures")) must be zero or more") }
        configuration.tokenLimitFailures = tokenLimitFailures
        if let enqueuedTokenLimit {
            guard let limits = Self.enqueuedTokenLimits(enqueuedTokenLimit) else {
                throw ValidationError("\(name("enqueued-token-limit")): expected N or model=N,... with N at least 1")
            }
            configuration.enqueuedTokenLimit = limits.fallback
            configuration.enqueuedTokenLimitPerModel = limits.perModel
        }
        let folder = tokenizerDirectory ?? ProcessInfo.processInfo.environment[TokenizerDirectory.environmentVariable]
        do {
            configuration.tokenCounter = try TokenizerDirectory(path: folder).loadCounter()
        } catch {
            throw ValidationError("\(name("tokenizer-dir")): \(error)")
        }
        guard upstreamConcurrency >= 1 else { throw ValidationError("\(name("upstream-concurrency")) must be at least 1") }
        if let apiKey, apiKey.isEmpty { throw ValidationError("\(name("api-key")) must not be empty") }
        configuration.seed = seed
        configuration.apiKey = apiKey
        configuration.dataDirectory = dataDirectory
        return configuration
    }

    /// `N` (every model) or `model=N,...` (a bare `N` among them is every other model's), each N ≥ 1;
    /// `nil` when the text is neither.
    static func enqueuedTokenLimits(_ text: String) -> (perModel: [String: Int], fallback: Int?)? {
        var perModel: [String: Int] = [:]
        var fallback: Int?
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let limit = Int(parts[parts.count - 1]), limit >= 1, parts.count <= 2 else { return nil }
            if parts.count == 2 {
                guard !parts[0].isEmpty, perModel[parts[0]] == nil else { return nil }
                perModel[parts[0]] = limit
            } else {
                guard fallback == nil else { return nil }
                fallback = limit
            }
        }
        return (perModel, fallback)
    }

    /// What answers the batch's requests: the built-in templates, or the `upstream` server.
    func responder(logger: Logger) throws -> any Responder {
        guard let upstream else { return TemplateResponder() }
        do {
            return try UpstreamResponder(url: upstream, apiKey: upstreamKey, maxConcurrentRequests: upstreamConcurrency, logger: logger)
        } catch {
            throw ValidationError("\(name("upstream")) \(upstream): \(error)")
        }
    }

    /// The accepted forms of `--fault`, for the message about a malformed one.
    static var faultForms: String {
        "Expected FAULT[xCOUNT][@TARGET]: FAULT is a status 400-599 with an optional Retry-After (503, 429:2), "
            + "drop (the connection is cut mid-answer) or slow[:SECONDS] (slow:1.5); xCOUNT repeats it for the next "
            + "COUNT requests (503x3); TARGET limits it to a method, a path prefix or both ('drop@POST /v1/batches', "
            + "slow:1.5x2@/v1/files, 500@GET)."
    }

    private func duration(_ seconds: Double, _ option: String) throws -> Duration {
        guard seconds >= 0, seconds.isFinite, seconds <= 86_400 * 7 else {
            throw ValidationError("\(name(option)) \(seconds): expected seconds from 0 to 604800")
        }
        return .microseconds(Int64((seconds * 1_000_000).rounded()))
    }
}
