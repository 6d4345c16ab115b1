import Foundation
import HTTPClient
import Testing

@testable import OpenAIClient

/// The retry decisions on their own: statuses, `x-should-retry`, server delays, attempts, deadline.
@Suite struct RetryBudgetTests {
    static let policy = OpenAI.RetryPolicy(maxAttempts: 4, initialDelay: .milliseconds(100), maxDelay: .milliseconds(400), deadline: .seconds(30))

    static func failure(_ status: Int, _ headers: [(name: String, value: String)] = []) -> AttemptFailure {
        let response = HTTPResponse(status: status, headers: headers)
        return AttemptFailure(response: response, error: OpenAIError(kind: .api, status: status, message: "x"), policy: policy)
    }

    @Test(arguments: [408, 409, 429, 500, 502, 503, 504])
    func retriedStatuses(status: Int) {
        var budget = RetryBudget(policy: Self.policy)
        #expect(budget.delay(after: Self.failure(status)) != nil)
    }

    @Test(arguments: [400, 401, 403, 404, 410, 422, 501])
    func notRetriedStatuses(status: Int) {
        var budget = RetryBudget(policy: Self.policy)
        #expect(budget.delay(after: Self.failure(status)) == nil)
    }

    @Test func shouldRetryHeaderOverrides() {
        var budget = RetryBudget(policy: Self.policy)
        #expect(budget.delay(after: Self.failure(400, [("x-should-retry", "true")])) != nil)
        #expect(budget.delay(after: Self.failure(503, [("X-Should-Retry", "false")])) == nil)
    }

    @Test func backoffIsJitteredUnderADoublingCeiling() {
        var budget = RetryBudget(policy: Self.policy)
        let ceilings: [Duration] = [.milliseconds(100), .milliseconds(200), .milliseconds(400)]
        for ceiling in ceilings {
            let delay = budget.delay(after: Self.failure(503))
            #expect(delay != nil && delay! >= .zero && delay! <= ceiling)
        }
        // Four attempts in all: the fourth failure ends it.
        #expect(budget.delay(after: Self.failure(503)) == nil)
        #expect(budget.attempts == 4)
    }

    @Test func retryAfterMillisecondsWinsOverSeconds() {
        var budget = RetryBudget(policy: Self.policy)
        #expect(budget.delay(after: Self.failure(429, [("retry-after-ms", "1500"), ("Retry-After", "9")])) == .milliseconds(1500))
        #expect(budget.delay(after: Self.failure(429, [("Retry-After", "2")])) == .seconds(2))
    }

    @Test func retryAfterAsAnHTTPDate() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let text = formatter.string(from: now.addingTimeInterval(5))
        let delay = try #require(RetryBudget.serverDelay(Self.failure(503, [("Retry-After", text)]), limit: .seconds(60), now: now))
        #expect(delay == .seconds(5))
    }

    @Test func tooLongOrOddServerDelaysFallBackToBackoff() {
        for value in ["3600", "-1", "soon"] {
            var budget = RetryBudget(policy: Self.policy)
            let delay = budget.delay(after: Self.failure(429, [("Retry-After", value)]))
            #expect(delay != nil && delay! <= .milliseconds(100))
        }
    }

    @Test func deadlineEndsRetries() {
        let started = ContinuousClock.now
        var budget = RetryBudget(policy: OpenAI.RetryPolicy(maxAttempts: 10, deadline: .seconds(5)), started: started)
        #expect(budget.delay(after: Self.failure(429, [("Retry-After", "4")]), now: started) == .seconds(4))
        #expect(budget.delay(after: Self.failure(429, [("Retry-After", "4")]), now: started + .seconds(4)) == nil)
    }

    @Test func transportFailures() {
        func failure(_ kind: HTTPClientError.Kind, sent: Bool) -> AttemptFailure {
            AttemptFailure(transport: HTTPClientError(kind: kind, message: "x", requestSent: sent), error: OpenAIError(kind: .connection, message: "x"))
        }
        #expect(failure(.connectionRefused, sent: false).retryable && !failure(.connectionRefused, sent: false).ambiguous)
        #expect(failure(.connectionLost, sent: true).retryable && failure(.connectionLost, sent: true).ambiguous)
        #expect(failure(.timeout, sent: true).ambiguous)
        #expect(!failure(.timeout, sent: false).ambiguous)
        #expect(!failure(.tls, sent: false).retryable)
        #expect(!failure(.cancelled, sent: true).retryable)
        #expect(Self.failure(503).ambiguous && !Self.failure(429).ambiguous)
    }
}
