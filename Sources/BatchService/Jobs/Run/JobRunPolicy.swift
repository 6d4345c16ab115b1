/// How jobs retry and wait (docs/ARCHITECTURE.md § Jobs): how many attempts a failed line gets, the back-off
/// between a batch refused for the enqueued-token limit (or a line retry) and its next submission, and how long
/// a job may make no progress before it fails.
public struct JobRunPolicy: Sendable, Equatable {
    /// Attempts a line gets in all (`BATCH_OPENAI_MAX_ATTEMPTS`, 3): attempt 1 and up to two retries.
    public var maxAttempts: Int
    /// Seconds a job may go without progress (no batch admitted or finished) before it fails
    /// (`BATCH_OPENAI_QUEUE_TIMEOUT`, 24 h).
    public var queueTimeout: Double
    /// The first back-off in seconds, before a retry or a resubmission after `token_limit_exceeded`; it doubles.
    public var initialBackoff: Double
    /// The longest back-off in seconds.
    public var maxBackoff: Double
    /// Seconds between polls of each of the job's batches.
    public var pollInterval: Double

    /// Creates a policy; the defaults are the documented ones.
    public init(maxAttempts: Int = 3, queueTimeout: Double = 86_400, initialBackoff: Double = 30, maxBackoff: Double = 900,
                pollInterval: Double = 5) {
        self.maxAttempts = maxAttempts
        self.queueTimeout = queueTimeout
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.pollInterval = pollInterval
    }

    /// The back-off before the `number`th resubmission (1-based).
    func backoff(_ number: Int) -> Double {
        min(maxBackoff, initialBackoff * Double(1 << min(max(number - 1, 0), 20)))
    }
}
