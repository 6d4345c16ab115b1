import OpenAIClient

/// What a job looks like now, for a progress display and the REST answer: its state, totals over every line,
/// and a row per batch with the status its batch last had upstream.
public struct JobProgress: Sendable {
    /// Counts over the whole input.
    public struct Totals: Sendable, Equatable {
        /// Requests in the input.
        public var requests: Int
        /// Lines with a document or data result.
        public var succeeded: Int
        /// Lines that failed and will not be retried (by this run).
        public var failed: Int
        /// Lines no result file listed and that will not be retried (by this run).
        public var missing: Int
        /// Lines not settled yet: queued, running or being retried.
        public var pending: Int

        /// Creates totals.
        public init(requests: Int, succeeded: Int, failed: Int, missing: Int, pending: Int) {
            self.requests = requests
            self.succeeded = succeeded
            self.failed = failed
            self.missing = missing
            self.pending = pending
        }
    }

    /// One slot (a part's attempt) and its batch.
    public struct BatchRow: Sendable, Equatable {
        /// The part, from 0.
        public var part: Int
        /// The attempt.
        public var attempt: Int
        /// Where the slot is.
        public var state: JobBatch.State
        /// Its batch, once submitted.
        public var batchID: String?
        /// The batch's status as last stored (`in_progress`, `completed` …).
        public var batchStatus: String?
        /// Requests in the slot.
        public var requestCount: Int
        /// The batch's completed and failed requests as last stored.
        public var completed: Int
        /// Failed requests as last stored.
        public var failed: Int
        /// Why the slot failed.
        public var failure: String?
    }

    /// The durable state.
    public var job: JobRun
    /// `outputs/<job_id>`.
    public var outputDirectory: String
    /// Totals.
    public var totals: Totals
    /// Every slot, in the order they were made.
    public var batches: [BatchRow]
    /// True when an earlier job of the same input and name was returned instead of a new one.
    public var reused: Bool
    /// Tokens and USD per model over the job's batches (`usage.json`), once the job ended.
    public var usage: UsageReport?

    /// Builds the view of `job` with the latest batch objects known (`batches`, by id).
    init(job: JobRun, outputDirectory: String, batches stored: [String: Batch], reused: Bool = false) {
        self.job = job
        self.outputDirectory = outputDirectory
        self.reused = reused
        var totals = Totals(requests: job.plan.requestCount, succeeded: 0, failed: 0, missing: 0, pending: 0)
        for batch in job.batches {
            guard let counts = batch.counts else {
                if batch.state == .failed { totals.failed += batch.requestCount }
                continue
            }
            totals.succeeded += counts.succeeded
            // Lines handed to the next attempt are that attempt's to report.
            var retried = counts.retried
            let missingReported = max(0, counts.missing - retried)
            retried = max(0, retried - counts.missing)
            totals.missing += missingReported
            totals.failed += max(0, counts.failed - retried)
        }
        totals.pending = max(0, totals.requests - totals.succeeded - totals.failed - totals.missing)
        self.totals = totals
        self.batches = job.batches.map { batch in
            let upstream = batch.batchID.flatMap { stored[$0] }
            return BatchRow(
                part: batch.part, attempt: batch.attempt, state: batch.state, batchID: batch.batchID,
                batchStatus: upstream?.status.rawValue, requestCount: batch.requestCount,
                completed: upstream?.requestCounts?.completed ?? 0, failed: upstream?.requestCounts?.failed ?? 0, failure: batch.failure
            )
        }
    }
}
