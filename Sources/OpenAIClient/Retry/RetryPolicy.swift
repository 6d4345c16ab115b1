extension OpenAI {
    /// Which failures are retried and how: exponential backoff with full jitter, the server's
    /// `retry-after-ms` / `Retry-After` honoured, `x-should-retry` obeyed, at most `maxAttempts`
    /// attempts within `deadline`.
    public struct RetryPolicy: Sendable, Hashable {
        /// Attempts in all, the first included (1 disables retries).
        public var maxAttempts: Int
        /// The backoff ceiling of the first retry; it doubles with each attempt.
        public var initialDelay: Duration
        /// The largest backoff ceiling.
        public var maxDelay: Duration
        /// The longest server-requested delay that is honoured; a longer one falls back to backoff.
        public var maxServerDelay: Duration
        /// No retry starts after this much time since the first attempt.
        public var deadline: Duration
        /// Statuses that are retried (unless `x-should-retry: false`).
        public var retryableStatuses: Set<Int>

        /// Creates a policy: 5 attempts, backoff 0.5 s doubling to 8 s, server delays up to 60 s,
        /// all within 5 minutes; 408, 409, 429, 500, 502, 503 and 504 retried.
        public init(
            maxAttempts: Int = 5,
            initialDelay: Duration = .milliseconds(500),
            maxDelay: Duration = .seconds(8),
            maxServerDelay: Duration = .seconds(60),
            deadline: Duration = .seconds(300),
            retryableStatuses: Set<Int> = [408, 409, 429, 500, 502, 503, 504]
        ) {
            self.maxAttempts = maxAttempts
            self.initialDelay = initialDelay
            self.maxDelay = maxDelay
            self.maxServerDelay = maxServerDelay
            self.deadline = deadline
            self.retryableStatuses = retryableStatuses
        }

        /// One attempt, no retries.
        public static let none = RetryPolicy(maxAttempts: 1)
    }
}
