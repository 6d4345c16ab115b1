/// The durable state of one `run` (submit → wait → download → parse) once its batch exists, as a pure
/// state machine: `apply(_:)` takes what happened and returns what to do next. The coordinator persists
/// the value (fsynced) after every transition, so a server killed at any point resumes where it was
/// (`apply(.resumed)`) without submitting again.
public struct PipelineRun: Codable, Sendable, Equatable {
    /// Where the run is.
    public enum Phase: String, Codable, Sendable {
        /// Following the batch to a terminal state.
        case waiting
        /// Fetching `output.jsonl` / `errors.jsonl`.
        case downloading
        /// Writing documents.
        case parsing
        /// Done: results downloaded (and parsed when asked).
        case completed
        /// Ended without results, or a step failed for good.
        case failed

        /// Whether nothing more will happen.
        public var isTerminal: Bool { self == .completed || self == .failed }
    }

    /// What happened.
    public enum Event: Sendable, Equatable {
        /// The coordinator (re)started following this run, e.g. after a restart.
        case resumed
        /// The batch was fetched: its status, whether that status is terminal, and whether it has result files.
        case polled(status: String, terminal: Bool, hasResults: Bool)
        /// The result files are on disk.
        case downloaded
        /// The documents are written.
        case parsed
        /// A step failed and will not be retried.
        case failed(String)
    }

    /// What the coordinator must do next.
    public enum Action: Sendable, Equatable {
        /// Fetch the batch after this many seconds.
        case poll(after: Double)
        /// Download the result files.
        case download
        /// Parse them into documents.
        case parse
        /// Nothing more: the run is over.
        case finish
        /// The event makes no sense in this phase; nothing changes.
        case ignore
    }

    /// The batch this run follows.
    public var batchID: String
    /// The job name given at submission.
    public var jobName: String?
    /// The phase.
    public private(set) var phase: Phase
    /// Parse after downloading.
    public var doParse: Bool
    /// Seconds between polls.
    public var pollInterval: Double
    /// The last batch status seen.
    public private(set) var batchStatus: String?
    /// Why the run failed, when it did.
    public private(set) var failure: String?

    /// `run.json` spells its keys like the API's objects.
    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", jobName = "job_name", phase, doParse = "do_parse", pollInterval = "poll_interval"
        case batchStatus = "batch_status", failure
    }

    /// A run that has just submitted its batch.
    public init(batchID: String, jobName: String? = nil, doParse: Bool = true, pollInterval: Double = 5) {
        self.batchID = batchID
        self.jobName = jobName
        self.doParse = doParse
        self.pollInterval = pollInterval
        phase = .waiting
    }

    /// Applies an event and returns the next action.
    public mutating func apply(_ event: Event) -> Action {
        if case .failed(let reason) = event {
            guard !phase.isTerminal else { return .ignore }
            phase = .failed
            failure = reason
            return .finish
        }
        switch (phase, event) {
        case (_, .resumed):
            switch phase {
            case .waiting: return .poll(after: 0)
            case .downloading: return .download
            case .parsing: return .parse
            case .completed, .failed: return .finish
            }
        case (.waiting, .polled(let status, let terminal, let hasResults)):
            batchStatus = status
            guard terminal else { return .poll(after: pollInterval) }
            if hasResults {
                phase = .downloading
                return .download
            }
            phase = .failed
            failure = "the batch ended \(status) without result files"
            return .finish
        case (.downloading, .downloaded):
            if doParse {
                phase = .parsing
                return .parse
            }
            phase = .completed
            return .finish
        case (.parsing, .parsed):
            phase = .completed
            return .finish
        default:
            return .ignore
        }
    }
}
