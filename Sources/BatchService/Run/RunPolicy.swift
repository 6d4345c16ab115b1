/// How a run behaves when things go wrong, and how fast it checks: retries of transient backend failures
/// (connection lost, timeouts, 429, 5xx) with capped exponential back-off.
public struct RunPolicy: Sendable {
    /// Consecutive transient failures of one step before the run fails for good.
    public var maxTransientFailures: Int
    /// The first back-off, in seconds; it doubles up to `maxBackoff`.
    public var initialBackoff: Double
    /// The longest back-off, in seconds.
    public var maxBackoff: Double

    /// Creates a policy; the defaults ride out about a quarter of an hour of outage.
    public init(maxTransientFailures: Int = 40, initialBackoff: Double = 1, maxBackoff: Double = 30) {
        self.maxTransientFailures = maxTransientFailures
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// The back-off before retry number `attempt` (1-based).
    func backoff(attempt: Int) -> Double {
        min(maxBackoff, initialBackoff * Double(1 << min(max(attempt - 1, 0), 20)))
    }
}
