import OpenAIClient

/// The life of one batch as a pure value: events in, actions out, no I/O and no clock of its own
/// (every event carries the time it happened, in Unix seconds).
///
/// ```
/// validating --> failed                                  validationFailed
/// validating --> in_progress --> finalizing --> completed
///              validationPassed  allRequestsFinished  resultsWritten
/// validating | in_progress --> cancelling --> cancelled  cancelRequested, resultsWritten
/// in_progress | finalizing --> expired                   deadlinePassed, resultsWritten
/// ```
/// Timestamps are set only for states visited and never go backwards. Result file ids appear only
/// with `resultsWritten`. An event that does not apply in the current state throws
/// `BatchLifecycle.TransitionError` and leaves the value unchanged.
public struct BatchLifecycle: Sendable, Equatable, Codable {
    /// What happened to the batch.
    public enum Event: Sendable, Equatable {
        /// The input file is valid and holds `total` requests.
        case validationPassed(total: Int)
        /// The input file (or a batch-level limit) failed.
        case validationFailed([BatchError])
        /// One request finished: `succeeded` when it got a 2xx response.
        case requestFinished(succeeded: Bool, usage: BatchUsage?)
        /// Requests finished together (a batch worked out ahead counts a chunk at once), with the
        /// sum of their usage.
        case requestsFinished(succeeded: Int, failed: Int, usage: BatchUsage)
        /// Every request has run.
        case allRequestsFinished
        /// A client asked to cancel.
        case cancelRequested
        /// The completion window ran out.
        case deadlinePassed
        /// Result files are written; `unfinished` requests were written to the error file as not run
        /// (expired or cancelled) and count as failed.
        case resultsWritten(outputFileID: String?, errorFileID: String?, unfinished: Int)
        /// The simulator restarted while the batch was running: the requests run again from the
        /// first (results of the lost run are gone), so counts of a running batch start over.
        case resumed
    }

    /// What the owner of the lifecycle must do next.
    public enum Action: Sendable, Equatable {
        /// Start running the requests.
        case startProcessing
        /// Stop starting requests; let in-flight ones finish; then write results, listing requests
        /// that never ran with `unfinishedCode` (`batch_expired`, `batch_cancelled`).
        case stopProcessing(unfinishedCode: String)
        /// Write the result files of a batch whose requests have all run.
        case writeResults
        /// The batch reached a terminal state.
        case finished(BatchStatus)
    }

    /// An event that does not apply in the current state.
    public struct TransitionError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The state the batch was in.
        public let status: BatchStatus
        /// The event that was refused.
        public let event: Event

        /// The event and the state that refused it.
        public var description: String { "event \(event) is not allowed in status \(status.rawValue)" }
    }

    /// The status.
    public private(set) var status: BatchStatus = .validating
    /// Creation time, Unix seconds.
    public let createdAt: Int
    /// The reported end of the completion window (`createdAt` + 24 h).
    public let expiresAt: Int
    /// When the window really ends in this simulation (the reported window divided by the speed factor).
    public let deadline: Double
    /// Timestamps of the states visited.
    public private(set) var inProgressAt, finalizingAt, completedAt, failedAt, expiredAt, cancellingAt, cancelledAt: Int?
    /// Request counts.
    public private(set) var requestCounts = BatchRequestCounts()
    /// Summed usage of the finished requests.
    public private(set) var usage = BatchUsage()
    /// Validation errors, when validation failed.
    public private(set) var errors: [BatchError]?
    /// The result files, once written.
    public private(set) var outputFileID, errorFileID: String?
    /// Set while the window has passed but the results of an expiring batch are not written yet.
    public private(set) var expiring = false

    /// A new batch in `validating`.
    /// - Parameters:
    ///   - createdAt: creation time, Unix seconds.
    ///   - window: the reported completion window in seconds (24 h).
    ///   - speedFactor: how much faster than real time the window passes (1 = real time).
    public init(createdAt: Double, window: Int = 86_400, speedFactor: Double = 1) {
        self.createdAt = Int(createdAt)
        self.expiresAt = Int(createdAt) + window
        self.deadline = createdAt + Double(window) / max(speedFactor, .leastNonzeroMagnitude)
    }

    /// Whether the batch can no longer change.
    public var isTerminal: Bool { status.isTerminal }

    /// Applies an event that happened at `now` (Unix seconds) and returns what to do.
    public mutating func handle(_ event: Event, at now: Double) throws(TransitionError) -> [Action] {
        let stamp = max(Int(now), lastTimestamp)
        switch (status, event) {
        case (.validating, .validationPassed(let total)):
            status = .inProgress
            inProgressAt = stamp
            requestCounts = BatchRequestCounts(total: total)
            return [.startProcessing]

        case (.validating, .validationFailed(let errors)):
            status = .failed
            failedAt = stamp
            self.errors = errors
            return [.finished(.failed)]

        case (.inProgress, .requestFinished(let succeeded, let usage)),
             (.cancelling, .requestFinished(let succeeded, let usage)):
            guard requestCounts.completed + requestCounts.failed < requestCounts.total else {
                throw TransitionError(status: status, event: event)
            }
            if succeeded { requestCounts.completed += 1 } else { requestCounts.failed += 1 }
            if let usage { self.usage = self.usage + usage }
            return []

        case (.inProgress, .requestsFinished(let succeeded, let failed, let usage)),
             (.cancelling, .requestsFinished(let succeeded, let failed, let usage)):
            guard succeeded >= 0, failed >= 0,
                  requestCounts.completed + requestCounts.failed + succeeded + failed <= requestCounts.total else {
                throw TransitionError(status: status, event: event)
            }
            requestCounts.completed += succeeded
            requestCounts.failed += failed
            self.usage = self.usage + usage
            return []

        case (.inProgress, .allRequestsFinished) where !expiring:
            status = .finalizing
            finalizingAt = stamp
            return [.writeResults]

        case (.validating, .cancelRequested), (.inProgress, .cancelRequested):
            status = .cancelling
            cancellingAt = stamp
            expiring = false
            return [.stopProcessing(unfinishedCode: "batch_cancelled")]

        case (.cancelling, .cancelRequested):
            return []

        case (.inProgress, .deadlinePassed):
            guard !expiring else { return [] }
            expiring = true
            return [.stopProcessing(unfinishedCode: "batch_expired")]

        case (.finalizing, .deadlinePassed):
            // Results are being written already; they are what the expired batch keeps.
            expiring = true
            return []

        case (.inProgress, .resultsWritten) where !expiring:
            throw TransitionError(status: status, event: event)

        case (.finalizing, .resultsWritten(let output, let error, let unfinished)),
             (.inProgress, .resultsWritten(let output, let error, let unfinished)),
             (.cancelling, .resultsWritten(let output, let error, let unfinished)):
            outputFileID = output
            errorFileID = error
            requestCounts.failed += unfinished
            if status == .cancelling {
                status = .cancelled
                cancelledAt = stamp
            } else if expiring {
                status = .expired
                expiredAt = stamp
                expiring = false
            } else {
                status = .completed
                completedAt = stamp
            }
            return [.finished(status)]

        case (.validating, .resumed):
            return []

        case (.inProgress, .resumed):
            requestCounts = BatchRequestCounts(total: requestCounts.total)
            usage = BatchUsage()
            return [expiring ? .stopProcessing(unfinishedCode: "batch_expired") : .startProcessing]

        case (.cancelling, .resumed):
            requestCounts = BatchRequestCounts(total: requestCounts.total)
            usage = BatchUsage()
            return [.stopProcessing(unfinishedCode: "batch_cancelled")]

        case (.finalizing, .resumed):
            return [.writeResults]

        default:
            throw TransitionError(status: status, event: event)
        }
    }

    /// The latest timestamp set, so the next one never goes backwards.
    private var lastTimestamp: Int {
        // Without an array: this runs for every event, once a request on the slow path.
        var latest = createdAt
        func take(_ stamp: Int?) { if let stamp, stamp > latest { latest = stamp } }
        take(inProgressAt)
        take(finalizingAt)
        take(completedAt)
        take(failedAt)
        take(expiredAt)
        take(cancellingAt)
        take(cancelledAt)
        return latest
    }
}
