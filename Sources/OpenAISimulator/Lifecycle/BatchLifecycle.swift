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
        let actions: [Action]?
        switch event {
        case .validationPassed(let total): actions = passValidation(total: total, at: stamp)
        case .validationFailed(let errors): actions = failValidation(errors, at: stamp)
        case .requestFinished(let succeeded, let usage):
            actions = count(succeeded: succeeded ? 1 : 0, failed: succeeded ? 0 : 1, usage: usage ?? BatchUsage())
        case .requestsFinished(let succeeded, let failed, let usage):
            actions = count(succeeded: succeeded, failed: failed, usage: usage)
        case .allRequestsFinished: actions = finishRequests(at: stamp)
        case .cancelRequested: actions = cancel(at: stamp)
        case .deadlinePassed: actions = passDeadline()
        case .resultsWritten(let output, let error, let unfinished):
            actions = writeResults(output: output, error: error, unfinished: unfinished, at: stamp)
        case .resumed: actions = resume()
        }
        guard let actions else { throw TransitionError(status: status, event: event) }
        return actions
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

// MARK: - Transitions
// One method per event: each returns the actions, or nil when the event does not apply in the current state
// (then `handle` throws and nothing has changed). They share this file so the state stays `private(set)`.
extension BatchLifecycle {
    private mutating func passValidation(total: Int, at stamp: Int) -> [Action]? {
        guard status == .validating else { return nil }
        status = .inProgress
        inProgressAt = stamp
        requestCounts = BatchRequestCounts(total: total)
        return [.startProcessing]
    }

    private mutating func failValidation(_ errors: [BatchError], at stamp: Int) -> [Action]? {
        guard status == .validating else { return nil }
        status = .failed
        failedAt = stamp
        self.errors = errors
        return [.finished(.failed)]
    }

    /// Requests that finished, one by one or a chunk at once; never more than the batch holds.
    private mutating func count(succeeded: Int, failed: Int, usage: BatchUsage) -> [Action]? {
        guard status == .inProgress || status == .cancelling, succeeded >= 0, failed >= 0,
              requestCounts.completed + requestCounts.failed + succeeded + failed <= requestCounts.total
        else { return nil }
        requestCounts.completed += succeeded
        requestCounts.failed += failed
        self.usage = self.usage + usage
        return []
    }

    private mutating func finishRequests(at stamp: Int) -> [Action]? {
        guard status == .inProgress, !expiring else { return nil }
        status = .finalizing
        finalizingAt = stamp
        return [.writeResults]
    }

    private mutating func cancel(at stamp: Int) -> [Action]? {
        switch status {
        case .validating, .inProgress:
            status = .cancelling
            cancellingAt = stamp
            expiring = false
            return [.stopProcessing(unfinishedCode: "batch_cancelled")]
        case .cancelling:
            return []
        default:
            return nil
        }
    }

    private mutating func passDeadline() -> [Action]? {
        switch status {
        case .inProgress:
            guard !expiring else { return [] }
            expiring = true
            return [.stopProcessing(unfinishedCode: "batch_expired")]
        case .finalizing:
            // Results are being written already; they are what the expired batch keeps.
            expiring = true
            return []
        default:
            return nil
        }
    }

    /// The result files are written: the batch ends as cancelled, expired or completed.
    private mutating func writeResults(output: String?, error: String?, unfinished: Int, at stamp: Int) -> [Action]? {
        switch status {
        case .finalizing, .cancelling: break
        case .inProgress where expiring: break
        default: return nil
        }
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
    }

    /// The simulator restarted: a running batch starts its requests over (the lost run's results are gone).
    private mutating func resume() -> [Action]? {
        switch status {
        case .validating:
            return []
        case .inProgress:
            requestCounts = BatchRequestCounts(total: requestCounts.total)
            usage = BatchUsage()
            return [expiring ? .stopProcessing(unfinishedCode: "batch_expired") : .startProcessing]
        case .cancelling:
            requestCounts = BatchRequestCounts(total: requestCounts.total)
            usage = BatchUsage()
            return [.stopProcessing(unfinishedCode: "batch_cancelled")]
        case .finalizing:
            return [.writeResults]
        default:
            return nil
        }
    }
}
