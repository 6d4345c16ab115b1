/// Faults injected into the simulator's own HTTP responses, by probability (per request, drawn from
/// the seeded generator) and by a schedule that is consumed first, in order.
public struct FaultConfiguration: Sendable {
    /// Probability of `429 Too Many Requests` with `Retry-After`.
    public var rateLimitRate: Double = 0
    /// Probability of `500 Internal Server Error`.
    public var serverErrorRate: Double = 0
    /// Probability of `503 Service Unavailable`.
    public var unavailableRate: Double = 0
    /// Probability of a connection dropped halfway through the response (after the handler ran).
    public var dropRate: Double = 0
    /// Probability of a slow response.
    public var slowRate: Double = 0
    /// How long a slow response waits before it is answered.
    public var slowDelay: Duration = .seconds(2)
    /// The `Retry-After` seconds sent with a 429.
    public var retryAfterSeconds: Int = 1
    /// Faults for the next matching requests, in order, before any probability applies.
    public var schedule: [ScheduledFault] = []

    /// No faults.
    public init() {}
}
