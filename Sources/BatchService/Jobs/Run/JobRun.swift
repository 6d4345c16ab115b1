/// The durable state of one job (docs/ARCHITECTURE.md § Jobs) as a pure state machine, like `PipelineRun`:
/// the plan, and every batch the job made or will make — its part, attempt, batch id, state and failure.
/// `apply(_:)` takes what happened and changes nothing it should not; the driver writes the value to
/// `job.json` (fsynced) after every event, so a job killed at any moment resumes where it was.
///
/// A *slot* (`JobBatch`) is one attempt of one part: attempt 1 holds the part's lines, attempt 2, 3 … the
/// lines of the attempt before that failed with a retryable error or went missing. A slot refused for the
/// enqueued-token limit goes back to `queued` with a back-off and is submitted again under the same slot
/// (the submission machinery gives that create a fresh token of its own).
public struct JobRun: Codable, Sendable, Equatable {
    /// Where the job is.
    public enum Phase: String, Codable, Sendable {
        /// Batches are queued, submitted or followed.
        case running
        /// A cancel came: nothing more is submitted; the batches upstream are being cancelled.
        case cancelling
        /// Every part ran: each line is done or reported in `index.json`.
        case completed
        /// A batch failed for good, or the job made no progress for the queue timeout.
        case failed
        /// Cancelled by the user; what finished is kept.
        case cancelled

        /// Whether nothing more will happen (until a retry by hand).
        public var isTerminal: Bool { self == .completed || self == .failed || self == .cancelled }
    }

    /// What happened.
    public enum Event: Sendable, Equatable {
        /// The slot's create is about to go out (recorded first: a crash then resubmits the same key, which adopts).
        case submitting(slot: Int)
        /// The slot has its batch.
        case submitted(slot: Int, batchID: String)
        /// The slot's batch failed with `token_limit_exceeded`: submitted again at `notBefore`.
        case tokenLimited(slot: Int, notBefore: Int)
        /// The slot's batch ended with results, downloaded: its documents are merged next.
        case downloaded(slot: Int)
        /// The slot's documents are in the job's `docs/`; `retry` holds the lines handed to the next attempt.
        case merged(slot: Int, counts: JobBatch.Counts, retry: RetryPart?, now: Int, notBefore: Int)
        /// The slot failed for good (its batch failed, or its input was refused).
        case slotFailed(slot: Int, reason: String)
        /// The user cancelled the job.
        case cancel
        /// No progress for the queue timeout: the job fails, its finished batches kept.
        case timedOut(reason: String)
        /// Every slot settled: the job ends (its `index.json` is written).
        case finished
        /// A retry by hand: these parts' lines are submitted again now.
        case retry([RetryPart], now: Int)
    }

    /// The lines of one part handed to a new attempt (a file of its own under the job's folder).
    public struct RetryPart: Codable, Sendable, Equatable {
        /// The part.
        public var part: Int
        /// The request file, relative to the job's folder.
        public var file: String
        /// Requests in it.
        public var requestCount: Int
        /// Their input tokens (the part's, in proportion).
        public var inputTokens: Int

        /// Creates a retry part.
        public init(part: Int, file: String, requestCount: Int, inputTokens: Int) {
            self.part = part
            self.file = file
            self.requestCount = requestCount
            self.inputTokens = inputTokens
        }

        enum CodingKeys: String, CodingKey {
            case part, file, requestCount = "request_count", inputTokens = "input_tokens"
        }
    }

    /// The plan the job runs.
    public var plan: JobPlan
    /// Bumped by a forced restart of the same job: its submission keys change, so nothing earlier is reused.
    public var generation: Int
    /// The phase.
    public private(set) var phase: Phase
    /// Every slot, in the order they were made (attempt 1 of each part first, in part order).
    public private(set) var batches: [JobBatch]
    /// Attempts a line gets.
    public var maxAttempts: Int
    /// When the job started, Unix seconds.
    public var createdAt: Int
    /// The last time a batch finished (or the job started or resumed), Unix seconds: the queue timeout counts from it.
    public private(set) var lastProgressAt: Int
    /// Why the job failed.
    public private(set) var failure: String?
    /// Seconds between polls of its batches, when the run that started it asked (else the policy's).
    public var pollInterval: Double?

    enum CodingKeys: String, CodingKey {
        case plan, generation, phase, batches, maxAttempts = "max_attempts", createdAt = "created_at"
        case lastProgressAt = "last_progress_at", failure, pollInterval = "poll_interval"
    }

    /// A job about to start: attempt 1 of every part, queued.
    public init(plan: JobPlan, maxAttempts: Int, now: Int, generation: Int = 1) {
        self.plan = plan
        self.generation = generation
        self.maxAttempts = max(1, maxAttempts)
        createdAt = now
        lastProgressAt = now
        phase = .running
        batches = plan.parts.map {
            JobBatch(part: $0.index, attempt: 1, file: $0.file, requestCount: $0.requestCount, inputTokens: $0.inputTokens, model: $0.model)
        }
    }

    /// The job's id.
    public var jobID: String { plan.jobID }

    /// Whether every slot is settled (merged, failed or cancelled): nothing is left to drive.
    public var isSettled: Bool { batches.allSatisfy(\.state.isSettled) }

    /// Slots that are running upstream (submitted and not yet downloaded).
    public var runningSlots: [Int] { batches.indices.filter { batches[$0].state == .running } }

    /// Applies an event; returns false when it makes no sense in this state (nothing changes).
    @discardableResult
    public mutating func apply(_ event: Event) -> Bool {
        switch event {
        case .submitting(let slot):
            guard phase == .running, batches.indices.contains(slot), batches[slot].state == .queued else { return false }
            batches[slot].state = .submitting
            batches[slot].submissions += 1
        case .submitted(let slot, let batchID):
            guard batches.indices.contains(slot), batches[slot].state == .submitting else { return false }
            batches[slot].state = .running
            batches[slot].batchID = batchID
        case .tokenLimited(let slot, let notBefore):
            guard batches.indices.contains(slot), batches[slot].state == .running else { return false }
            batches[slot].tokenLimited += 1
            batches[slot].refusedBatchIDs.append(batches[slot].batchID ?? "")
            batches[slot].batchID = nil
            batches[slot].notBefore = notBefore
            batches[slot].state = phase == .running ? .queued : .cancelled
        case .downloaded(let slot):
            guard batches.indices.contains(slot), batches[slot].state == .running else { return false }
            batches[slot].state = .merging
        case .merged(let slot, let counts, let retry, let now, let notBefore):
            guard batches.indices.contains(slot), batches[slot].state == .merging else { return false }
            batches[slot].state = .merged
            batches[slot].counts = counts
            lastProgressAt = max(lastProgressAt, now)
            let attempt = batches[slot].attempt
            if let retry, retry.requestCount > 0, phase == .running, attempt < maxAttempts {
                batches[slot].counts?.retried = retry.requestCount
                var next = JobBatch(part: retry.part, attempt: attempt + 1, file: retry.file, requestCount: retry.requestCount,
                                    inputTokens: retry.inputTokens, model: batches[slot].model)
                next.notBefore = notBefore
                batches.append(next)
            }
        case .slotFailed(let slot, let reason):
            guard batches.indices.contains(slot), !batches[slot].state.isSettled else { return false }
            batches[slot].state = .failed
            batches[slot].failure = reason
        case .cancel:
            guard phase == .running else { return false }
            phase = .cancelling
            for slot in batches.indices where batches[slot].state == .queued {
                batches[slot].state = .cancelled
            }
        case .timedOut(let reason):
            guard phase == .running else { return false }
            phase = .failed
            failure = reason
            for slot in batches.indices where batches[slot].state == .queued {
                batches[slot].state = .failed
                batches[slot].failure = "not submitted: " + reason
            }
        case .finished:
            guard isSettled else { return false }
            switch phase {
            case .running:
                if let failed = batches.first(where: { $0.state == .failed }) {
                    phase = .failed
                    failure = "part \(failed.part) (attempt \(failed.attempt)) failed: \(failed.failure ?? "unknown")"
                } else {
                    phase = .completed
                }
            case .cancelling: phase = .cancelled
            case .completed, .failed, .cancelled: return false
            }
        case .retry(let parts, let now):
            guard phase.isTerminal, !parts.isEmpty else { return false }
            phase = .running
            failure = nil
            lastProgressAt = now
            for retry in parts {
                // The lines handed over are the new attempt's to report.
                if let latest = batches.indices.last(where: { batches[$0].part == retry.part && batches[$0].state == .merged }) {
                    batches[latest].counts?.retried = retry.requestCount
                }
                let attempt = (batches.filter { $0.part == retry.part }.map(\.attempt).max() ?? 0) + 1
                let model = plan.parts.first { $0.index == retry.part }?.model
                batches.append(JobBatch(part: retry.part, attempt: attempt, file: retry.file, requestCount: retry.requestCount,
                                        inputTokens: retry.inputTokens, model: model))
            }
        }
        return true
    }

    /// Counts a resumption as progress: a restart must not time a job out for the time it was down.
    public mutating func resumed(now: Int) {
        lastProgressAt = max(lastProgressAt, now)
    }
}
