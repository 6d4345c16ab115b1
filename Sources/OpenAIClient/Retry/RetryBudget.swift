import Foundation
import SystemIO

/// What is left of a call's retries: counts attempts against `maxAttempts`, time against the
/// deadline, and says how long to wait before the next attempt (or that there is none).
struct RetryBudget {
    let policy: OpenAI.RetryPolicy
    let started: ContinuousClock.Instant
    /// Attempts made so far.
    private(set) var attempts = 1

    init(policy: OpenAI.RetryPolicy, started: ContinuousClock.Instant = .now) {
        self.policy = policy
        self.started = started
    }

    /// The delay before the next attempt after `failure`, or `nil` to give up. `x-should-retry`
    /// overrides the status-based decision; `retry-after-ms`, then `Retry-After` (seconds or an
    /// HTTP date), set the delay when within `maxServerDelay`, otherwise backoff with full jitter.
    mutating func delay(after failure: AttemptFailure, now: ContinuousClock.Instant = .now) -> Duration? {
        var retry = failure.retryable
        switch failure.header("x-should-retry")?.lowercased() {
        case "true": retry = true
        case "false": retry = false
        default: break
        }
        guard retry, attempts < max(1, policy.maxAttempts) else { return nil }
        let delay = Self.serverDelay(failure, limit: policy.maxServerDelay) ?? backoff()
        guard (now - started) + delay <= policy.deadline else { return nil }
        attempts += 1
        return delay
    }

    /// A random delay between zero and the doubling ceiling ("full jitter").
    private func backoff() -> Duration {
        let exponent = Double(min(attempts - 1, 30))
        let ceiling = min(policy.maxDelay.inSeconds, policy.initialDelay.inSeconds * pow(2, exponent))
        guard ceiling > 0 else { return .zero }
        return .milliseconds(Int(Double.random(in: 0...ceiling) * 1000))
    }

    /// The delay the server asked for, when it asked for one within `limit`.
    static func serverDelay(_ failure: AttemptFailure, limit: Duration, now: Date = Date()) -> Duration? {
        var seconds: Double?
        if let text = failure.header("retry-after-ms"), let ms = Double(text.trimmingSpacesAndNewlines()) {
            seconds = ms / 1000
        } else if let text = failure.header("retry-after")?.trimmingSpacesAndNewlines() {
            if let value = Double(text) {
                seconds = value
            } else if let date = HTTPDateParser.parse(text) {
                seconds = date.timeIntervalSince(now)
            }
        }
        guard let seconds, seconds.isFinite, seconds >= 0, seconds <= limit.inSeconds else { return nil }
        return .milliseconds(Int(seconds * 1000))
    }
}

