import BatchCore

/// Every knob of the simulator: timing, failures, faults on the API itself, authentication, storage.
public struct SimulatorConfiguration: Sendable {
    /// How long validation of an input file takes.
    public var validationDelay: Duration = .milliseconds(500)
    /// How long each request takes.
    public var requestLatency: Duration = .milliseconds(20)
    /// How many requests of one batch run at once (an upstream model server may take several).
    public var requestConcurrency = 1
    /// How long `finalizing` lasts before results appear.
    public var finalizingDelay: Duration = .milliseconds(500)
    /// How long `cancelling` lasts (in-flight work draining) before `cancelled`.
    public var cancellationDelay: Duration = .milliseconds(500)
    /// The reported completion window in seconds (`24h`).
    public var completionWindowSeconds: Int = 86_400
    /// How much faster than real time the completion window passes: 86,400 makes `24h` last one second.
    public var windowSpeedFactor: Double = 1
    /// The fraction of requests (0...1) answered with an HTTP error instead of a result.
    public var requestFailureRate: Double = 0
    /// The statuses failed requests get, chosen in turn by the seeded generator.
    public var requestFailureStatuses: [Int] = [500]
    /// Whether requests that never ran in a cancelled batch are listed in its error file as
    /// `batch_cancelled` (so every input line lands in exactly one result file).
    public var listCancelledRequests = true
    /// How many of the next batches fail validation with `token_limit_exceeded` (the organisation's
    /// queue of enqueued tokens is full, reference §6.3): a transient, batch-level failure without a line.
    public var tokenLimitFailures = 0
    /// The organisation's cap on enqueued prompt tokens of every model not in `enqueuedTokenLimitPerModel`
    /// (reference §6.3), or `nil` for none: a validated batch whose prompt tokens (the sum of its lines',
    /// counted by `tokenCounter`), added to those of the model's batches still running (`in_progress`,
    /// `finalizing`), pass it fails with `token_limit_exceeded`.
    public var enqueuedTokenLimit: Int?
    /// The cap of named models (`gpt-4o-mini=2000000,gpt-4o=90000`), over `enqueuedTokenLimit`.
    public var enqueuedTokenLimitPerModel: [String: Int] = [:]
    /// How a request line's prompt tokens are counted, for its `usage` (`prompt_tokens`, `input_tokens`)
    /// and for the enqueued-token cap: the service's own counter, so what the service budgets is what the
    /// simulator bills. Exact with a tokenizer folder's vocabularies, else the counter's estimate.
    public var tokenCounter: any RequestTokenCounting = RequestTokenCounter()
    /// Faults on the API's own responses.
    public var faults = FaultConfiguration()
    /// The seed of every random choice (failures, faults): the same seed gives the same run.
    public var seed: UInt64 = 0x5EED
    /// The bearer token clients must send; `nil` accepts any token. A request without one is a 401 either
    /// way, as at OpenAI.
    public var apiKey: String?
    /// Where files (and, when set, state) are kept; `nil` uses a fresh temporary directory.
    public var dataDirectory: String?
    /// The largest upload accepted by `POST /v1/files` (the API's file limit, 512 MB).
    public var maxUploadBytes: Int = 512 * 1024 * 1024
    /// The largest JSON request body.
    public var maxJSONBytes: Int = 4 * 1024 * 1024
    /// Expiry of `purpose=batch` files and result files when nothing else is asked (30 days).
    public var defaultFileExpirySeconds: Int = 30 * 86_400

    /// The enqueued-token cap of `model`, or `nil` for none.
    public func enqueuedTokenLimit(for model: String?) -> Int? {
        if let model, let limit = enqueuedTokenLimitPerModel[model] { return limit }
        return enqueuedTokenLimit
    }

    /// The defaults: a little latency in every phase, so a poller sees each state.
    public init() {}

    /// No latency at all, for tests and benchmarks.
    public static var instant: SimulatorConfiguration {
        var configuration = SimulatorConfiguration()
        configuration.validationDelay = .zero
        configuration.requestLatency = .zero
        configuration.finalizingDelay = .zero
        configuration.cancellationDelay = .zero
        return configuration
    }
}
