import OpenAIClient
import OutputParser

/// A retry by hand of one batch, as `POST /batches/{id}/retry` and `batch-openai retry BATCH_ID --json` show it
/// (the REST schema `BatchRetry` in openapi.json): the retry's own batch and run, and, once merged, the totals of
/// the original batch's `index.json` it merged into.
public struct BatchRetry: Sendable {
    /// What the original's `index.json` counts after the merge.
    public struct Totals: Sendable, Equatable {
        /// Every item.
        public var requests = 0
        /// Documents and data results.
        public var succeeded = 0
        /// Failed requests and unreadable lines.
        public var failed = 0
        /// Requests that never ran.
        public var missing = 0

        /// Creates totals.
        public init(requests: Int = 0, succeeded: Int = 0, failed: Int = 0, missing: Int = 0) {
            self.requests = requests
            self.succeeded = succeeded
            self.failed = failed
            self.missing = missing
        }
    }

    /// The original batch.
    public var retryOf: String
    /// 2 for the first retry.
    public var attempt: Int
    /// How many lines it submitted.
    public var requestCount: Int
    /// Whether it includes the lines that failed for good.
    public var all: Bool
    /// Where it stands.
    public var state: BatchRetryState
    /// Why it failed.
    public var failure: String?
    /// The retry's batch as last stored (nil while its create is out).
    public var batch: Batch?
    /// The phase of the retry batch's run.
    public var phase: PipelineRun.Phase?
    /// `outputs/<retry batch id>`, the retry's own files (no `docs/`: its documents move to the original's).
    public var outputDirectory: String?
    /// The original's `docs/`, where the documents are.
    public var docsDirectory: String
    /// The original's `index.json`.
    public var indexFile: String
    /// The original's totals once merged.
    public var totals: Totals?
    /// Tokens and USD of the retry batch, once downloaded.
    public var usage: UsageReport?
    /// True when a retry already going (or left unfinished by a stopped process) was returned instead of a new one.
    public var reused: Bool
}

extension BatchRetry: Encodable {
    enum CodingKeys: String, CodingKey {
        case retryOf = "retry_of", attempt, requests, all, state, failure, batchID = "batch_id", status, phase
        case requestCounts = "request_counts", outputDir = "output_dir", docsDir = "docs_dir", indexFile = "index_file"
        case succeeded, failed, missing, total = "total", usage, reused
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(retryOf, forKey: .retryOf)
        try c.encode(attempt, forKey: .attempt)
        try c.encode(requestCount, forKey: .requests)
        try c.encode(all, forKey: .all)
        try c.encode(state.rawValue, forKey: .state)
        try c.encode(failure, forKey: .failure)
        try c.encode(batch?.id, forKey: .batchID)
        try c.encode(batch?.status, forKey: .status)
        try c.encode(phase?.rawValue, forKey: .phase)
        try c.encode(batch?.requestCounts, forKey: .requestCounts)
        try c.encode(outputDirectory, forKey: .outputDir)
        try c.encode(docsDirectory, forKey: .docsDir)
        try c.encode(indexFile, forKey: .indexFile)
        try c.encode(totals?.requests, forKey: .total)
        try c.encode(totals?.succeeded, forKey: .succeeded)
        try c.encode(totals?.failed, forKey: .failed)
        try c.encode(totals?.missing, forKey: .missing)
        try c.encode(usage, forKey: .usage)
        try c.encode(reused, forKey: .reused)
    }
}
