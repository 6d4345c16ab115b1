/// One attempt of one part of a job, and what became of it.
public struct JobBatch: Codable, Sendable, Equatable {
    /// Where the slot is.
    public enum State: String, Codable, Sendable {
        /// Waiting for its turn (the enqueued-token budget, a back-off).
        case queued
        /// Its create is going out.
        case submitting
        /// Its batch runs upstream.
        case running
        /// Its results are downloaded; documents being merged into the job's `docs/`.
        case merging
        /// Done: documents merged, failures retried or reported.
        case merged
        /// Failed for good.
        case failed
        /// Cancelled before it was submitted.
        case cancelled

        /// Whether nothing more will happen to it.
        public var isSettled: Bool { self == .merged || self == .failed || self == .cancelled }
    }

    /// What the slot's results held.
    public struct Counts: Codable, Sendable, Equatable {
        /// Documents and data results written.
        public var succeeded: Int
        /// Lines that failed.
        public var failed: Int
        /// Lines in neither result file.
        public var missing: Int
        /// Failed and missing lines handed to the next attempt.
        public var retried: Int

        /// Creates counts.
        public init(succeeded: Int = 0, failed: Int = 0, missing: Int = 0, retried: Int = 0) {
            self.succeeded = succeeded
            self.failed = failed
            self.missing = missing
            self.retried = retried
        }
    }

    /// The part, from 0.
    public var part: Int
    /// 1 for the part's lines; 2, 3 … for the lines retried.
    public var attempt: Int
    /// The request file, relative to the job's folder.
    public var file: String
    /// Requests in it.
    public var requestCount: Int
    /// Their input tokens: what the slot holds of the enqueued-token budget while its batch runs.
    public var inputTokens: Int
    /// The model of its requests.
    public var model: String?
    /// Where it is.
    public var state: State = .queued
    /// Its batch, once submitted.
    public var batchID: String?
    /// Earlier batches of this slot that the backend refused for the enqueued-token limit.
    public var refusedBatchIDs: [String] = []
    /// How many creates were asked for it.
    public var submissions = 0
    /// How many of its batches failed with `token_limit_exceeded`.
    public var tokenLimited = 0
    /// Not submitted before this Unix time (a back-off).
    public var notBefore: Int?
    /// What its results held, once merged.
    public var counts: Counts?
    /// Why it failed.
    public var failure: String?

    enum CodingKeys: String, CodingKey {
        case part, attempt, file, requestCount = "request_count", inputTokens = "input_tokens", model, state
        case batchID = "batch_id", refusedBatchIDs = "refused_batch_ids", submissions, tokenLimited = "token_limited"
        case notBefore = "not_before", counts, failure
    }

    /// Creates a queued slot.
    public init(part: Int, attempt: Int, file: String, requestCount: Int, inputTokens: Int, model: String?) {
        self.part = part
        self.attempt = attempt
        self.file = file
        self.requestCount = requestCount
        self.inputTokens = inputTokens
        self.model = model
    }
}
